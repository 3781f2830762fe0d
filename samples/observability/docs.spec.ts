/**
 * docs/observability.md shows only code that runs: each recipe's `// #region recipe` and
 * `// #region usage` of samples/observability/*.ts (run by the specs beside them) appears in the
 * guide word for word, with the package's own name in its imports; every ```ts fragment block is
 * one of those regions; every other ```ts block compiles on its own against lib/.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const GUIDE = 'docs/observability.md';
const RECIPES = ['pino', 'prometheus', 'opentelemetry'];

interface Block {
  line: number;
  info: string;
  code: string;
}

function blocksOf(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(.*)$/.exec(lines[i] as string);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end === -1) throw new Error(`${GUIDE}:${i + 1}: unclosed code block`);
    blocks.push({
      line: i + 2,
      info: (fence[1] as string).trim(),
      code: lines.slice(i + 1, end).join('\n'),
    });
    i = end;
  }
  return blocks;
}

/** A region of a sample as the guide shows it: dedented, importing 'bearer-guard'. */
function region(recipe: string, name: 'recipe' | 'usage'): string {
  const text = readFileSync(join(HERE, `${recipe}.ts`), 'utf8');
  const found = new RegExp(
    `^[ \\t]*// #region ${name}\\n([\\s\\S]*?)^[ \\t]*// #endregion ${name}\\n`,
    'm',
  ).exec(text);
  if (!found) throw new Error(`samples/observability/${recipe}.ts has no region ${name}`);
  const lines = (found[1] as string).replace(/\n+$/, '').split('\n');
  const indent = Math.min(
    ...lines.filter((l) => l.trim()).map((l) => (l.match(/^ */) as RegExpMatchArray)[0].length),
  );
  return lines
    .map((l) => l.slice(indent))
    .join('\n')
    .replaceAll("'../../lib/index.js'", "'bearer-guard'")
    .replaceAll("'../../lib/testing/index.js'", "'bearer-guard/testing'");
}

function compile(blocks: Block[]): Map<number, string[]> {
  const raw = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(raw.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    rootDir: ROOT,
    noUnusedLocals: false,
    baseUrl: ROOT,
    paths: {
      'bearer-guard': ['./lib/index.ts'],
      'bearer-guard/testing': ['./lib/testing/index.ts'],
    },
  };
  const file = (b: Block) => join(ROOT, `observability-block-${b.line}.ts`);
  const virtual = new Map(blocks.map((b) => [file(b), `${b.code}\nexport {};\n`]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, version, ...rest) => {
    const text = virtual.get(f);
    return text !== undefined
      ? ts.createSourceFile(f, text, version, true)
      : getSourceFile.call(host, f, version, ...rest);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  return new Map(
    blocks.map((b) => {
      const source = program.getSourceFile(file(b));
      const diagnostics = source
        ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
        : [];
      return [
        b.line,
        diagnostics.map((d) => {
          const at =
            d.file && d.start !== undefined
              ? d.file.getLineAndCharacterOfPosition(d.start)
              : undefined;
          return `${GUIDE}:${b.line + (at?.line ?? 0)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        }),
      ];
    }),
  );
}

const blocks = blocksOf(readFileSync(join(ROOT, GUIDE), 'utf8'));
const regions = RECIPES.flatMap((recipe) =>
  (['recipe', 'usage'] as const).map((name) => ({ recipe, name, code: region(recipe, name) })),
);
const standalone = blocks.filter((b) => b.info === 'ts');

describe(`${GUIDE} code blocks`, () => {
  let errors: Map<number, string[]>;
  beforeAll(() => {
    errors = compile(standalone);
  }, 60_000);

  it.each(regions.map((r) => [`${r.recipe} ${r.name}`, r] as const))(
    'shows the %s region of its sample word for word',
    (_label, r) => {
      const info = r.name === 'recipe' ? 'ts' : 'ts fragment';
      expect(blocks.filter((b) => b.info === info).map((b) => b.code)).toContain(r.code);
    },
  );

  it('shows no fragment that is not a sample region', () => {
    const known = new Set(regions.map((r) => r.code));
    expect(blocks.filter((b) => b.info === 'ts fragment' && !known.has(b.code))).toEqual([]);
  });

  it('compiles every other TypeScript block on its own', () => {
    expect(standalone.length).toBeGreaterThanOrEqual(4);
    expect([...errors.values()].flat()).toEqual([]);
  });
});
