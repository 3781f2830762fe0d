/**
 * oidc-provider prints development notices (Node 20 is not its preferred runtime, the in-memory
 * adapter, default policies) on every start. The test authorization server is development-only by
 * design, so these lines are dropped; everything else reaches the console as usual.
 */
const NOTICE = /^oidc-provider (WARNING|NOTICE)/;

for (const level of ['warn', 'info'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && NOTICE.test(args[0])) return;
    original(...args);
  };
}
