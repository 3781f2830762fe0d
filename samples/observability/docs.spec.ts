/**
 * docs/observability.md shows only code that runs: the `// #region recipe` of each
 * samples/observability/*.ts (run by the specs beside them) appears in the guide whole, word for
 * word, importing 'bearer-guard'; every other statement of its ```ts blocks (imports and
 * `declare`s aside, which only make a block compile on its own) is found in a sample.
 * spec/readme.spec.ts compiles every block on its own.
 */
import { describe, expect, it } from '@jest/globals';
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
function region(recipe: string): string {
  const text = readFileSync(join(HERE, `${recipe}.ts`), 'utf8');
  const found = /^[ \t]*\/\/ #region recipe\n([\s\S]*?)^[ \t]*\/\/ #endregion recipe\n/m.exec(text);
  if (!found) throw new Error(`samples/observability/${recipe}.ts has no recipe region`);
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

/** The statements a reader is shown as the samples' code: all but imports and declarations. */
function shownStatements(code: string): string[] {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, true);
  return source.statements
    .filter((s) => !ts.isImportDeclaration(s))
    .filter(
      (s) =>
        !ts.canHaveModifiers(s) ||
        !ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword),
    )
    .map((s) => s.getText(source));
}

const blocks = blocksOf(readFileSync(join(ROOT, GUIDE), 'utf8'));
const recipes = RECIPES.map((recipe) => ({ recipe, code: region(recipe) }));
const samples = RECIPES.map((recipe) => readFileSync(join(HERE, `${recipe}.ts`), 'utf8'));
const tsCode = blocks.filter((b) => b.info === 'ts');

describe(`${GUIDE} code blocks`, () => {
  it.each(recipes.map((r) => [r.recipe, r] as const))(
    'shows the %s recipe of its sample whole, word for word',
    (_recipe, r) => {
      expect(tsCode.map((b) => b.code)).toContain(r.code);
    },
  );

  it('shows no statement that a sample does not run (imports and declarations aside)', () => {
    const unknown = tsCode.flatMap((b) =>
      shownStatements(b.code)
        .filter((statement) => !samples.some((sample) => sample.includes(statement)))
        .map((statement) => `${GUIDE}:${b.line}: ${statement.split('\n')[0]}`),
    );
    // The channel subscription example is the guide's own; spec/readme.spec.ts compiles it.
    expect(unknown).toEqual([expect.stringMatching(/subscribe\(CHANNELS\.verifier/)]);
  });
});
