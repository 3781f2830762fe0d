// Builds lib/ twice, each with declarations:
// - dist/esm: native ES modules (tsc), loaded by `import`; jose comes from node_modules.
// - dist/cjs: CommonJS (tsc), loaded by `require`. jose is ESM-only, and runtimes that cannot
//   require() an ES module (Jest's CommonJS runtime, Node < 20.19) would fail on it, so it is
//   bundled once into dist/cjs/vendor/jose.js (esbuild) and every `require("jose")` points there.
//   The rest of lib/ stays one file per module: the main entry, /testing and /redis share one
//   module graph (one copy of each module, one module state) under require, as under import.
//   lru-cache, undici and express ship CommonJS and stay ordinary dependencies.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

/** Packages dist/cjs may require at run time: each ships CommonJS. */
const CJS_EXTERNALS = ['lru-cache', 'undici', 'express'];
/** ESM-only packages bundled into dist/cjs/vendor/<name>.js. */
const BUNDLED = ['jose'];

const tsc = (project) =>
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], {
    stdio: 'inherit',
  });

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );

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

for (const name of BUNDLED) {
  await build({
    stdin: { contents: `export * from '${name}';`, resolveDir: '.', loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: `dist/cjs/vendor/${name}.js`,
    legalComments: 'inline',
    logLevel: 'warning',
  });
}

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const stray = [];
for (const file of walk('dist/cjs').filter((f) => f.endsWith('.js'))) {
  if (file.startsWith(join('dist/cjs/vendor'))) continue;
  const source = readFileSync(file, 'utf8');
  const rewritten = source.replace(/require\("([^"]+)"\)/g, (whole, spec) => {
    if (BUNDLED.includes(spec)) {
      let target = relative(dirname(file), `dist/cjs/vendor/${spec}.js`);
      if (!target.startsWith('.')) target = `./${target}`;
      return `require("${target}")`;
    }
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (!spec.startsWith('.') && !builtins.has(spec) && !CJS_EXTERNALS.includes(pkg)) {
      stray.push(`${file}: require("${spec}")`);
    }
    return whole;
  });
  if (rewritten !== source) writeFileSync(file, rewritten);
}
if (stray.length > 0) {
  throw new Error(
    `dist/cjs requires packages that may be ES modules only (bundle them or list them as CommonJS):\n${stray.join('\n')}`,
  );
}

// Every target package.json "exports" (and "bin", "main", "types") names must have been built.
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const targets = [];
const collect = (value) => {
  if (typeof value === 'string') targets.push(value);
  else if (value && typeof value === 'object') Object.values(value).forEach(collect);
};
collect(pkg.exports);
collect(pkg.bin);
collect([pkg.main, pkg.types, pkg.typesVersions]);
const missing = [...new Set(targets)].filter(
  (target) => target.startsWith('./dist/') && !existsSync(target),
);
if (missing.length > 0) throw new Error(`package.json names files the build did not produce: ${missing.join(', ')}`);

// The `bearer-guard` command (package.json "bin") runs the ESM build; npm links it on install,
// and the mode lets it run straight from a checkout too.
chmodSync('dist/esm/cli/bin.js', 0o755);
