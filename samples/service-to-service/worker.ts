/**
 * The worker of the service-to-service sample: a background job with no user. It gets an access
 * token for itself with the client-credentials grant (RFC 6749 §4.4), authenticating with
 * `client_secret_basic`, and calls the protected API with it.
 *
 *   TOKEN_ENDPOINT=https://id.example.com/token CLIENT_ID=svc-reporting CLIENT_SECRET=... \
 *   RESOURCE=urn:example:api API_URL=http://127.0.0.1:3000 npx tsx samples/service-to-service/worker.ts
 */
import { pathToFileURL } from 'node:url';

/** Who the worker is and whom it calls. */
export interface WorkerOptions {
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  /** RFC 8707 resource indicator: the API the token is for. */
  resource: string;
  /** Scopes asked for. Default `'read'`. */
  scope?: string;
  /** The API's origin. */
  apiUrl: string;
  /** The API path called. Default `/rest/api/2/myself`. */
  path?: string;
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64');
}

/**
 * Asks the token endpoint for an access token with the client-credentials grant.
 *
 * @example
 * ```ts
 * const token = await serviceToken({ tokenEndpoint, clientId, clientSecret, resource, apiUrl });
 * ```
 */
export async function serviceToken(options: WorkerOptions): Promise<string> {
  const res = await fetch(options.tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basicCredentials(options.clientId, options.clientSecret)}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: options.scope ?? 'read',
      resource: options.resource,
    }),
  });
  const body = (await res.json()) as { access_token?: unknown; error?: unknown };
  if (!res.ok || typeof body.access_token !== 'string') {
    throw new Error(`token endpoint answered ${res.status} ${String(body.error ?? '')}`.trim());
  }
  return body.access_token;
}

/**
 * One run of the job: a token, then one API call with it.
 *
 * @example
 * ```ts
 * const { status, body } = await runWorker({ tokenEndpoint, clientId, clientSecret, resource, apiUrl });
 * ```
 */
export async function runWorker(
  options: WorkerOptions,
): Promise<{ status: number; body: unknown }> {
  const token = await serviceToken(options);
  const res = await fetch(new URL(options.path ?? '/rest/api/2/myself', options.apiUrl), {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  return { status: res.status, body: await res.json() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  runWorker({
    tokenEndpoint: env('TOKEN_ENDPOINT'),
    clientId: env('CLIENT_ID'),
    clientSecret: env('CLIENT_SECRET'),
    resource: env('RESOURCE'),
    apiUrl: env('API_URL'),
  }).then(
    (result) => console.log(result.status, JSON.stringify(result.body)),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
