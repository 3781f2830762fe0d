/**
 * The API of the mTLS specs: bearerAuth in front of one route that answers who called and how the
 * token was bound, served over real TLS (client certificates requested, self-signed ones allowed)
 * or plain HTTP on 127.0.0.1, and undici clients with or without a certificate.
 */
import express from 'express';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent, Client, request, type Dispatcher } from 'undici';
import {
  bearerAuth,
  memoryDirectory,
  type BearerAuthOptions,
  type Decision,
  type Verifier,
} from '../../lib/index.js';
import { USERS } from '../helpers/users.js';
import { SERVER, type TestCertificate } from './certificates.js';

export interface MtlsApi {
  url: string;
  decisions: Decision[];
  /** `isSessionReused()` of the TLS connection of each request, in order. */
  sessionReused: boolean[];
  /** How many times each TLS connection's `getPeerCertificate` was called. */
  peerCertificateCalls: number[];
  close(): Promise<void>;
}

export interface ApiOptions {
  tls?: boolean;
  /** TLS version cap, to test session resumption on TLS 1.2 and 1.3. */
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** Starts the API with `options` for bearerAuth (verifiers and mtls at least). */
export async function startApi(
  auth: Partial<BearerAuthOptions> & Pick<BearerAuthOptions, 'verifiers'>,
  { tls = true, maxVersion }: ApiOptions = {},
): Promise<MtlsApi> {
  const decisions: Decision[] = [];
  const sessionReused: boolean[] = [];
  const peerCertificateCalls: number[] = [];
  const app = express();
  app.use(
    '/api',
    bearerAuth({
      directory: memoryDirectory(USERS),
      ...auth,
      onDecision: (decision) => decisions.push(decision),
    }),
  );
  app.get('/api/whoami', (req, res) => {
    if (tls) sessionReused.push((req.socket as TLSSocket).isSessionReused());
    res.json({ binding: req.auth?.binding, subject: req.auth?.identity.subject });
  });
  let server: Server;
  if (tls) {
    server = createHttpsServer(
      {
        key: SERVER.key,
        cert: SERVER.pem,
        requestCert: true,
        rejectUnauthorized: false,
        ...(maxVersion ? { maxVersion } : {}),
      },
      app,
    );
    server.on('secureConnection', (socket: TLSSocket) => {
      const index = peerCertificateCalls.push(0) - 1;
      const original = socket.getPeerCertificate.bind(socket);
      socket.getPeerCertificate = ((detailed?: boolean) => {
        peerCertificateCalls[index] = (peerCertificateCalls[index] as number) + 1;
        return original(detailed as true);
      }) as TLSSocket['getPeerCertificate'];
    });
  } else {
    server = createHttpServer(app);
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    decisions,
    sessionReused,
    peerCertificateCalls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An undici agent: over TLS trusting the test server, presenting `certificate` if given. */
export function client(
  options: { certificate?: TestCertificate; localAddress?: string } = {},
): Agent {
  return new Agent({
    // The source address of every connection: 127.0.0.2 is a loopback peer that is not trusted.
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    connect: {
      ca: SERVER.pem,
      ...(options.certificate
        ? { cert: options.certificate.pem, key: options.certificate.key }
        : {}),
    },
  });
}

/** One keep-alive connection to `api` presenting `certificate`. */
export function connection(api: MtlsApi, certificate: TestCertificate): Client {
  return new Client(api.url, {
    connect: { ca: SERVER.pem, cert: certificate.pem, key: certificate.key },
  });
}

export interface Answer {
  status: number;
  challenge: string | undefined;
  body: Record<string, unknown>;
}

/** `GET /api/whoami` with the token (and extra header lines, repeated names allowed). */
export async function whoami(
  api: MtlsApi,
  dispatcher: Dispatcher,
  token: string,
  extra: string[] = [],
  init: { reset?: boolean } = {},
): Promise<Answer> {
  const res = await request(`${api.url}/api/whoami`, {
    dispatcher,
    headers: ['authorization', `Bearer ${token}`, ...extra],
    ...(init.reset ? { reset: true } : {}),
  });
  const challenge = res.headers['www-authenticate'];
  return {
    status: res.statusCode,
    challenge: Array.isArray(challenge) ? challenge.join(', ') : challenge,
    body: (await res.body.json()) as Record<string, unknown>,
  };
}

/**
 * Fills `identity.confirmation.x5tS256` from the token's `cnf` claim when the wrapped verifier
 * did not (verifiers read `cnf` themselves once they map it; until then this stands in for that
 * one mapping step, and changes nothing for a verifier that already does it).
 */
export function readingCnf(verifier: Verifier): Verifier {
  return {
    name: verifier.name,
    async verify(token, ctx) {
      const verdict = await verifier.verify(token, ctx);
      if (verdict.kind !== 'accept' || verdict.identity.confirmation) return verdict;
      const cnf = verdict.identity.claims.cnf as Record<string, unknown> | undefined;
      const x5t = cnf?.['x5t#S256'];
      const jkt = cnf?.jkt;
      if (typeof x5t !== 'string' && typeof jkt !== 'string') return verdict;
      return {
        kind: 'accept',
        identity: {
          ...verdict.identity,
          confirmation: {
            ...(typeof x5t === 'string' ? { x5tS256: x5t } : {}),
            ...(typeof jkt === 'string' ? { jkt } : {}),
          },
        },
      };
    },
  };
}
