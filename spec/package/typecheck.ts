/**
 * Type-checks a scratch program the way a user's `tsc` would (`strict`, `skipLibCheck: false`),
 * in-process with this checkout's TypeScript. Only the files that can carry an error the package
 * causes are checked: the program's own, bearer-guard's declarations and the declarations that
 * merge with them (Express's, express-oauth2-jwt-bearer's); @types/node is not re-checked on
 * every run.
 */
import ts from 'typescript';

export interface ResolutionMode {
  /** How the matrix names it. */
  name: string;
  module: ts.ModuleKind;
  moduleResolution: ts.ModuleResolutionKind;
  /** File extension that gives the program its module format under node16/nodenext. */
  ext: '.ts' | '.cts' | '.mts';
}

export const RESOLUTION_MODES: readonly ResolutionMode[] = [
  {
    name: 'node10 (commonjs)',
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    ext: '.ts',
  },
  {
    name: 'node16 (commonjs)',
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    ext: '.cts',
  },
  {
    name: 'node16 (esm)',
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    ext: '.mts',
  },
  {
    name: 'nodenext (commonjs)',
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    ext: '.cts',
  },
  {
    name: 'nodenext (esm)',
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    ext: '.mts',
  },
  {
    name: 'bundler (esnext)',
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    ext: '.ts',
  },
];

/**
 * Parsed declaration files, shared by every program of a run (as TypeScript's language service
 * shares them between program versions): parsing @types/node and Express's types again for each
 * mode would dominate the run. Keyed by what changes a parse: the file, the language version and
 * the module format the file is read as.
 */
const parsed = new Map<string, ts.SourceFile>();

function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    if (!fileName.endsWith('.d.ts')) {
      return getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
    }
    const version =
      typeof languageVersionOrOptions === 'object'
        ? `${languageVersionOrOptions.languageVersion}:${languageVersionOrOptions.impliedNodeFormat}`
        : String(languageVersionOrOptions);
    const key = `${fileName}|${version}`;
    let source = parsed.get(key);
    if (!source) {
      source = getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
      if (source) parsed.set(key, source);
    }
    return source;
  };
  return host;
}

const CHECKED = /\/node_modules\/(bearer-guard|express-oauth2-jwt-bearer|@types\/express[^/]*)\//;

/** The diagnostics of `files`, formatted one per line; empty when the program compiles. */
export function typecheck(files: string[], mode: ResolutionMode, cwd: string): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: mode.module,
    moduleResolution: mode.moduleResolution,
    esModuleInterop: true,
    types: ['node'],
    typeRoots: [`${cwd}/node_modules/@types`],
  };
  const program = ts.createProgram({ rootNames: files, options, host: cachingHost(options) });
  const sources = program
    .getSourceFiles()
    .filter((sf) => files.includes(sf.fileName) || CHECKED.test(sf.fileName));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...sources.flatMap((sf) => [
      ...program.getSyntacticDiagnostics(sf),
      ...program.getSemanticDiagnostics(sf),
    ]),
  ];
  return diagnostics.map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return `TS${d.code}: ${text}`;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName.replace(cwd, '.')}:${line + 1} TS${d.code}: ${text}`;
  });
}
