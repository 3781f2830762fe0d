/** The committed test certificates (spec/fixtures/mtls/README.md) and their thumbprints. */
import { X509Certificate, hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/mtls');
const read = (name: string): string => readFileSync(resolve(DIR, name), 'utf8');

export interface TestCertificate {
  pem: string;
  key: string;
  der: Buffer;
  /** `x5t#S256`, computed here independently of lib/. */
  thumbprint: string;
}

function load(name: string): TestCertificate {
  const pem = read(`${name}.crt`);
  const der = new X509Certificate(pem).raw;
  return { pem, key: read(`${name}.key`), der, thumbprint: hash('sha256', der, 'base64url') };
}

export const SERVER = load('server');
export const CLIENT_A = load('client-a');
export const CLIENT_B = load('client-b');
