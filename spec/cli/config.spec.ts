import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, toExplainConfig } from '../../lib/cli/config.js';
import * as api from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';

const factories = api as unknown as Record<string, unknown>;
const ctx = () => ({
  req: {} as never,
  scheme: 'bearer' as const,
  signal: new AbortController().signal,
});

describe('loadConfig', () => {
  const issuer = createTestIssuer({ audience: 'api' });
  let dir: string;
  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bearer-guard-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('builds verifiers and a directory from factory names in JSON', async () => {
    const path = await file(
      'auth.json',
      JSON.stringify({
        verifiers: [{ jwtVerifier: { ...issuer.verifierOptions(), name: 'local' } }],
        directory: { memoryDirectory: [{ name: 'test-user' }] },
        realm: 'jira',
      }),
    );
    const config = await loadConfig(path, factories);
    expect(config.verifiers.map((v) => v.name)).toEqual(['local']);
    expect(config.realm).toBe('jira');
    const verdict = await config.verifiers[0]?.verify(await issuer.token(), ctx());
    expect(verdict).toMatchObject({ kind: 'accept' });
    expect(config.findUser).toBeDefined();
  });

  it('loads a module whose default export is a function returning options', async () => {
    const path = await file(
      'auth.mjs',
      `export default async () => ({
        verifiers: [{ name: 'static', verify: async () => ({ kind: 'pass', reason: 'token_not_jwt' }) }],
      });`,
    );
    const config = await loadConfig(path, factories);
    expect(config.verifiers.map((v) => v.name)).toEqual(['static']);
    expect(config.findUser).toBeUndefined();
    expect(config.errorFormat).toBe('seed');
  });

  it.each([
    ['bad.json', '{ nope', '{path} is not valid JSON'],
    [
      'unknown.json',
      '{"verifiers":[{"magicVerifier":{}}]}',
      'config.verifiers[0]: bearer-guard exports no factory "magicVerifier"',
    ],
    [
      'empty.json',
      '{"verifiers":[]}',
      'bearerAuth: "verifiers" option must be a non-empty array of verifiers',
    ],
    [
      'shape.json',
      '{"issuer":"x"}',
      'the configuration must export { verifiers: [...] } (bearerAuth options)',
    ],
  ])('refuses %s', async (name, text, message) => {
    const path = await file(name, text);
    const error = await loadConfig(path, factories).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(message.replace('{path}', path));
  });

  it('reports a factory’s own TypeError and a missing file as ConfigError', async () => {
    const path = await file('jwt.json', '{"verifiers":[{"jwtVerifier":{}}]}');
    await expect(loadConfig(path, factories)).rejects.toThrow(
      new ConfigError(
        `cannot load ${path}: jwtVerifier: exactly one of "publicKey", "secret", "jwks", "jwksUri", "discovery" is required (got none)`,
      ),
    );
    await expect(loadConfig(join(dir, 'missing.mjs'), factories)).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});

describe('toExplainConfig', () => {
  it('checks the options as bearerAuth does', () => {
    expect(() => toExplainConfig({ verifiers: [{ name: 'x' }] })).toThrow(
      new ConfigError(
        'bearerAuth: "verifiers" option: entry 0 is not a verifier ({ name, verify(token, ctx) })',
      ),
    );
  });
});
