/**
 * A guard behind a middleware that replaced req.auth with an object of its own: bearerAuth's
 * settings travel on the req.auth it set, so the guard cannot render as bearerAuth would. It
 * answers 500 and says why once, naming the fix, rather than guessing a format.
 */
import { describe, expect, it, jest } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { bearerAuth, memoryDirectory, requireScopes, type Verifier } from '../../lib/index.js';
import { USERS } from '../helpers/users.js';

const verifier: Verifier = {
  name: 'fixed',
  verify: async () => ({
    kind: 'accept',
    identity: {
      subject: 'user-1',
      username: 'admin',
      scopes: ['read'],
      claims: {},
      serviceAccount: false,
      verifier: 'fixed',
    },
  }),
};

describe('a guard after req.auth was replaced', () => {
  it('answers 500 and warns once that req.auth should be changed in place', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const app = express();
      app.use(bearerAuth({ verifiers: [verifier], directory: memoryDirectory(USERS) }));
      app.use((req, _res, next) => {
        Object.assign(req, { auth: { ...req.auth, tenant: 't-1' } });
        next();
      });
      app.get('/x', requireScopes('read'), (_req, res) => res.json({ ok: true }));
      const first = await request(app).get('/x').set('Authorization', 'Bearer anything');
      const second = await request(app).get('/x').set('Authorization', 'Bearer anything');
      expect([first.status, second.status]).toEqual([500, 500]);
      const messages = warn.mock.calls.map((call) => String(call[0]));
      expect(messages).toEqual([
        'requireScopes found a req.auth that bearerAuth did not set (change req.auth in place rather than replacing it); answering 500',
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
