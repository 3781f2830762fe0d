/**
 * The package as a user gets it: `npm pack` (which builds dist/), the tarball unpacked into
 * node_modules of a scratch application, its runtime dependencies linked from this checkout (no
 * network), then loaded with `require` and `import`, used end to end, and its bin run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve('.');
const RUNTIME = ['jose', 'lru-cache', 'undici', 'express'];
const PINNED = [
  'bearerAuth',
  'jwtVerifier',
  'introspectionVerifier',
  'oauthProviderVerifier',
  'clientCredentialsVerifier',
  'memoryDirectory',
  'requireScopes',
  'requireAnyScope',
  'requireClaims',
  'BearerAuthError',
];

let scratch: string;
let app: string;
let tarball: string;

const node = (args: string[], input?: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    const child = execFile(
      process.execPath,
      args,
      { cwd: app, timeout: 60_000 },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bearer-guard-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  tarball = join(scratch, (info as { filename: string }).filename);
  app = join(scratch, 'app');
  const modules = join(app, 'node_modules');
  mkdirSync(modules, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', scratch]);
  await run('mv', [join(scratch, 'package'), join(modules, 'bearer-guard')]);
  for (const name of RUNTIME)
    symlinkSync(realpathSync(join(ROOT, 'node_modules', name)), join(modules, name));
  writeFileSync(join(app, 'package.json'), '{"name":"scratch-app","private":true}\n');
}, 240_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('holds the built library and its documents, no sources or specs', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.trim().split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/dist/esm/index.js',
        'package/dist/cjs/index.js',
        'package/dist/esm/index.d.ts',
      ]),
    );
    expect(
      files.filter((f) => /^package\/(lib|spec|samples)\//.test(f) || /\.spec\./.test(f)),
    ).toEqual([]);
  });

  it('loads with require and with import, with every pinned export', async () => {
    const cjs = await node([
      '-e',
      "process.stdout.write(JSON.stringify(Object.keys(require('bearer-guard'))))",
    ]);
    const esm = await node([
      '--input-type=module',
      '-e',
      "import * as b from 'bearer-guard'; process.stdout.write(JSON.stringify(Object.keys(b)))",
    ]);
    expect(cjs.code).toBe(0);
    expect(esm.code).toBe(0);
    expect(JSON.parse(cjs.stdout)).toEqual(expect.arrayContaining(PINNED));
    expect(JSON.parse(esm.stdout)).toEqual(expect.arrayContaining(PINNED));
  });

  it('protects an Express app end to end from CommonJS, with the testing kit', async () => {
    const script = `
      const express = require('express');
      const { bearerAuth, jwtVerifier, memoryDirectory } = require('bearer-guard');
      const { createTestIssuer } = require('bearer-guard/testing');
      (async () => {
        const issuer = createTestIssuer({ audience: 'https://api.example.test' });
        const app = express();
        app.use(bearerAuth({ verifiers: [jwtVerifier(issuer.verifierOptions())],
          directory: memoryDirectory([{ name: 'admin', emailAddress: 'admin@gmail.com' }]) }));
        app.get('/myself', (req, res) => res.json(req.auth.user));
        const server = app.listen(0, '127.0.0.1');
        await new Promise((r) => server.once('listening', r));
        const url = 'http://127.0.0.1:' + server.address().port + '/myself';
        const call = async (token) => {
          const res = await fetch(url, { headers: token ? { authorization: 'Bearer ' + token } : {} });
          return { status: res.status, body: await res.json() };
        };
        const out = {
          valid: await call(await issuer.token({ preferred_username: 'admin' })),
          expired: await call(await issuer.expiredToken({ preferred_username: 'admin' })),
          none: await call(),
        };
        server.close();
        process.stdout.write(JSON.stringify(out));
      })();`;
    const result = await node(['-e', script]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      valid: { status: 200, body: { name: 'admin', emailAddress: 'admin@gmail.com' } },
      expired: {
        status: 401,
        body: {
          error: { status: 'ERROR', message: 'Token Expired: The token provided is expired.' },
        },
      },
      none: {
        status: 401,
        body: {
          error: {
            status: 'ERROR',
            message: 'Token Missing: A bearer token is required to access this resource.',
          },
        },
      },
    });
  });

  it('loads the testing kit with import too', async () => {
    const result = await node([
      '--input-type=module',
      '-e',
      "import { createTestIssuer } from 'bearer-guard/testing'; const t = await createTestIssuer().token(); process.stdout.write(String(t.split('.').length))",
    ]);
    expect(result).toMatchObject({ code: 0, stdout: '3' });
  });

  it('runs the bearer-guard explain bin without printing the token', async () => {
    const token = (
      await node([
        '--input-type=module',
        '-e',
        "import { createTestIssuer } from 'bearer-guard/testing'; process.stdout.write(await createTestIssuer().expiredToken())",
      ])
    ).stdout;
    const result = await node(['node_modules/bearer-guard/dist/esm/cli/bin.js', 'explain', token]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/expired/i);
    expect(result.stdout).toContain('sha256:');
    expect(result.stdout).not.toContain(token);
    expect(result.stdout).not.toContain(token.split('.')[2]);
  });
});
