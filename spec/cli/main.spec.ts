import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../lib/cli/main.js';
import type { CliIo } from '../../lib/cli/output.js';
import { createTestIssuer } from '../../lib/testing/index.js';

/** An io that keeps what was written. */
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

describe('runCli', () => {
  const issuer = createTestIssuer({ audience: 'api' });
  let dir: string;
  let configPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bearer-guard-cli-'));
    configPath = join(dir, 'auth.json');
    await writeFile(
      configPath,
      JSON.stringify({
        verifiers: [{ jwtVerifier: issuer.verifierOptions() }],
        directory: { memoryDirectory: [{ name: 'test-user' }] },
      }),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('decodes without a config and exits 1 on an expired token, never printing the token', async () => {
    const token = await issuer.expiredToken();
    const { io, written } = memoryIo();
    expect(await runCli(['explain', token], io)).toBe(1);
    expect(written.out).toContain('  exp                 ');
    expect(written.out).toContain('(expired 1 h ago)');
    expect(written.out).toContain('\nCannot be valid\n  expired 60 minutes ago ("exp")\n');
    expect(written.out).not.toContain(token);
    expect(written.out).not.toContain(token.split('.')[2]);
    expect(written.err).toBe('');
  });

  it('exits 0 when the configured chain accepts', async () => {
    const { io, written } = memoryIo();
    expect(await runCli(['explain', await issuer.token(), '--config', configPath], io)).toBe(0);
    expect(written.out).toContain('  1. jwt: accept\n');
    expect(written.out).toContain('  ACCEPTED by jwt\n  user: {"name":"test-user"}\n');
  });

  it('exits 1 when it refuses, reading the token from stdin', async () => {
    const token = await issuer.wrongAudienceToken();
    const { io, written } = memoryIo(`Bearer ${token}\n`);
    expect(await runCli(['explain', '-', '-c', configPath], io)).toBe(1);
    expect(written.out).toContain('  1. jwt: reject (audience_mismatch)\n');
    expect(written.out).toContain(
      '  HTTP 400\n  Cache-Control: no-store\n  WWW-Authenticate: Bearer realm="api", error="invalid_token"\n' +
        '  {"error":{"status":"ERROR","message":"Token Invalid: Error while validating the token."}}\n',
    );
    expect(written.out).not.toContain(token);
  });

  it.each([
    [['explain'], 'bearer-guard: no token given (pass "-" to read it from stdin)\n'],
    [
      ['explain', 'abc', '--config', '/nonexistent/auth.mjs'],
      'bearer-guard: cannot load /nonexistent/auth.mjs: ',
    ],
  ])('exits 2 on a usage error: %j', async (argv, message) => {
    const { io, written } = memoryIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(written.err.startsWith(message)).toBe(true);
  });

  it('exits 2 for an empty token from stdin, and prints help on --help', async () => {
    const empty = memoryIo('  \n');
    expect(await runCli(['explain', '-'], empty.io)).toBe(2);
    expect(empty.written.err).toBe('bearer-guard: the token is empty\n');
    const help = memoryIo();
    expect(await runCli(['--help'], help.io)).toBe(0);
    expect(help.written.out).toMatch(
      /^Usage: bearer-guard explain <token \| -> \[--config <file>\]/,
    );
  });
});
