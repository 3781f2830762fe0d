import { describe, expect, it } from '@jest/globals';
import {
  normalizeResourceMetadataOptions,
  type ResourceMetadataOptions,
} from '../../lib/metadata/options.js';
import { buildDocument } from '../../lib/metadata/document.js';
import { resourceMetadataUrl, wellKnownPath } from '../../lib/metadata/well-known.js';
import type { Verifier } from '../../lib/types.js';

const verifier = (name: string, issuers?: () => Promise<readonly string[]>): Verifier => ({
  name,
  verify: async () => ({ kind: 'pass', reason: 'token_unrecognized' }),
  ...(issuers ? { issuers } : {}),
});

describe('normalizeResourceMetadataOptions', () => {
  it('maps camelCase options to RFC 9728 member names, resource first and verbatim', () => {
    const options = Object.freeze({
      resource: 'https://api.example.com',
      resourceName: 'Issues API',
      scopesSupported: Object.freeze(['read', 'write', 'read']),
      resourceDocumentation: 'https://docs.example.com/api',
      tlsClientCertificateBoundAccessTokens: false,
      authorizationServers: ['https://id.example.com'],
    });
    const resolved = normalizeResourceMetadataOptions(options)!;
    expect(resolved.members).toEqual({
      resource: 'https://api.example.com',
      resource_name: 'Issues API',
      scopes_supported: ['read', 'write'],
      resource_documentation: 'https://docs.example.com/api',
      tls_client_certificate_bound_access_tokens: false,
      authorization_servers: ['https://id.example.com'],
    });
    expect(Object.keys(resolved.members)[0]).toBe('resource');
    expect(resolved.cacheMaxAgeSeconds).toBe(3600);
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('allows http: for loopback resources only', () => {
    expect(
      normalizeResourceMetadataOptions({ resource: 'http://127.0.0.1:8080/api' }),
    ).toBeDefined();
    expect(normalizeResourceMetadataOptions({ resource: 'http://localhost/api' })).toBeDefined();
    expect(() => normalizeResourceMetadataOptions({ resource: 'http://api.example.com' })).toThrow(
      /"resourceMetadata.resource" option must be an https: URL/,
    );
  });

  it.each<[string, unknown, RegExp]>([
    ['no resource', {}, /"resourceMetadata.resource" option is required/],
    ['a relative resource', { resource: '/api' }, /must be an absolute URL/],
    [
      'a resource with a fragment',
      { resource: 'https://a.example/#x' },
      /must not have a fragment/,
    ],
    [
      'a resource with an empty fragment',
      { resource: 'https://a.example/#' },
      /must not have a fragment/,
    ],
    ['a resource with a query', { resource: 'https://a.example/?x=1' }, /must not have a query/],
    ['a resource with credentials', { resource: 'https://u:p@a.example/' }, /credentials/],
    ['an ftp resource', { resource: 'ftp://a.example/' }, /https: URL/],
    [
      'an RFC member name',
      { resource: 'https://a.example', resource_name: 'x' },
      /unknown option "resource_name": write "resourceName"/,
    ],
    [
      'a typo',
      { resource: 'https://a.example', resourceNme: 'x' },
      /unknown option "resourceNme" \(did you mean "resourceName"\?\)/,
    ],
    [
      'an empty list',
      { resource: 'https://a.example', scopesSupported: [] },
      /"resourceMetadata.scopesSupported" option must be a non-empty list/,
    ],
    [
      'a non-URL authorization server',
      { resource: 'https://a.example', authorizationServers: ['id.example.com'] },
      /"resourceMetadata.authorizationServers" option must be an absolute URL/,
    ],
    [
      'an unknown bearer method',
      { resource: 'https://a.example', bearerMethodsSupported: ['cookie'] },
      /bearerMethodsSupported/,
    ],
    [
      'a non-boolean flag',
      { resource: 'https://a.example', dpopBoundAccessTokensRequired: 'yes' },
      /must be a boolean/,
    ],
    [
      'a negative cache age',
      { resource: 'https://a.example', cacheMaxAgeSeconds: -1 },
      /cacheMaxAgeSeconds/,
    ],
    ['not an object', 'https://a.example', /"resourceMetadata" option must be an object/],
  ])('throws a TypeError for %s', (_name, value, message) => {
    const run = () => normalizeResourceMetadataOptions(value as ResourceMetadataOptions);
    expect(run).toThrow(TypeError);
    expect(run).toThrow(message);
  });
});

describe('wellKnownPath / resourceMetadataUrl (RFC 9728 §3.1)', () => {
  it.each([
    ['https://api.example.com', '/.well-known/oauth-protected-resource'],
    ['https://api.example.com/', '/.well-known/oauth-protected-resource'],
    ['https://api.example.com/rest/api', '/.well-known/oauth-protected-resource/rest/api'],
    ['https://api.example.com:8443/v1/', '/.well-known/oauth-protected-resource/v1/'],
  ])('%s → %s', (resource, path) => {
    expect(wellKnownPath(new URL(resource))).toBe(path);
    expect(resourceMetadataUrl(new URL(resource))).toBe(`${new URL(resource).origin}${path}`);
  });
});

describe('buildDocument', () => {
  const facts = {
    bearerMethods: ['header'] as const,
    mtls: false,
    verifiers: [] as Verifier[],
  };

  it('derives members from the configuration, leaves out features that are off', async () => {
    const config = normalizeResourceMetadataOptions({ resource: 'https://api.example.com' })!;
    expect(await buildDocument(config, facts)).toEqual({
      resource: 'https://api.example.com',
      bearer_methods_supported: ['header'],
    });
    expect(
      await buildDocument(config, {
        bearerMethods: ['header', 'body'],
        mtls: true,
        dpop: { algorithms: ['ES256', 'EdDSA'], required: false },
        verifiers: [
          verifier('a', async () => ['https://id.example.com', 'https://id2.example.com/']),
          verifier('b'),
          verifier('c', async () => ['https://id.example.com']),
        ],
      }),
    ).toEqual({
      resource: 'https://api.example.com',
      authorization_servers: ['https://id.example.com', 'https://id2.example.com/'],
      bearer_methods_supported: ['header', 'body'],
      tls_client_certificate_bound_access_tokens: true,
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA'],
      dpop_bound_access_tokens_required: false,
    });
  });

  it('lets given members win over derived ones, and does not ask verifiers then', async () => {
    const config = normalizeResourceMetadataOptions({
      resource: 'https://api.example.com',
      authorizationServers: ['https://as.example.com'],
      bearerMethodsSupported: ['header'],
      tlsClientCertificateBoundAccessTokens: false,
    })!;
    let asked = 0;
    const document = await buildDocument(config, {
      bearerMethods: ['header', 'query'],
      mtls: true,
      verifiers: [verifier('a', async () => (asked++, ['https://id.example.com']))],
    });
    expect(document).toEqual({
      resource: 'https://api.example.com',
      authorization_servers: ['https://as.example.com'],
      bearer_methods_supported: ['header'],
      tls_client_certificate_bound_access_tokens: false,
    });
    expect(asked).toBe(0);
  });

  it('rejects when a verifier cannot tell its issuer yet', async () => {
    const config = normalizeResourceMetadataOptions({ resource: 'https://api.example.com' })!;
    await expect(
      buildDocument(config, {
        ...facts,
        verifiers: [
          verifier('a', () => {
            throw new Error('sync throw');
          }),
        ],
      }),
    ).rejects.toThrow('sync throw');
  });
});
