// Builds lib/ twice: ES modules in dist/esm and CommonJS in dist/cjs, each with declarations.
// The CommonJS build loads jose (ESM-only) through Node's require(esm), on Node >= 20.19.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

const tsc = (project) =>
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], {
    stdio: 'inherit',
  });

rmSync('dist', { recursive: true, force: true });
tsc('tsconfig.json');
tsc('tsconfig.cjs.json');
for (const [dir, type] of [
  ['dist/esm', 'module'],
  ['dist/cjs', 'commonjs'],
]) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, `${JSON.stringify({ type })}\n`);
}
// The `bearer-guard` command (package.json "bin") runs the ESM build; npm links it on install,
// and the mode lets it run straight from a checkout too.
chmodSync('dist/esm/cli/bin.js', 0o755);
