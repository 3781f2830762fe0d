/**
 * The RFC 9728 §2 document: the members the application gave, plus the ones bearer-guard derives
 * from its own configuration unless given. A member whose feature is off is absent.
 */
import type { Verifier } from '../types.js';
import type { ResolvedResourceMetadataOptions } from './options.js';

/** What the middleware's configuration says about the members it can derive. */
export interface MetadataFacts {
  /** `tokenLocations` that are RFC 6750 methods (functions are not advertised). */
  bearerMethods: readonly ('header' | 'body' | 'query')[];
  /** `dpop`, when on. */
  dpop?: { algorithms: readonly string[]; required: boolean } | undefined;
  /** `true` when `mtls` is on. */
  mtls: boolean;
  verifiers: readonly Verifier[];
}

/** A verifier that can say which issuers it accepts tokens from. */
interface IssuerAware {
  issuers(): Promise<readonly string[]>;
}

function isIssuerAware(verifier: Verifier): verifier is Verifier & IssuerAware {
  return typeof (verifier as Partial<IssuerAware>).issuers === 'function';
}

/**
 * The issuers of `verifiers`, in chain order, without duplicates, verbatim. Rejects when a
 * verifier cannot tell yet (its discovery document is unreachable): the caller answers 503.
 */
export async function verifierIssuers(verifiers: readonly Verifier[]): Promise<string[]> {
  const lists = await Promise.all(
    verifiers.filter(isIssuerAware).map(async (verifier) => verifier.issuers()),
  );
  const issuers: string[] = [];
  for (const list of lists) {
    for (const issuer of list) {
      if (typeof issuer === 'string' && issuer !== '' && !issuers.includes(issuer)) {
        issuers.push(issuer);
      }
    }
  }
  return issuers;
}

/**
 * Builds the document. Derived members come after the given ones' defaults are settled; given
 * members always win.
 *
 * @example
 * ```ts
 * await buildDocument(config, { bearerMethods: ['header'], mtls: true, verifiers });
 * // { resource: 'https://api.example.com', authorization_servers: [...],
 * //   bearer_methods_supported: ['header'], tls_client_certificate_bound_access_tokens: true }
 * ```
 */
export async function buildDocument(
  config: ResolvedResourceMetadataOptions,
  facts: MetadataFacts,
): Promise<Record<string, unknown>> {
  const derived: Record<string, unknown> = {};
  if (config.members.authorization_servers === undefined) {
    const issuers = await verifierIssuers(facts.verifiers);
    if (issuers.length > 0) derived.authorization_servers = issuers;
  }
  if (facts.bearerMethods.length > 0) derived.bearer_methods_supported = [...facts.bearerMethods];
  if (facts.mtls) derived.tls_client_certificate_bound_access_tokens = true;
  if (facts.dpop) {
    derived.dpop_signing_alg_values_supported = [...facts.dpop.algorithms];
    derived.dpop_bound_access_tokens_required = facts.dpop.required;
  }
  const { resource, ...given } = config.members;
  return { resource, ...derived, ...given };
}
