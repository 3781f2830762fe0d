/**
 * What the migration samples' tests share: the same tokens for the API before and after the
 * migration, and one way to call either side and read its answer.
 */
import { spawn } from 'node:child_process';
import type { TestIssuer } from '../../lib/testing/index.js';

/** The cases every migration sample is driven through. */
export const CASES = [
  'valid',
  'expired',
  'wrong audience',
  'wrong issuer',
  'tampered',
  'missing scope',
  'no token',
] as const;
export type CaseName = (typeof CASES)[number];

/** One token per case (none for "no token"), all from the same local issuer. */
export async function tokensFor(issuer: TestIssuer): Promise<Record<CaseName, string | undefined>> {
  return {
    valid: await issuer.tokenWithScopes('issues:read'),
    expired: await issuer.expiredToken({ scope: 'issues:read' }),
    'wrong audience': await issuer.wrongAudienceToken({ scope: 'issues:read' }),
    'wrong issuer': await issuer.wrongIssuerToken({ scope: 'issues:read' }),
    tampered: await issuer.tamperedToken({ scope: 'issues:read' }),
    'missing scope': await issuer.tokenWithScopes('issues:write'),
    'no token': undefined,
  };
}

/** An answer, as a client sees it. */
export interface Answer {
  status: number;
  challenge: string | null;
  contentType: string | null;
  body: unknown;
}

/** GET `url` with the token as a bearer token (none when `undefined`). */
export async function call(url: string, token?: string): Promise<Answer> {
  const res = await fetch(url, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type');
  let body: unknown = text;
  if (contentType?.includes('json')) body = JSON.parse(text) as unknown;
  return { status: res.status, challenge: res.headers.get('www-authenticate'), contentType, body };
}

/** A sample server running in a process of its own. */
export interface RunningSample {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a sample (`npx tsx <file>`) in a child process on 127.0.0.1 and an ephemeral port, with
 * `config` as its SAMPLE_CONFIG. For samples whose peer library cannot load in Jest's module
 * runtime (jwks-rsa `require()`s jose, an ES module, which only Node itself can do).
 */
export async function startSample(file: string, config: object): Promise<RunningSample> {
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    env: { ...process.env, SAMPLE_CONFIG: JSON.stringify(config), PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (found) resolve(found[1] as string);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}): ${output}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/**
 * Valid tokens the peers take as plain bearer tokens and bearer-guard refuses: one bound to a
 * DPoP key (`cnf.jkt`), and one whose `typ` header says it is an ID token.
 */
export async function strictTokensFor(issuer: TestIssuer): Promise<Record<string, string>> {
  return {
    'bound to a key (cnf.jkt)': await issuer.token({
      scope: 'issues:read',
      cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' },
    }),
    'an ID token (typ id_token+jwt)': await issuer.token(
      { scope: 'issues:read' },
      { header: { typ: 'id_token+jwt' } },
    ),
  };
}
