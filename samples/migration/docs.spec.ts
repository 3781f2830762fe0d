/**
 * The migration guides show only code the samples run: every top-level statement of every ```ts
 * block in docs/migration/*.md (imports and `declare`s aside, which only make a block compile on
 * its own) is found word for word in a file of samples/migration/, whose specs run it against
 * the peer library. spec/readme.spec.ts compiles the same blocks on their own.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const DOCS = join(ROOT, 'docs/migration');

/** The text of every sample file (specs aside). */
function sampleTexts(dir = HERE): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sampleTexts(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')
      ? [readFileSync(path, 'utf8')]
      : [];
  });
}

interface Block {
  doc: string;
  line: number;
  code: string;
}

function tsBlocks(path: string): Block[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)/.exec(lines[i] as string);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (fence[1] === 'ts' || fence[1] === 'typescript') {
      const code = lines.slice(i + 1, end).join('\n');
      blocks.push({ doc: relative(ROOT, path), line: i + 2, code });
    }
    i = end;
  }
  return blocks;
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

/** The statements of `code` that no sample holds. */
function notInSamples(code: string, samples: readonly string[]): string[] {
  return shownStatements(code).filter((statement) => !samples.some((s) => s.includes(statement)));
}

const samples = sampleTexts();
const guides = readdirSync(DOCS)
  .filter((name) => name.endsWith('.md'))
  .map((name) => join(DOCS, name));
const blocks = guides.flatMap(tsBlocks);

describe('docs/migration code blocks', () => {
  it('has a guide per peer, each with code', () => {
    expect(guides.map((g) => relative(DOCS, g)).sort()).toEqual([
      'from-express-jwt.md',
      'from-express-oauth2-jwt-bearer.md',
      'from-passport-jwt.md',
    ]);
    for (const guide of guides) {
      expect(blocks.filter((b) => b.doc === relative(ROOT, guide)).length).toBeGreaterThan(2);
    }
  });

  it.each(blocks.map((b) => [`${b.doc}:${b.line}`, b] as const))(
    'the block at %s is code of the samples',
    (_at, block) => {
      expect(shownStatements(block.code).length).toBeGreaterThan(0);
      expect(notInSamples(block.code, samples)).toEqual([]);
    },
  );

  it('notices a statement that is not in the samples', () => {
    const code =
      "import express from 'express';\ndeclare const port: number;\nexpress().listen(port);";
    expect(notInSamples(code, samples)).toEqual(['express().listen(port);']);
  });
});
