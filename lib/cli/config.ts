/**
 * The explainer's `--config` file: a module (`.js`, `.mjs`, `.cjs`) whose default export (or the
 * module itself) is bearerAuth options, at least `{ verifiers: [...] }`, or a function returning
 * them; or a `.json` file describing them with factory names, e.g.
 * `{ "verifiers": [{ "jwtVerifier": { "jwksUri": "…", "issuer": "…", "audience": "…" } }] }`. Factories are looked
 * up among bearer-guard's exports by name at run time, so every verifier the package exports can
 * be named, with no list kept here.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FindUser } from '../directory/adapt.js';
import { normalizeBearerAuthOptions, type BearerAuthOptions } from '../options.js';
import type { ErrorFormat } from '../respond.js';
import type { Verifier } from '../types.js';
import { isObject, parseJson } from '../util/json.js';

/** What the explainer needs from the application's configuration. */
export interface ExplainConfig {
  verifiers: readonly Verifier[];
  /** The application's directory, when the configuration has one. */
  findUser: FindUser | undefined;
  realm: string;
  errorFormat: ErrorFormat;
  maxTokenLength: number;
  /**
   * The issuers each verifier (same index) expects, where the configuration says them: for the
   * hint on `issuer_mismatch`. `undefined` when unknown (a verifier built in a module).
   */
  issuers: ReadonlyArray<readonly string[] | undefined>;
}

/** Issuers named by the options a JSON configuration gave a verifier factory. */
const declaredIssuers = new WeakMap<object, readonly string[]>();

/** The issuer a discovery URL derives: the URL itself, or the part before `/.well-known/`. */
function discoveryIssuer(url: string): string {
  const metadata =
    /^(.*?)\/\.well-known\/(openid-configuration|oauth-authorization-server)(\/.*)?$/.exec(url);
  if (!metadata) return url;
  return metadata[2] === 'oauth-authorization-server' && metadata[3]
    ? `${metadata[1]}${metadata[3]}`
    : (metadata[1] as string);
}

/** The issuers verifier options name (`issuer`, else the `discovery` URL's), if any. */
function issuersOf(options: unknown): readonly string[] | undefined {
  if (!isObject(options)) return undefined;
  const issuer = options.issuer;
  if (typeof issuer === 'string') return [issuer];
  if (Array.isArray(issuer) && issuer.every((i) => typeof i === 'string')) return issuer;
  const discovery = options.discovery;
  if (typeof discovery === 'string') return [discoveryIssuer(discovery)];
  if (discovery instanceof URL) return [discoveryIssuer(discovery.href)];
  return undefined;
}

/** Factories a JSON configuration may name: bearer-guard's exports ending in these words. */
const FACTORY_NAME = /^[a-z][A-Za-z]*(Verifier|Directory)$/;

type Factories = Record<string, unknown>;

/**
 * A configuration mistake: reported as a usage error (exit code 2).
 *
 * @example
 * ```ts
 * throw new ConfigError('auth.json is not valid JSON');
 * ```
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Replaces every `{ "<factory>": argument }` object by the factory's result, innermost first. */
function instantiate(value: unknown, factories: Factories, path: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => instantiate(v, factories, `${path}[${i}]`));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const only = keys[0];
  if (keys.length === 1 && only !== undefined && FACTORY_NAME.test(only)) {
    const factory = factories[only];
    if (typeof factory !== 'function') {
      throw new ConfigError(`${path}: bearer-guard exports no factory "${only}"`);
    }
    const made = (factory as (arg: unknown) => unknown)(instantiate(value[only], factories, path));
    const issuers = issuersOf(value[only]);
    if (issuers && isObject(made)) declaredIssuers.set(made, issuers);
    return made;
  }
  return Object.fromEntries(keys.map((k) => [k, instantiate(value[k], factories, `${path}.${k}`)]));
}

async function readModule(file: string): Promise<unknown> {
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const exported = mod.default ?? mod;
  return typeof exported === 'function' ? await (exported as () => unknown)() : exported;
}

async function readJson(file: string, factories: Factories): Promise<unknown> {
  const parsed = parseJson(await readFile(file, 'utf8'));
  if (parsed === undefined) throw new ConfigError(`${file} is not valid JSON`);
  return instantiate(parsed, factories, 'config');
}

const NO_DIRECTORY = async () => null;

/**
 * Turns loaded options into what the explainer runs, with bearerAuth's own checks.
 *
 * @example
 * ```ts
 * const config = toExplainConfig({ verifiers: [jwtVerifier(options)] });
 * ```
 */
export function toExplainConfig(options: unknown): ExplainConfig {
  if (!isObject(options) || !Array.isArray(options.verifiers)) {
    throw new ConfigError(
      'the configuration must export { verifiers: [...] } (bearerAuth options)',
    );
  }
  const given = options as unknown as Partial<BearerAuthOptions>;
  let resolved;
  try {
    resolved = normalizeBearerAuthOptions({
      ...(given as BearerAuthOptions),
      directory: given.directory ?? NO_DIRECTORY,
    });
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return {
    verifiers: resolved.verifiers,
    findUser: given.directory === undefined ? undefined : resolved.findUser,
    realm: resolved.realm,
    errorFormat: resolved.errorFormat,
    maxTokenLength: resolved.maxTokenLength,
    issuers: (given.verifiers ?? []).map((verifier) =>
      isObject(verifier) ? (declaredIssuers.get(verifier) ?? issuersOf(verifier)) : undefined,
    ),
  };
}

/**
 * Loads a configuration file. `factories` are the exports JSON configurations may name.
 *
 * @example
 * ```ts
 * const config = await loadConfig('auth.config.mjs', await import('../index.js'));
 * ```
 */
export async function loadConfig(file: string, factories: Factories): Promise<ExplainConfig> {
  const path = resolve(file);
  const extension = extname(path).toLowerCase();
  let options: unknown;
  try {
    options = extension === '.json' ? await readJson(path, factories) : await readModule(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot load ${file}: ${(error as Error).message}`);
  }
  return toExplainConfig(options);
}
