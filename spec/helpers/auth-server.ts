/** The demo's real authorization server (oidc-provider) doubles as the tests' peer. */
export * from '../../samples/demo/authorization-server.js';
