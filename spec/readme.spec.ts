/**
 * Every ```ts block of README.md and of the guides under docs/ must compile against lib/
 * (imported as 'bearer-guard', 'bearer-guard/testing', 'bearer-guard/redis'), with the project's
 * compiler options. A failure names the file and line of the offending code. (Shell, JSON and
 * HTTP blocks are run or checked by the samples' and explainer's tests.)
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(ROOT, 'README.md');

interface Block {
  /** The Markdown file, relative to the repository. */
  doc: string;
  /** Line of the block's first code line (1-based). */
  line: number;
  code: string;
  file: string;
}

/** The ```ts blocks of a Markdown text. */
export function tsBlocks(markdown: string, doc = 'README.md'): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)\s*(.*)$/.exec(lines[i] as string);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end === -1) throw new Error(`${doc}:${i + 1}: unclosed code block`);
    if (fence[1] === 'ts' || fence[1] === 'typescript') {
      blocks.push({
        doc,
        line: i + 2,
        code: lines.slice(i + 1, end).join('\n'),
        file: join(ROOT, `${doc.replace(/[^A-Za-z0-9]/g, '-')}-block-${i + 2}.ts`),
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
      'bearer-guard/redis': ['./lib/redis/index.ts'],
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
        return `${block.doc}:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    );
  }
  return errors;
}

/** Every Markdown guide under docs/ (the generated API reference aside). */
function guides(dir = join(ROOT, 'docs')): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'api' ? [] : guides(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

const readmeBlocks = tsBlocks(readFileSync(README, 'utf8'));
const blocks = [
  ...readmeBlocks,
  ...guides().flatMap((path) => tsBlocks(readFileSync(path, 'utf8'), relative(ROOT, path))),
];
/** A block known to be wrong, compiled with the others: proves errors are found and located. */
const PROBE: Block = {
  doc: 'README.md',
  line: 10,
  code: "import { bearerAuth } from 'bearer-guard';\n\nbearerAuth(42);",
  file: join(ROOT, 'readme-block-probe.ts'),
};

describe('code blocks of README.md and docs/', () => {
  let errors: Map<string, string[]>;
  beforeAll(() => {
    // A block that augments `Register` stands for an application of its own: compiled alone, so
    // its types do not leak into the other blocks (as they would not across applications).
    const augments = (b: Block) => /declare module 'bearer-guard'/.test(b.code);
    errors = compile([...blocks.filter((b) => !augments(b)), PROBE]);
    for (const block of blocks.filter(augments)) {
      for (const [file, found] of compile([block])) errors.set(file, found);
    }
  }, 60_000);

  it('has code to check', () => {
    expect(readmeBlocks.length).toBeGreaterThan(3);
  });

  it.each(blocks.map((b) => [`${b.doc}:${b.line}`, b] as const))(
    'the block at %s compiles',
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
