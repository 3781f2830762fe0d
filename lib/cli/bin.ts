#!/usr/bin/env node
/**
 * `bearer-guard` command: `npx bearer-guard explain <token> [--config file]`. See main.ts.
 */
import { runCli } from './main.js';
import { processIo } from './output.js';
import { packageVersion } from './version.js';

runCli(process.argv.slice(2), processIo(), { version: packageVersion(process.argv[1]) }).then(
  (code) => {
    // Remote key sets and HTTP keep-alive could hold the process open: exit once output is out.
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(
      `bearer-guard: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(2);
  },
);
