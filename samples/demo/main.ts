/**
 * `npm start`: starts the demo and prints ready-to-paste curl commands, each with the answer the
 * API gave and the reason it logged. Environment: API_PORT (3000), AUTH_PORT (4000),
 * PROVIDER_PORT (4100), DEMO_HOST (127.0.0.1), ISSUER (the authorization server's issuer URL).
 */
import type { Decision } from '../../lib/index.js';
import { startDemo } from './demo.js';
import { runFlow, toCurl } from './flows.js';

const port = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name} must be a port number`);
  return value;
};

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const describe = (d: Decision) =>
  `${d.outcome} — reason ${d.reason}${d.verifier ? ` (verifier ${d.verifier})` : ''}, ${d.durationMs.toFixed(1)} ms`;

async function main(): Promise<void> {
  let decisions: Decision[] = [];
  const demo = await startDemo({
    host: process.env.DEMO_HOST ?? '127.0.0.1',
    apiPort: port('API_PORT', 3000),
    authPort: port('AUTH_PORT', 4000),
    providerPort: port('PROVIDER_PORT', 4100),
    issuer: process.env.ISSUER,
    onDecision: (d) => decisions.push(d),
  });
  const out = (line = '') => process.stdout.write(`${line}\n`);

  out(bold('bearer-guard demo'));
  out(
    `  authorization server  ${demo.authServer.issuer}  (oidc-provider: discovery, JWKS, token, introspection, revocation)`,
  );
  out(`  third-party provider  ${demo.provider.url}  (Acme ID: userinfo)`);
  out(
    `  protected API         ${demo.apiUrl}/rest/api  (chain: client-credentials → jwt → oauth-provider:acme → client-credentials:opaque → introspection)`,
  );
  out();
  let failures = 0;
  for (const [i, flow] of demo.flows.entries()) {
    decisions = [];
    const answer = await runFlow(flow);
    const ok = answer.status === flow.expectStatus;
    if (!ok) failures++;
    out(bold(`${i + 1}. ${flow.title}`));
    out(`   ${toCurl(flow)}`);
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    out(
      `   → ${answer.status} ${body.length > 300 ? `${body.slice(0, 300)}…` : body}${ok ? '' : `   (expected ${flow.expectStatus})`}`,
    );
    for (const d of decisions) out(dim(`   why: ${describe(d)}`));
    out();
  }
  out(
    failures === 0
      ? 'Every flow answered as expected.'
      : `${failures} flow(s) did not answer as expected.`,
  );
  out(
    'The API is running: paste any command above. Why was a token refused? npm run -s explain -- <token>',
  );
  out('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    out('\nStopping…');
    await demo.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `demo failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
