/**
 * Which peers may speak for a client certificate: a forwarded certificate header is believed only
 * when the TCP peer (`req.socket.remoteAddress`) is a trusted proxy. Anyone can send the header;
 * only the proxy's address makes it mean something.
 */
import { BlockList, isIP } from 'node:net';

/** Trusted proxies: addresses and CIDR ranges (IPv4 and IPv6), or a predicate. */
export type TrustedProxies = readonly string[] | ((remoteAddress: string) => boolean);

/** `::ffff:192.0.2.1`, the form an IPv4 peer takes on a dual-stack (`::`) listener. */
const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

function fail(message: string): never {
  throw new TypeError(`bearerAuth: "mtls.certificate.trustedProxies" ${message}`);
}

function addEntry(list: BlockList, entry: unknown): void {
  if (typeof entry !== 'string') fail('entries must be strings (addresses or CIDR ranges)');
  const [address, prefix, extra] = entry.trim().split('/');
  const family = isIP(address ?? '');
  if (extra !== undefined || family === 0) {
    fail(`entry ${JSON.stringify(entry)} is not an IP address or CIDR range`);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) {
    list.addAddress(address as string, type);
    return;
  }
  const bits = Number(prefix);
  if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
    fail(`entry ${JSON.stringify(entry)} has an invalid prefix length`);
  }
  list.addSubnet(address as string, bits, type);
}

/**
 * Checks `trustedProxies` and returns `(remoteAddress) => boolean`. Absent: nobody is trusted. A
 * predicate that throws trusts nobody for that request.
 *
 * @example
 * ```ts
 * const trusted = trustedProxyCheck(['10.0.0.0/8', '::1']);
 * trusted('10.1.2.3'); // true
 * ```
 */
export function trustedProxyCheck(
  value: TrustedProxies | undefined,
): (remoteAddress: string | undefined) => boolean {
  if (value === undefined) return () => false;
  if (typeof value === 'function') {
    return (remoteAddress) => {
      if (remoteAddress === undefined) return false;
      try {
        return value(remoteAddress) === true;
      } catch {
        return false;
      }
    };
  }
  if (!Array.isArray(value)) fail('must be a list of addresses and CIDR ranges, or a function');
  const list = new BlockList();
  for (const entry of value as readonly unknown[]) addEntry(list, entry);
  return (remoteAddress) => {
    if (remoteAddress === undefined) return false;
    const mapped = IPV4_MAPPED.exec(remoteAddress);
    const address = mapped ? (mapped[1] as string) : remoteAddress;
    const family = isIP(address);
    if (family === 0) return false;
    return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}
