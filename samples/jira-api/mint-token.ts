/**
 * Prints a token the sample API accepts, signed with the demo key.
 *
 *   npx tsx samples/jira-api/mint-token.ts [username] [scopes] [lifetime-seconds]
 *   npx tsx samples/jira-api/mint-token.ts admin "read write" 3600
 */
import { SignJWT } from 'jose';
import { pathToFileURL } from 'node:url';
import { DEMO_AUDIENCE, DEMO_ISSUER, demoKeys } from './demo-keys.js';

/** What goes into a demo token. */
export interface DemoTokenOptions {
  /** The `preferred_username` claim: who the directory finds. Default `'admin'`. */
  username?: string;
  /** Space-separated scopes. Default `'read'`. */
  scope?: string;
  /** Lifetime in seconds. Default 3600. */
  expiresInSeconds?: number;
}

/** A signed RFC 9068-style access token for the sample API. */
export async function mintDemoToken(options: DemoTokenOptions = {}): Promise<string> {
  const username = options.username ?? 'admin';
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ preferred_username: username, scope: options.scope ?? 'read' })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
    .setIssuer(DEMO_ISSUER)
    .setAudience(DEMO_AUDIENCE)
    .setSubject(`demo-${username}`)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
    .sign(demoKeys().privateKey);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [username, scope, lifetime] = process.argv.slice(2);
  mintDemoToken({
    ...(username ? { username } : {}),
    ...(scope ? { scope } : {}),
    ...(lifetime ? { expiresInSeconds: Number(lifetime) } : {}),
  }).then((token) => console.log(token));
}
