/**
 * The explainer as a script would use it: a non-zero exit for a token that cannot be valid, with
 * or without `--config`; one JSON document with `--json`; `--version`; hints naming the issuer a
 * verifier expected when a token's `iss` matched none.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, runCli } from '../../lib/cli/main.js';
import type { CliIo } from '../../lib/cli/output.js';
import { createTestIssuer, WRONG_ISSUER } from '../../lib/testing/index.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { forgeJwt, mintJwt, nowSeconds } from '../helpers/tokens.js';

function memoryIo(stdin = '') {
  const written = { out: '', err: '' };
  const io: CliIo = {
    out: (text) => void (written.out += text),
    err: (text) => void (written.err += text),
    readStdin: async () => stdin,
    now: () => Date.now(),
  };
  return { io, written };
}

const issuer = createTestIssuer({ audience: 'api' });
let dir: string;
let jsonConfig: string;
let slashConfig: string;
let moduleConfig: string;
let downConfig: string;
let jwks: JsonServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bearer-guard-cli-exit-'));
  jsonConfig = join(dir, 'auth.json');
  await writeFile(
    jsonConfig,
    JSON.stringify({
      verifiers: [{ jwtVerifier: issuer.verifierOptions() }],
      directory: { memoryDirectory: [{ name: 'test-user' }] },
    }),
  );
  slashConfig = join(dir, 'slash.json');
  await writeFile(
    slashConfig,
    JSON.stringify({
      verifiers: [{ jwtVerifier: { ...issuer.verifierOptions(), issuer: `${issuer.issuer}/` } }],
    }),
  );
  moduleConfig = join(dir, 'auth.mjs');
  const lib = join(process.cwd(), 'lib', 'index.ts');
  await writeFile(
    moduleConfig,
    `import { jwtVerifier } from ${JSON.stringify(lib)};
     export default { verifiers: [jwtVerifier(${JSON.stringify(issuer.verifierOptions())})] };`,
  );
  jwks = await startJsonServer(() => ({ status: 503, json: { error: 'down' } }));
  downConfig = join(dir, 'down.json');
  await writeFile(
    downConfig,
    JSON.stringify({
      verifiers: [
        {
          jwtVerifier: {
            jwksUri: `${jwks.url}/jwks`,
            issuer: issuer.issuer,
            audience: 'api',
          },
        },
      ],
    }),
  );
});
afterAll(async () => {
  await jwks.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the exit code without --config', () => {
  const base = { iss: 'https://id.example.test', aud: 'api', sub: 'u1' };
  it.each([
    ['an unexpired signed JWT', async () => issuer.token(), EXIT.accepted, undefined],
    ['an opaque token (only its issuer can tell)', async () => 'mF_9.B5f-4.1JqM', 0, undefined],
    ['an expired JWT', async () => issuer.expiredToken(), 1, 'expired 60 minutes ago ("exp")'],
    [
      'a JWT not valid yet',
      async () => issuer.notYetValidToken(),
      1,
      /^not valid for another \d+ minutes \("nbf"\)$/,
    ],
    [
      'an unsigned JWT',
      async () => forgeJwt({ alg: 'none' }, base, ''),
      1,
      'unsigned ("alg": "none")',
    ],
    [
      'a JWT with an empty signature',
      async () => forgeJwt({ alg: 'RS256' }, base, ''),
      1,
      'the signature is empty',
    ],
    [
      'a malformed JWT',
      async () => `${Buffer.from('{"alg":').toString('base64url')}.e30.c2ln`,
      1,
      'malformed JWT: the header is not base64url-encoded JSON',
    ],
    [
      'a JWT that is not an access token',
      async () => mintJwt({ header: { typ: 'dpop+jwt' } }),
      1,
      '"typ" "dpop+jwt" is not an access token type',
    ],
    [
      'a JWT issued in the future',
      async () => mintJwt({ claims: { iat: nowSeconds() + 600, exp: nowSeconds() + 3600 } }),
      1,
      'issued in the future, in 10 minutes ("iat")',
    ],
    [
      'a JWT with a critical header',
      async () => mintJwt({ header: { crit: ['b64'], b64: true } }),
      1,
      '"crit" header parameter (never supported)',
    ],
    [
      'a token with characters outside RFC 6750',
      async () => 'abc$def',
      1,
      'it has characters a bearer token cannot have (RFC 6750 b64token)',
    ],
  ])('%s', async (_name, make, code, problem) => {
    const token = await make();
    const text = memoryIo();
    expect(await runCli(['explain', token], text.io)).toBe(code);
    expect(text.written.out).not.toContain(token);
    const json = memoryIo();
    expect(await runCli(['explain', token, '--json'], json.io)).toBe(code);
    const doc = JSON.parse(json.written.out) as { possible: boolean; problems: string[] };
    expect(doc.possible).toBe(code === 0);
    expect(json.written.out).not.toContain(token);
    if (problem === undefined) {
      expect(doc.problems).toEqual([]);
      expect(text.written.out).not.toContain('Cannot be valid');
    } else {
      expect(doc.problems).toEqual([
        typeof problem === 'string' ? problem : expect.stringMatching(problem),
      ]);
      expect(text.written.out).toContain('\nCannot be valid\n');
    }
  });

  it('tolerates the default five seconds of clock skew', async () => {
    const token = await mintJwt({ claims: { exp: nowSeconds() - 2 } });
    expect(await runCli(['explain', token], memoryIo().io)).toBe(0);
  });
});

describe('--json', () => {
  it('prints one document with the decoded token, never the token itself', async () => {
    const token = await issuer.token();
    const { io, written } = memoryIo();
    expect(await runCli(['explain', token, '--json'], io)).toBe(0);
    const doc = JSON.parse(written.out);
    expect(doc).toMatchObject({
      token: {
        kind: 'jwt',
        fingerprint: expect.stringMatching(/^sha256:/),
        header: { alg: expect.any(String) },
        claims: { iss: issuer.issuer, sub: 'test-user' },
        signed: true,
        findings: expect.any(Array),
      },
      possible: true,
      problems: [],
      exitCode: 0,
    });
    expect(doc.chain).toBeUndefined();
    expect(written.out).not.toContain(token.split('.')[2]);
  });

  it('adds the chain: steps, outcome, the HTTP answer, and the user', async () => {
    const { io, written } = memoryIo();
    expect(await runCli(['explain', await issuer.token(), '-c', jsonConfig, '--json'], io)).toBe(0);
    expect(JSON.parse(written.out).chain).toMatchObject({
      steps: [{ verifier: 'jwt', kind: 'accept' }],
      outcome: 'accept',
      reason: 'accepted',
      verifier: 'jwt',
      identity: { subject: 'test-user', username: 'test-user' },
      user: { name: 'test-user' },
      response: { status: 200 },
      hints: [],
    });
  });

  it('reports a refusal with its status, headers and body, and exit code 1', async () => {
    const { io, written } = memoryIo();
    const token = await issuer.wrongAudienceToken();
    expect(await runCli(['explain', token, '-c', jsonConfig, '--json'], io)).toBe(1);
    const doc = JSON.parse(written.out);
    expect(doc.exitCode).toBe(1);
    expect(doc.chain).toMatchObject({
      outcome: 'reject',
      reason: 'audience_mismatch',
      response: {
        status: 400,
        headers: { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' },
      },
    });
  });
});

describe('an upstream that cannot answer', () => {
  it('exits 3: nothing can be said about the token', async () => {
    const { io, written } = memoryIo();
    expect(await runCli(['explain', await issuer.token(), '-c', downConfig], io)).toBe(
      EXIT.unavailable,
    );
    expect(written.out).toContain('REFUSED: unavailable');
    expect(written.out).toContain('HTTP 503');
  });
});

describe('hints on issuer_mismatch', () => {
  it('names the issuer each verifier expected (JSON configuration)', async () => {
    const { io, written } = memoryIo();
    expect(await runCli(['explain', await issuer.wrongIssuerToken(), '-c', jsonConfig], io)).toBe(
      1,
    );
    expect(written.out).toContain(
      `\nHints\n  the token says "iss": "${WRONG_ISSUER}", which no verifier expects\n` +
        `  verifier "jwt" expects "${issuer.issuer}"\n`,
    );
  });

  it('points out an issuer that differs only by a trailing slash', async () => {
    const { io, written } = memoryIo();
    expect(await runCli(['explain', await issuer.token(), '-c', slashConfig, '--json'], io)).toBe(
      1,
    );
    expect(JSON.parse(written.out).chain.hints).toEqual([
      `the token says "iss": "${issuer.issuer}", which no verifier expects`,
      `verifier "jwt" expects "${issuer.issuer}/"`,
      `  "${issuer.issuer}" and "${issuer.issuer}/" differ only by a trailing slash: issuers are compared exactly, character for character`,
    ]);
  });

  it('says where to look when the verifier was built in a module', async () => {
    const { io, written } = memoryIo();
    expect(await runCli(['explain', await issuer.wrongIssuerToken(), '-c', moduleConfig], io)).toBe(
      1,
    );
    expect(written.out).toContain(
      '  verifier "jwt" expects another issuer: the "issuer" option it was given, or the issuer of its discovery document\n',
    );
  });
});

describe('--version and unknown flags', () => {
  it('prints the version it is given', async () => {
    const { io, written } = memoryIo();
    expect(await runCli(['--version'], io, { version: '9.9.9' })).toBe(0);
    expect(written.out).toBe('9.9.9\n');
  });

  it('answers an unknown flag in its own words, exit 2', async () => {
    const { io, written } = memoryIo();
    expect(await runCli(['explain', 'abc', '--jsno'], io)).toBe(EXIT.usage);
    expect(written.err).toMatch(/^bearer-guard: unknown option "--jsno"; did you mean --json\?\n/);
  });
});
