/**
 * A stand-in for your user service (or database): `GET /users/<name>` answers the user as JSON,
 * or 404. It counts requests, so you can see the directory's cache at work.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaffMember {
  name: string;
  emailAddress: string;
  displayName: string;
  department: string;
}

export interface UserService {
  url: string;
  /** Lookups answered so far. */
  lookups(): number;
  close(): Promise<void>;
}

export async function startUserService(staff: readonly StaffMember[]): Promise<UserService> {
  let lookups = 0;
  const server = createServer((req, res) => {
    lookups += 1;
    const name = decodeURIComponent((req.url ?? '').replace(/^\/users\//, ''));
    const found = staff.find((s) => s.name === name || s.emailAddress === name);
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(found ?? { message: 'no such user' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lookups: () => lookups,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
