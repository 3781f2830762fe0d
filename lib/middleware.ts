/**
 * bearerAuth(): the Express middleware. It only wires things together: the options, the renderer's
 * settings and the request pipeline (lib/pipeline.ts), and the RFC 9728 metadata route.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { BindingSettings } from './binding/bind.js';
import { passThrough, resourceMetadataUrl, wellKnownHandler } from './metadata/well-known.js';
import { createReporter } from './observe/report.js';
import { normalizeBearerAuthOptions, type BearerAuthOptions } from './options.js';
import { runPipeline, type Pipeline } from './pipeline.js';
import type { RequestState } from './request-state.js';
import './augment.js';

/** The middleware `bearerAuth` returns. */
export type BearerAuthMiddleware = RequestHandler & {
  /**
   * Serves the RFC 9728 protected resource metadata (GET/HEAD at
   * `/.well-known/oauth-protected-resource` + the resource's path; everything else goes to
   * `next()`). Mount it at the application root. Without `resourceMetadata` it only calls `next()`.
   */
  readonly wellKnown: RequestHandler;
};

/**
 * Protects routes with OAuth 2.0 bearer tokens.
 *
 * @example
 * ```ts
 * const auth = bearerAuth({
 *   verifiers: [jwtVerifier({ issuer: 'https://id.example.com', audience: 'api', jwks })],
 *   directory: memoryDirectory(users),
 * });
 * app.use('/rest/api', auth);
 * ```
 */
export function bearerAuth(options: BearerAuthOptions): BearerAuthMiddleware {
  const config = normalizeBearerAuthOptions(options);
  const { report, observed, warnUnobserved } = createReporter(config.onDecision);
  const state: RequestState = Object.freeze({
    errorFormat: config.errorFormat,
    errorHandling: config.errorHandling,
    realm: config.realm,
    retryAfterSeconds: config.retryAfterSeconds,
    dpop: config.dpop && { algorithms: config.dpop.algorithms, required: config.dpop.required },
    report,
    resourceMetadataUrl: config.resourceMetadata
      ? resourceMetadataUrl(config.resourceMetadata.resourceUrl)
      : undefined,
  });
  const { mtls, dpop } = config;
  const bindings: BindingSettings = Object.freeze({
    dpop: dpop !== undefined,
    dpopRequired: dpop?.required === true,
    mtls: mtls !== undefined,
    mtlsRequired: mtls?.required === true,
  });

  const pipeline: Pipeline = Object.freeze({
    config,
    state,
    bindings,
    observed,
    warnUnobserved,
  });

  // Synchronous to the end when every stage knows its answer (a reused token); any unexpected
  // failure goes to Express, never an unhandled rejection.
  const middleware = function bearerAuthMiddleware(
    req: Request,
    res: Response,
    next: NextFunction,
  ): void {
    runPipeline(pipeline, req, res, next);
  };
  const wellKnown = config.resourceMetadata
    ? wellKnownHandler(
        config.resourceMetadata,
        {
          bearerMethods: [...config.tokenLocations],
          dpop: state.dpop,
          mtls: mtls !== undefined,
          verifiers: config.verifiers,
        },
        config.retryAfterSeconds,
      )
    : passThrough;
  return Object.assign(middleware, { wellKnown });
}
