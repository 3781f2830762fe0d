/**
 * Every provider call goes through the given undici dispatcher (a proxy, custom TLS, a MockAgent
 * in an application's tests): here a counting Agent in front of real local servers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { Agent, type Dispatcher } from 'undici';
import { oauthProviderVerifier } from '../../lib/index.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';

const ctx = { req: {} as Request, scheme: 'bearer' as const, signal: new AbortController().signal };

class CountingAgent extends Agent {
  paths: string[] = [];
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    this.paths.push(String(options.path).split('?')[0] as string);
    return super.dispatch(options, handler);
  }
}

describe('provider calls through a dispatcher', () => {
  let server: JsonServer;
  let dispatcher: CountingAgent;
  beforeAll(async () => {
    server = await startJsonServer((req) => {
      if (req.path === '/.well-known/openid-configuration') {
        return { json: { issuer: server.url, userinfo_endpoint: `${server.url}/userinfo` } };
      }
      return { json: { sub: 'u-1', preferred_username: 'admin' } };
    });
    dispatcher = new CountingAgent();
  });
  afterAll(async () => {
    await dispatcher.close();
    await server.close();
  });

  it("sends the custom provider's userinfo call through it", async () => {
    const verifier = oauthProviderVerifier({
      provider: 'custom',
      userinfoEndpoint: `${server.url}/userinfo`,
      usernameField: 'preferred_username',
      dispatcher,
    });
    expect((await verifier.verify('opaque-1', ctx)).kind).toBe('accept');
    expect(dispatcher.paths).toEqual(['/userinfo']);
  });

  it("sends the oidc preset's discovery and userinfo calls through it", async () => {
    dispatcher.paths = [];
    const verifier = oauthProviderVerifier({
      provider: 'oidc',
      issuer: server.url,
      expectedAudience: false,
      dispatcher,
    });
    expect((await verifier.verify('opaque-2', ctx)).kind).toBe('accept');
    expect(dispatcher.paths).toEqual(['/.well-known/openid-configuration', '/userinfo']);
  });

  it('refuses a dispatcher that is not one', () => {
    expect(() =>
      oauthProviderVerifier({ provider: 'github', dispatcher: {} as Dispatcher }),
    ).toThrow('oauthProviderVerifier: "dispatcher" option must be an undici Dispatcher');
  });
});
