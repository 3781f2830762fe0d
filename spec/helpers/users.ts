/** The demo's directory entries, shaped like the REST API document's `GET /myself` body. */
export * from '../../samples/demo/users.js';
