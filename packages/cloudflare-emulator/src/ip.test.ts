import { describe, expect, it } from 'vitest';
import { canonicalIPv6, ipv6Network, normaliseListIp } from './ip.js';

describe('normaliseListIp', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['192.0.2.0/32', '192.0.2.0/32'],
    ['64.0.0.0/2', '64.0.0.0/2'],
    ['0.0.0.0/1', undefined],
    ['2001:DB8::1', '2001:db8::/64'],
    ['2001:db8:ab:cd:1:2:3:4', '2001:db8:ab:cd::/64'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['2001:db8:1:2:3::/80', undefined],
    ['2000::/3', undefined],
    ['::ffff:192.0.2.1', '::/64'],
    ['not an ip', undefined],
    ['10.0.0.1/33', undefined],
  ])('%s → %s', (input, expected) => {
    expect(normaliseListIp(input)).toBe(expected);
  });
});

describe('IPv6 text', () => {
  it.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['::', '::'],
    ['1::', '1::'],
  ])('canonical %s → %s', (input, expected) => {
    expect(canonicalIPv6(input)).toBe(expected);
  });

  it('masks to a prefix inside a group', () => {
    expect(ipv6Network('2001:db8:abcd:ef12::1', 36)).toBe('2001:db8:a000::/36');
  });
});
