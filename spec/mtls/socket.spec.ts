import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
/**
 * mTLS with TLS ending in this process: a certificate-bound JWT (cnf.x5t#S256) is accepted over a
 * TLS connection presenting that certificate, refused with another or none; resumed TLS sessions
 * keep the certificate.
 */
import type { Agent, Dispatcher } from 'undici';
import { jwtVerifier, MESSAGES } from '../../lib/index.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';
import { seed } from '../helpers/app.js';
import { CLIENT_A, CLIENT_B } from './certificates.js';
import { client, connection, startApi, whoami, type MtlsApi } from './harness.js';

const key = testKey('RS256');
const verifiers = () => [
  jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE }),
];
const boundTo = (thumbprint: string) => mintJwt({ claims: { cnf: { 'x5t#S256': thumbprint } } });
const NOT_PROVEN = seed(MESSAGES.bindingNotProven);

describe("mtls: { certificate: 'socket' }", () => {
  let api: MtlsApi;
  const agents: Dispatcher[] = [];
  const agent = (certificate?: typeof CLIENT_A) => {
    const a = client(certificate ? { certificate } : {});
    agents.push(a);
    return a;
  };

  beforeAll(async () => {
    api = await startApi({ verifiers: verifiers(), mtls: { certificate: 'socket' } });
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await api.close();
  });

  it('accepts a certificate-bound token over a connection presenting that certificate', async () => {
    const answer = await whoami(api, agent(CLIENT_A), await boundTo(CLIENT_A.thumbprint));
    expect(answer).toMatchObject({ status: 200, body: { binding: 'mtls', subject: 'user-1' } });
    expect(api.decisions.at(-1)).toMatchObject({ outcome: 'accept', binding: 'mtls' });
  });

  it('refuses it with another certificate (401 invalid_token, certificate_mismatch)', async () => {
    const answer = await whoami(api, agent(CLIENT_B), await boundTo(CLIENT_A.thumbprint));
    expect(answer.status).toBe(401);
    expect(answer.challenge).toMatch(/^Bearer realm="api", error="invalid_token"/);
    expect(answer.body).toEqual(NOT_PROVEN);
    expect(api.decisions.at(-1)).toMatchObject({
      outcome: 'reject',
      reason: 'certificate_mismatch',
      binding: 'mtls',
    });
  });

  it('refuses it without a certificate (certificate_missing)', async () => {
    const answer = await whoami(api, agent(), await boundTo(CLIENT_A.thumbprint));
    expect(answer.status).toBe(401);
    expect(answer.challenge).toMatch(/error="invalid_token"/);
    expect(answer.body).toEqual(NOT_PROVEN);
    expect(api.decisions.at(-1)).toMatchObject({ reason: 'certificate_missing' });
  });

  it('accepts a plain token as a bearer token, certificate or not', async () => {
    const token = await mintJwt();
    expect(await whoami(api, agent(CLIENT_A), token)).toMatchObject({
      status: 200,
      body: { binding: 'bearer' },
    });
    expect(await whoami(api, agent(), token)).toMatchObject({
      status: 200,
      body: { binding: 'bearer' },
    });
  });

  it('reads the certificate once per TLS connection', async () => {
    const before = api.peerCertificateCalls.length;
    const a = connection(api, CLIENT_A);
    agents.push(a);
    const token = await boundTo(CLIENT_A.thumbprint);
    for (let i = 0; i < 3; i++) {
      expect(await whoami(api, a, token)).toMatchObject({ status: 200, body: { binding: 'mtls' } });
    }
    // One keep-alive connection, three requests, one look at its certificate.
    expect(api.peerCertificateCalls.slice(before)).toEqual([1]);
  });
});

describe("mtls: { certificate: 'socket', required: true }", () => {
  let api: MtlsApi;
  let a: Agent;
  beforeAll(async () => {
    api = await startApi({
      verifiers: verifiers(),
      mtls: { certificate: 'socket', required: true },
    });
    a = client({ certificate: CLIENT_A });
  });
  afterAll(async () => {
    await a.close();
    await api.close();
  });

  it('refuses a token that is not certificate-bound (certificate_binding_required)', async () => {
    const answer = await whoami(api, a, await mintJwt());
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(NOT_PROVEN);
    expect(api.decisions.at(-1)).toMatchObject({ reason: 'certificate_binding_required' });
  });

  it('accepts a bound token with its certificate', async () => {
    expect(await whoami(api, a, await boundTo(CLIENT_A.thumbprint))).toMatchObject({
      status: 200,
      body: { binding: 'mtls' },
    });
  });
});

describe('a bound token without the mtls option', () => {
  it('is refused (token_binding_unsupported), never downgraded to a bearer token', async () => {
    const api = await startApi({ verifiers: verifiers() });
    const a = client({ certificate: CLIENT_A });
    try {
      const answer = await whoami(api, a, await boundTo(CLIENT_A.thumbprint));
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(NOT_PROVEN);
      expect(api.decisions.at(-1)).toMatchObject({ reason: 'token_binding_unsupported' });
    } finally {
      await a.close();
      await api.close();
    }
  });
});

/*
 * What Node gives on a resumed TLS session: the handshake of a resumed session (TLS 1.2 session
 * ticket, TLS 1.3 PSK) carries no Certificate message, yet getPeerCertificate() still returns the
 * certificate of the original session, which OpenSSL keeps in the session. So a bound token keeps
 * working on a resumed connection, and proves the same certificate as the full handshake did.
 */
describe.each(['TLSv1.2', 'TLSv1.3'] as const)('a resumed %s session', (maxVersion) => {
  it('still presents the client certificate: the bound token is accepted', async () => {
    const api = await startApi(
      { verifiers: verifiers(), mtls: { certificate: 'socket' } },
      { maxVersion },
    );
    const a = client({ certificate: CLIENT_A }); // undici caches TLS sessions per origin
    const token = await boundTo(CLIENT_A.thumbprint);
    try {
      for (let i = 0; i < 4; i++) {
        // `reset`: the connection closes after each request, so each one is a new handshake.
        expect(await whoami(api, a, token, [], { reset: true })).toMatchObject({
          status: 200,
          body: { binding: 'mtls' },
        });
      }
      expect(api.sessionReused[0]).toBe(false);
      expect(api.sessionReused.slice(1)).toContain(true);
      // And a session resumed by a client holding another certificate's session is not possible:
      // a new agent has no session to resume, and its own certificate is refused.
      const b = client({ certificate: CLIENT_B });
      try {
        expect((await whoami(api, b, token)).status).toBe(401);
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
      await api.close();
    }
  });
});

describe('mtls: { certificate: (req) => … }', () => {
  it("uses the application's certificate; a function that throws answers 503, never 401", async () => {
    let broken = false;
    const api = await startApi({
      verifiers: verifiers(),
      mtls: {
        certificate: (req) => {
          if (broken) throw new Error('certificate store down');
          return (req.socket as import('node:tls').TLSSocket).getPeerCertificate().raw;
        },
      },
      retryAfterSeconds: 9,
    });
    const a = client({ certificate: CLIENT_A });
    const token = await boundTo(CLIENT_A.thumbprint);
    try {
      expect(await whoami(api, a, token)).toMatchObject({
        status: 200,
        body: { binding: 'mtls' },
      });
      broken = true;
      const answer = await whoami(api, a, token);
      expect(answer.status).toBe(503);
      expect(answer.challenge).toBeUndefined();
      expect(api.decisions.at(-1)).toMatchObject({
        outcome: 'error',
        reason: 'verifier_error',
        binding: 'mtls',
        cause: expect.objectContaining({ message: 'certificate store down' }),
      });
      // An unbound token never asks for the certificate.
      expect((await whoami(api, a, await mintJwt())).status).toBe(200);
    } finally {
      await a.close();
      await api.close();
    }
  });
});

describe('bearerAuth options', () => {
  it.each<[Record<string, unknown>, RegExp]>([
    [
      { mtls: { certificate: 'socket', requried: true } },
      /bearerAuth: "mtls": unknown option "requried"/,
    ],
    [{ mtls: { certificate: { encoding: 'xfcc', trustedProxies: ['x'] } } }, /trustedProxies/],
    [{ resourceMetadata: { resource: 'http://api.example.com' } }, /"resourceMetadata.resource"/],
    [{ resourceMetadata: { resourse: 'https://api.example.com' } }, /unknown option "resourse"/],
    [
      { resourceMetdata: { resource: 'https://api.example.com' } },
      /unknown option "resourceMetdata" \(did you mean "resourceMetadata"\?\)/,
    ],
  ])('%j throws a TypeError at construction', async (options, message) => {
    const build = () =>
      startApi({ verifiers: verifiers(), ...(options as object) }, { tls: false });
    await expect(build()).rejects.toThrow(TypeError);
    await expect(build()).rejects.toThrow(message);
  });
});
