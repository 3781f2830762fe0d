import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestIssuer } from '../../lib/testing/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

function spawnCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(root, 'lib/cli/bin.ts'), ...args],
      { cwd: root, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the bearer-guard command', () => {
  const issuer = createTestIssuer({ audience: 'api' });
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bearer-guard-bin-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('explains a token as a process: prints the verdicts and exits 1 when refused', async () => {
    const config = join(dir, 'auth.json');
    await writeFile(
      config,
      JSON.stringify({ verifiers: [{ jwtVerifier: issuer.verifierOptions() }] }),
    );
    const token = await issuer.expiredToken();
    const { code, stdout, stderr } = await spawnCli(['explain', token, '--config', config]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toContain('decoded, NOT verified');
    expect(stdout).toContain('  1. jwt: reject (token_expired)\n');
    expect(stdout).toContain('  HTTP 401\n');
    expect(stdout).not.toContain(token);
  });

  it('prints the package version with --version, and refuses an unknown flag with exit 2', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(await spawnCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const unknown = await spawnCli(['explain', 'abc', '--verbose']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^bearer-guard: unknown option "--verbose" \(see --help\)\n/);
  });
});
