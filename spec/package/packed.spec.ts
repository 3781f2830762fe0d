/**
 * The package as a user gets it: `npm pack` (which builds dist/), the tarball unpacked into
 * node_modules of a scratch application, its runtime dependencies linked from this checkout (no
 * network), then loaded with `require` and `import`, used end to end, and its bin run; a Jest
 * project with no transform configuration, an Express 4 CommonJS application, and TypeScript
 * programs (`skipLibCheck: false`) under every module resolution mode, alone and beside
 * express-oauth2-jwt-bearer. One suite, so the tarball is built once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { RESOLUTION_MODES, typecheck } from './typecheck.js';

const run = promisify(execFile);
const ROOT = resolve('.');
const RUNTIME = ['jose', 'lru-cache', 'undici', 'express'];
/** What the scratch application has installed besides bearer-guard and its dependencies. */
const APP_DEPENDENCIES = ['express4', 'supertest', 'express-oauth2-jwt-bearer', '@types'];
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
  for (const name of [...RUNTIME, ...APP_DEPENDENCIES])
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

  it('runs the bearer-guard explain bin without printing the token, failing on an expired one', async () => {
    const token = (
      await node([
        '--input-type=module',
        '-e',
        "import { createTestIssuer } from 'bearer-guard/testing'; process.stdout.write(await createTestIssuer().expiredToken())",
      ])
    ).stdout;
    const result = await node(['node_modules/bearer-guard/dist/esm/cli/bin.js', 'explain', token]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/expired/i);
    expect(result.stdout).toContain('sha256:');
    expect(result.stdout).not.toContain(token);
    expect(result.stdout).not.toContain(token.split('.')[2]);
  });
});

const JEST_TEST = `
const express = require('express');
const request = require('supertest');
const { bearerAuth, jwtVerifier, memoryDirectory, requireScopes } = require('bearer-guard');
const { createTestIssuer, DEFAULT_TEST_CLAIMS } = require('bearer-guard/testing');

const issuer = createTestIssuer({ audience: 'https://api.example.test' });
const app = express();
app.use(bearerAuth({
  verifiers: [jwtVerifier(issuer.verifierOptions())],
  directory: memoryDirectory([{ name: DEFAULT_TEST_CLAIMS.preferred_username }]),
}));
app.get('/myself', requireScopes('read'), (req, res) => res.json(req.auth.user));

test('a token with the scope is accepted', async () => {
  const res = await request(app).get('/myself')
    .set('Authorization', 'Bearer ' + (await issuer.tokenWithScopes('read')));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ name: 'test-user' });
});

test('an expired token is refused', async () => {
  const res = await request(app).get('/myself')
    .set('Authorization', 'Bearer ' + (await issuer.expiredToken()));
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
});

test('a token without the scope is forbidden', async () => {
  const res = await request(app).get('/myself')
    .set('Authorization', 'Bearer ' + (await issuer.tokenWithScopes('write')));
  expect(res.status).toBe(403);
});
`;

describe("Jest's CommonJS runtime, no transform configuration", () => {
  it('loads bearer-guard and bearer-guard/testing, and a supertest suite passes', async () => {
    const project = join(scratch, 'jest-cjs');
    mkdirSync(project);
    symlinkSync(join(app, 'node_modules'), join(project, 'node_modules'));
    writeFileSync(join(project, 'package.json'), '{"name":"jest-cjs","private":true}\n');
    writeFileSync(join(project, 'auth.test.js'), JEST_TEST);
    const jest = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
    const result = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(
        process.execPath,
        [jest, '--ci', '--no-watchman', '--maxWorkers=1', '--rootDir', project],
        { cwd: project, timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } },
        (error, _stdout, stderr) =>
          done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(result.stderr).toMatch(/Tests:\s+3 passed, 3 total/);
    expect(result.code).toBe(0);
  }, 60_000);

  it('shares one module graph, and one bundled jose, between the entry points', async () => {
    const result = await node([
      '-e',
      `require('bearer-guard'); require('bearer-guard/testing');
       const loaded = Object.keys(require.cache).filter((f) => f.includes('bearer-guard'));
       process.stdout.write(JSON.stringify({
         jose: loaded.filter((f) => /vendor[\\/]jose[\\/]index\\.js$/.test(f)).length,
         esm: loaded.filter((f) => /[\\/]dist[\\/]esm[\\/]/.test(f)).length,
         outside: Object.keys(require.cache).filter((f) => /node_modules[\\/]jose[\\/]/.test(f)).length,
       }));`,
    ]);
    expect(JSON.parse(result.stdout)).toEqual({ jose: 1, esm: 0, outside: 0 });
  });
});

describe('an Express 4 CommonJS application', () => {
  it("answers 200 and 401 through the packed package, with keys made by the application's own jose", async () => {
    const script = `
      const express = require('express4');
      const { generateKeyPairSync } = require('node:crypto');
      const { bearerAuth, jwtVerifier, memoryDirectory } = require('bearer-guard');
      (async () => {
        // The application's jose is the ES module one; bearer-guard's CommonJS build bundles its
        // own copy. Keys are Node's KeyObjects, so they cross between the two.
        const { SignJWT } = await import('jose');
        const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const issuer = 'https://issuer.example.test';
        const audience = 'https://api.example.test';
        const app = express();
        app.use('/api', bearerAuth({
          verifiers: [jwtVerifier({ publicKey, issuer, audience, algorithms: ['ES256'] })],
          directory: memoryDirectory([{ name: 'admin' }]),
        }));
        app.get('/api/myself', (req, res) => res.json(req.auth.user));
        const server = app.listen(0, '127.0.0.1');
        await new Promise((r) => server.once('listening', r));
        const url = 'http://127.0.0.1:' + server.address().port + '/api/myself';
        const sign = (exp) => new SignJWT({ preferred_username: 'admin' })
          .setProtectedHeader({ alg: 'ES256' }).setIssuer(issuer).setAudience(audience)
          .setSubject('u1').setIssuedAt().setExpirationTime(exp).sign(privateKey);
        const call = async (token) => {
          const res = await fetch(url, { headers: token ? { authorization: 'Bearer ' + token } : {} });
          return { status: res.status, body: await res.json() };
        };
        const out = {
          valid: await call(await sign('5m')),
          expired: await call(await sign(Math.floor(Date.now() / 1000) - 600)),
          none: (await call()).status,
        };
        server.close();
        process.stdout.write(JSON.stringify(out));
      })();`;
    const result = await node(['-e', script]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      valid: { status: 200, body: { name: 'admin' } },
      expired: {
        status: 401,
        body: {
          error: { status: 'ERROR', message: 'Token Expired: The token provided is expired.' },
        },
      },
      none: 401,
    });
  });
});

/** Register, the main entry, /testing (and /redis when the package has it), typed req.auth. */
const program = (redis: boolean, beside: boolean) => `
import express from 'express';
import { bearerAuth, jwtVerifier, memoryDirectory, requireScopes, type RequestAuth } from 'bearer-guard';
import { createTestIssuer, type TestIssuer } from 'bearer-guard/testing';
${redis ? "import * as redis from 'bearer-guard/redis';\nexport const adapters: string[] = Object.keys(redis);" : ''}
${beside ? "import { auth as jwtBearer, requiredScopes } from 'express-oauth2-jwt-bearer';" : ''}

interface Employee { name: string; emailAddress: string; team: string }
interface EmployeeClaims { sub: string; roles?: string[] }
declare module 'bearer-guard' {
  interface Register { user: Employee; claims: EmployeeClaims }
}

const issuer: TestIssuer = createTestIssuer({ audience: 'https://api.example.test' });
export const app = express();
app.use('/api', bearerAuth({
  verifiers: [jwtVerifier(issuer.verifierOptions())],
  directory: memoryDirectory([{ name: 'admin', emailAddress: 'admin@example.test', team: 'core' }]),
}));
app.get('/api/me', requireScopes('read'), (req, res) => {
  const team: string | undefined = req.auth?.user.team;
  const roles: string[] | undefined = req.auth?.claims.roles;
  // @ts-expect-error Register says what a user is
  const salary = req.auth?.user.salary;
  res.json({ team, roles, salary });
});
export const userOf = (auth: RequestAuth): Employee => auth.user;
${
  beside
    ? `app.use('/legacy', jwtBearer({ audience: 'https://api.example.test', issuerBaseURL: 'https://issuer.example.test' }));
app.get('/legacy/me', requiredScopes('read'), (req, res) => {
  const sub: string | undefined = req.auth?.payload.sub;
  res.json({ sub });
});`
    : `// @ts-expect-error only express-oauth2-jwt-bearer's result has a payload
export const payload = (req: express.Request) => req.auth?.payload;`
}
`;

describe('TypeScript, strict with skipLibCheck false', () => {
  // Every mode compiles a program with both libraries; two representative modes (one CommonJS,
  // one ES module) also compile one without express-oauth2-jwt-bearer, where req.auth is only
  // bearer-guard's result.
  const ALONE = new Set(['node16 (commonjs)', 'bundler (esnext)']);
  it.each(RESOLUTION_MODES.map((mode) => [mode.name, mode] as const))(
    'under %s: the entry points resolve, Register types req.auth, beside express-oauth2-jwt-bearer',
    (_name, mode) => {
      const dir = join(app, 'types', mode.name.replace(/\W+/g, '-'));
      mkdirSync(dir, { recursive: true });
      const manifest = JSON.parse(
        readFileSync(join(app, 'node_modules', 'bearer-guard', 'package.json'), 'utf8'),
      ) as { exports: Record<string, unknown> };
      const redis = './redis' in manifest.exports;
      const beside = join(dir, `beside${mode.ext}`);
      writeFileSync(beside, program(redis, true));
      expect(typecheck([beside], mode, app)).toEqual([]);
      if (ALONE.has(mode.name)) {
        const alone = join(dir, `alone${mode.ext}`);
        writeFileSync(alone, program(redis, false));
        expect(typecheck([alone], mode, app)).toEqual([]);
      }
    },
    60_000,
  );
});
