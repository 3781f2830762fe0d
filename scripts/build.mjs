// Builds lib/ twice, each with declarations:
// - dist/esm: native ES modules (tsc), loaded by `import`; jose comes from node_modules.
// - dist/cjs: CommonJS (tsc), loaded by `require`. jose is ESM-only, and runtimes that cannot
//   require() an ES module (Jest's CommonJS runtime, Node < 20.19) would fail on it, so it is
//   bundled once into dist/cjs/vendor/jose/index.js (esbuild), with a copy of jose's own
//   declarations and licence beside it, and every `require("jose")` and every type import of
//   jose in dist/cjs points there: CommonJS declarations never import an ES module (which
//   `moduleResolution: node16` refuses), and they describe exactly the copy that runs.
//   The rest of lib/ stays one file per module: the main entry, /testing and /redis share one
//   module graph (one copy of each module, one module state) under require, as under import.
//   lru-cache, undici and express ship CommonJS and stay ordinary dependencies.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
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
/** ESM-only packages bundled into dist/cjs/vendor/<name>/index.js, with their declarations. */
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
    outfile: `dist/cjs/vendor/${name}/index.js`,
    legalComments: 'inline',
    logLevel: 'warning',
  });
  const source = join('node_modules', name);
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  cpSync(join(source, dirname(manifest.types)), `dist/cjs/vendor/${name}`, { recursive: true });
  for (const file of readdirSync(source).filter((f) => /^licen[cs]e/i.test(f)))
    cpSync(join(source, file), `dist/cjs/vendor/${name}/${file}`);
  writeFileSync(
    `dist/cjs/vendor/${name}/VERSION`,
    `${name}@${manifest.version}, bundled for the CommonJS build of bearer-guard\n`,
  );
}

const vendorPath = (file, name) => {
  const target = relative(dirname(file), `dist/cjs/vendor/${name}/index.js`);
  return target.startsWith('.') ? target : `./${target}`;
};

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const stray = [];
for (const file of walk('dist/cjs').filter((f) => f.endsWith('.js'))) {
  if (file.startsWith(join('dist/cjs/vendor'))) continue;
  const source = readFileSync(file, 'utf8');
  const rewritten = source.replace(/require\("([^"]+)"\)/g, (whole, spec) => {
    if (BUNDLED.includes(spec)) return `require("${vendorPath(file, spec)}")`;
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (!spec.startsWith('.') && !builtins.has(spec) && !CJS_EXTERNALS.includes(pkg)) {
      stray.push(`${file}: require("${spec}")`);
    }
    return whole;
  });
  if (rewritten !== source) writeFileSync(file, rewritten);
}
for (const file of walk('dist/cjs').filter((f) => f.endsWith('.d.ts'))) {
  if (file.startsWith(join('dist/cjs/vendor'))) continue;
  const source = readFileSync(file, 'utf8');
  const rewritten = source.replace(
    /(from |import\()(['"])([^'"]+)\2/g,
    (whole, lead, quote, spec) =>
      BUNDLED.includes(spec) ? `${lead}${quote}${vendorPath(file, spec)}${quote}` : whole,
  );
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
collect([pkg.main, pkg.types]);
const missing = [...new Set(targets)].filter(
  (target) => target.startsWith('./dist/') && !existsSync(target),
);
if (missing.length > 0)
  throw new Error(`package.json names files the build did not produce: ${missing.join(', ')}`);

// `moduleResolution: node` (node10) ignores "exports": each subpath needs a "typesVersions" entry.
const typed = pkg.typesVersions?.['*'] ?? {};
const untyped = Object.keys(pkg.exports)
  .filter((key) => key !== '.' && key !== './package.json')
  .filter((key) => !typed[key.slice(2)]);
if (untyped.length > 0) {
  throw new Error(
    `package.json "typesVersions" lacks ${untyped.map((k) => `"${k.slice(2)}": ["./dist/cjs/${k.slice(2)}/index.d.ts"]`).join(', ')}`,
  );
}

// The `bearer-guard` command (package.json "bin") runs the ESM build; npm links it on install,
// and the mode lets it run straight from a checkout too.
chmodSync('dist/esm/cli/bin.js', 0o755);
