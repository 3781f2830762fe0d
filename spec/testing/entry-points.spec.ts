import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const IMPORT =
  /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'(\.{1,2}\/[^']+)'|import\('(\.{1,2}\/[^']+)'\)/g;

/** Every lib file the module at `entry` loads, following relative imports (types included). */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = (match[1] ?? match[2]) as string;
      visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  };
  visit(join(root, entry));
  return new Set([...seen].map((f) => relative(root, f)));
}

describe('entry points', () => {
  it('keeps the testing kit and the CLI out of the main entry', () => {
    const files = [...reachable('lib/index.ts')];
    expect(files).toContain('lib/verifiers/jwt.ts');
    expect(files.filter((f) => /^lib\/(testing|cli)\//.test(f))).toEqual([]);
  });

  it('exports the testing kit as bearer-guard/testing, for import and require', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.exports['./testing']).toEqual({
      import: { types: './dist/esm/testing/index.d.ts', default: './dist/esm/testing/index.js' },
      require: { types: './dist/cjs/testing/index.d.ts', default: './dist/cjs/testing/index.js' },
    });
    expect(pkg.bin).toEqual({ 'bearer-guard': './dist/esm/cli/bin.js' });
  });
});
