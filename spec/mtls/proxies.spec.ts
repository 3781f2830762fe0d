import { describe, expect, it } from '@jest/globals';
import { trustedProxyCheck } from '../../lib/binding/mtls-proxies.js';

describe('trustedProxyCheck', () => {
  it('trusts nobody by default', () => {
    const trusted = trustedProxyCheck(undefined);
    expect(trusted('127.0.0.1')).toBe(false);
    expect(trusted('::1')).toBe(false);
  });

  it('matches addresses and CIDR ranges, IPv4 and IPv6', () => {
    const trusted = trustedProxyCheck(['10.0.0.0/8', '192.0.2.7', 'fd00::/8', '::1']);
    expect(trusted('10.200.3.4')).toBe(true);
    expect(trusted('192.0.2.7')).toBe(true);
    expect(trusted('192.0.2.8')).toBe(false);
    expect(trusted('11.0.0.1')).toBe(false);
    expect(trusted('fd12:3456::1')).toBe(true);
    expect(trusted('fe80::1')).toBe(false);
    expect(trusted('::1')).toBe(true);
    expect(trusted(undefined)).toBe(false);
    expect(trusted('not-an-ip')).toBe(false);
  });

  it('matches an IPv4 peer seen on a dual-stack listener as ::ffff:a.b.c.d', () => {
    const trusted = trustedProxyCheck(['127.0.0.1']);
    expect(trusted('::ffff:127.0.0.1')).toBe(true);
    expect(trusted('::ffff:127.0.0.2')).toBe(false);
  });

  it('asks a predicate, and trusts nobody when it throws or answers anything but true', () => {
    expect(trustedProxyCheck((a) => a === '10.0.0.1')('10.0.0.1')).toBe(true);
    expect(trustedProxyCheck((a) => a === '10.0.0.1')('10.0.0.2')).toBe(false);
    const throwing = trustedProxyCheck(() => {
      throw new Error('boom');
    });
    expect(throwing('10.0.0.1')).toBe(false);
    expect(trustedProxyCheck((() => 'yes') as unknown as () => boolean)('10.0.0.1')).toBe(false);
  });

  it.each([
    [['10.0.0.0/33'], /invalid prefix length/],
    [['10.0.0.0/x'], /invalid prefix length/],
    [['::/129'], /invalid prefix length/],
    [['localhost'], /not an IP address or CIDR range/],
    [['10.0.0.0/8/8'], /not an IP address or CIDR range/],
    [[42], /must be strings/],
    ['10.0.0.1', /must be a list/],
  ])('refuses %j', (value, message) => {
    expect(() => trustedProxyCheck(value as never)).toThrow(message);
  });
});
