/**
 * Every ```ts block of docs/verifiers/jwt.md compiles against lib/ (imported as 'bearer-guard'),
 * with the project's compiler options; and no block configures a jwtVerifier without its
 * audience decision.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DOC = 'docs/verifiers/jwt.md';

interface Block {
  line: number;
  code: string;
  file: string;
}

function tsBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)/.exec(lines[i] as string);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end === -1) throw new Error(`${DOC}:${i + 1}: unclosed code block`);
    if (fence[1] === 'ts') {
      blocks.push({
        line: i + 2,
        code: lines.slice(i + 1, end).join('\n'),
        file: join(ROOT, `jwt-doc-block-${i + 2}.ts`),
      });
    }
    i = end;
  }
  return blocks;
}

function compile(blocks: Block[]): string[] {
  const raw = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(raw.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    rootDir: ROOT,
    noUnusedLocals: false,
    noUnusedParameters: false,
    baseUrl: ROOT,
    paths: { 'bearer-guard': ['./lib/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const virtual = new Map(blocks.map((b) => [b.file, `${b.code}\nexport {};\n`]));
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
  const errors: string[] = [];
  for (const block of blocks) {
    const source = program.getSourceFile(block.file);
    if (!source) continue;
    for (const d of [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ]) {
      const at =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      errors.push(
        `${DOC}:${block.line + (at?.line ?? 0)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    }
  }
  return errors;
}

describe(`${DOC} code blocks`, () => {
  const blocks = tsBlocks(readFileSync(join(ROOT, DOC), 'utf8'));

  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  it('every block compiles', () => {
    expect(compile(blocks)).toEqual([]);
  });

  it('every jwtVerifier in them writes its audience decision', () => {
    for (const block of blocks) {
      const calls = block.code.split('jwtVerifier({').slice(1);
      for (const call of calls) expect(call).toMatch(/\baudience:/);
    }
  });
});
