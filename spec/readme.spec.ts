/**
 * Every ```ts block of README.md must compile against lib/ (imported as 'bearer-guard'), with the
 * project's compiler options. Blocks marked ```ts fragment are skipped. A failure names the README
 * line of the offending code.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(ROOT, 'README.md');

interface Block {
  /** README line of the block's first code line (1-based). */
  line: number;
  code: string;
  file: string;
}

/** The ```ts blocks of a Markdown text, fragments left out. */
export function tsBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)\s*(.*)$/.exec(lines[i] as string);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end === -1) throw new Error(`README.md:${i + 1}: unclosed code block`);
    if (fence[1] === 'ts' && fence[2] !== 'fragment') {
      blocks.push({
        line: i + 2,
        code: lines.slice(i + 1, end).join('\n'),
        file: join(ROOT, `readme-block-${i + 2}.ts`),
      });
    }
    i = end;
  }
  return blocks;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const raw = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(raw.config, ts.sys, ROOT);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    rootDir: ROOT,
    // Examples may declare something only to show it.
    noUnusedLocals: false,
    noUnusedParameters: false,
    baseUrl: ROOT,
    paths: {
      'bearer-guard': ['./lib/index.ts'],
      'bearer-guard/testing': ['./lib/testing/index.ts'],
    },
  };
}

/** Compiles every block in one program; answers "README.md:<line>: <message>" per error. */
function compile(blocks: Block[]): Map<string, string[]> {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const virtual = new Map(blocks.map((b) => [b.file, `${b.code}\nexport {};\n`]));
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, languageVersion, ...rest) => {
    const text = virtual.get(f);
    return text !== undefined
      ? ts.createSourceFile(f, text, languageVersion, true)
      : getSourceFile.call(host, f, languageVersion, ...rest);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const errors = new Map<string, string[]>();
  for (const block of blocks) {
    const source = program.getSourceFile(block.file);
    const diagnostics = source
      ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
      : [];
    errors.set(
      block.file,
      diagnostics.map((d) => {
        const at =
          d.file && d.start !== undefined
            ? d.file.getLineAndCharacterOfPosition(d.start)
            : undefined;
        const line = block.line + (at?.line ?? 0);
        return `README.md:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    );
  }
  return errors;
}

const blocks = tsBlocks(readFileSync(README, 'utf8'));
/** A block known to be wrong, compiled with the others: proves errors are found and located. */
const PROBE: Block = {
  line: 10,
  code: "import { bearerAuth } from 'bearer-guard';\n\nbearerAuth(42);",
  file: join(ROOT, 'readme-block-probe.ts'),
};

describe('README.md code blocks', () => {
  let errors: Map<string, string[]>;
  beforeAll(() => {
    errors = compile([...blocks, PROBE]);
  }, 60_000);

  it('has code to check', () => {
    expect(blocks.length).toBeGreaterThan(3);
  });

  it.each(blocks.map((b) => [b.line, b] as const))(
    'the block at line %i compiles',
    (_line, block) => {
      expect(errors.get(block.file)).toEqual([]);
    },
  );

  it('reports a broken block with its README line', () => {
    expect(errors.get(PROBE.file)).toEqual([
      expect.stringMatching(/^README\.md:12: Argument of type 'number'/),
    ]);
  });
});
