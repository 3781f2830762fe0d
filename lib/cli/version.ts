/**
 * The installed bearer-guard version, for `--version`: read from the package.json above the
 * running script (dist/esm/cli/bin.js in an installation, lib/cli/bin.ts in a checkout).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The `version` of the nearest package.json named `bearer-guard` above `script`.
 *
 * @example
 * ```ts
 * packageVersion(process.argv[1]); // '0.2.0'
 * ```
 */
export function packageVersion(script: string | undefined): string | undefined {
  if (!script || !existsSync(script)) return undefined;
  let dir = dirname(realpathSync(script));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        if (manifest.name === 'bearer-guard' && typeof manifest.version === 'string') {
          return manifest.version;
        }
      } catch {
        // Not ours or not JSON: keep looking further up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
