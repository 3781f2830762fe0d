import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, toExplainConfig } from '../../lib/cli/config.js';
import { formatReport } from '../../lib/cli/format.js';
import { explainChain } from '../../lib/cli/run.js';
import * as api from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The fenced blocks of `lang` in the section headed `heading` of the guide `doc`. */
async function blocks(doc: string, heading: string, lang: string): Promise<string[]> {
  const readme = await readFile(join(root, doc), 'utf8');
  const start = heading === '' ? 0 : readme.indexOf(`\n## ${heading}\n`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const fence = new RegExp(`^ *\`\`\`${lang}\\n([\\s\\S]*?)^ *\`\`\`$`, 'gm');
  return [...section.matchAll(fence)].map((m) => m[1] as string);
}

describe('the testing kit and explainer guides', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bearer-guard-readme-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('shows the testing kit example suite exactly as it runs here', async () => {
    const example = await readFile(join(root, 'spec/testing/example.spec.ts'), 'utf8');
    const shown = (await blocks('docs/testing-kit.md', '', 'ts')).find((b) =>
      b.includes("from '@jest/globals'"),
    );
    expect(shown).toBe(
      example
        .replace("from '../../lib/index.js'", "from 'bearer-guard'")
        .replace("from '../../lib/testing/index.js'", "from 'bearer-guard/testing'"),
    );
  });

  it('shows an explainer report the explainer really prints', async () => {
    const workforce = createTestIssuer({ issuer: 'https://login.example.com' });
    const partners = createTestIssuer({ issuer: 'https://partners.example.net' });
    const config = toExplainConfig({
      verifiers: [
        api.jwtVerifier({ ...workforce.verifierOptions(), name: 'workforce' }),
        api.jwtVerifier({ ...partners.verifierOptions(), name: 'partners' }),
      ],
    });
    const report = await explainChain(config, await partners.expiredToken(), {
      signal: new AbortController().signal,
    });
    const [shown] = await blocks('docs/explainer.md', 'A report', 'text');
    expect(shown).toBe(`${formatReport(report, ['workforce', 'partners']).join('\n')}\n`);
  });

  it('shows a JSON configuration the explainer loads', async () => {
    const [json] = await blocks('docs/explainer.md', 'The configuration file', 'json');
    const path = join(dir, 'auth.json');
    await writeFile(path, (json as string).replace(/^ {2}/gm, ''));
    const config = await loadConfig(path, api as unknown as Record<string, unknown>);
    expect(config.verifiers.map((v) => v.name)).toEqual(['jwt']);
    expect(config.findUser).toBeDefined();
  });
});
