import { describe, expect, it } from 'vitest';
import { buildAddressTextFilter, buildNetworkMatcher, networkContains, parseNetwork } from './network.js';

describe('parseNetwork', () => {
  it.each([
    ['203.0.113.5', '203.0.113.5', 32],
    ['198.51.100.77/24', '198.51.100.0/24', 24],
    ['10.0.0.0/0', '0.0.0.0/0', 0],
    ['2001:DB8::1', '2001:db8::1', 128],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1', 128],
    ['2001:db8::abcd/64', '2001:db8::/64', 64],
    ['::ffff:192.0.2.1', '192.0.2.1', 32],
    ['::FFFF:c000:0201', '192.0.2.1', 32],
    ['0:0:0:0:0:ffff:192.0.2.1', '192.0.2.1', 32],
    ['::192.0.2.1', '192.0.2.1', 32],
    ['::ffff:192.0.2.0/120', '192.0.2.0/24', 24],
    ['::ffff:0:0/96', '0.0.0.0/0', 0],
    ['::1', '::1', 128],
    ['::', '::', 128],
    ['::0.0.0.0', '::', 128],
    ['::0.0.0.1', '::1', 128],
    ['::0.0.0.2', '0.0.0.2', 32],
    ['::ffff:0:0/95', '::fffe:0:0/95', 95],
    ['2001:db8::/127', '2001:db8::/127', 127],
  ])('%s is %s', (input, text, prefix) => {
    expect(parseNetwork(input)).toMatchObject({ text, prefix });
  });

  it.each([
    '',
    '203.0.113',
    '203.0.113.256',
    '203.0.113.5/33',
    '2001:db8::/129',
    '1.2.3.4/x',
    '1.2.3.4/24/1',
    'gggg::1',
    'example.com',
    '127.1',
    '0x7f.0.0.1',
    'fe80::1%eth0',
    '1.2.3.4/024x',
  ])('rejects %j', (input) => {
    expect(parseNetwork(input)).toBeUndefined();
  });
});

describe('buildNetworkMatcher', () => {
  const matches = buildNetworkMatcher([parseNetwork('198.51.100.0/24')!, parseNetwork('2001:db8::/64')!, parseNetwork('203.0.113.5')!]);
  it.each([
    ['198.51.100.0', true],
    ['198.51.100.255', true],
    ['198.51.101.0', false],
    ['203.0.113.5', true],
    ['203.0.113.6', false],
    ['2001:db8::ffff', true],
    ['2001:db8:0:1::1', false],
    ['not-an-ip', false],
  ])('%s → %s', (ip, expected) => {
    expect(matches(ip)).toBe(expected);
  });
});

describe('buildAddressTextFilter', () => {
  const filter = (...networks: string[]) => buildAddressTextFilter(networks.map((n) => parseNetwork(n)!));
  it.each([
    [['198.51.100.0/24'], { prefixes: ['198.51.100.'], colon: 'ipv4-in-ipv6' }],
    [['203.0.113.5'], { prefixes: ['203.0.113.5'], colon: 'ipv4-in-ipv6' }],
    [['10.0.0.0/7'], { prefixes: [''], colon: 'ipv4-in-ipv6' }],
    [['10.0.0.0/8', '10.1.0.0/16'], { prefixes: ['10.'], colon: 'ipv4-in-ipv6' }],
    [['192.0.2.0/28', '198.51.100.3'], { prefixes: ['192.0.2.', '198.51.100.3'], colon: 'ipv4-in-ipv6' }],
    [['2001:db8::/64'], { prefixes: [], colon: 'any' }],
    [['::ffff:192.0.2.0/120'], { prefixes: ['192.0.2.'], colon: 'ipv4-in-ipv6' }],
    [['::/0'], { prefixes: [''], colon: 'any' }],
    [[], { prefixes: [], colon: 'none' }],
  ])('%j → %j', (networks, expected) => {
    expect(filter(...networks)).toEqual(expected);
  });

  // Every text the matcher accepts passes the filter: the store may skip the rest without asking the matcher.
  it.each([' 192.0.2.5', '192.0.2.6 ', '\u00a0192.0.2.7', '::ffff:192.0.2.8', '::FFFF:c000:209', '::c000:20a', '0:0:0:0:0:ffff:c000:20b'])(
    'lets %j through for 192.0.2.0/28',
    (ip) => {
      const network = parseNetwork('192.0.2.0/28')!;
      expect(buildNetworkMatcher([network])(ip)).toBe(true);
      const { prefixes, colon } = buildAddressTextFilter([network]);
      const passes = prefixes.some((p) => ip.startsWith(p)) || (colon !== 'none' && ip.includes(':') && /^[0:]/.test(ip)) || (ip !== '' && !/^[0-9:]/.test(ip));
      expect(passes).toBe(true);
    },
  );
});

describe('networkContains', () => {
  it('knows a /24 contains an address and a /25 but not a /16', () => {
    const net = parseNetwork('198.51.100.0/24')!;
    expect(networkContains(net, parseNetwork('198.51.100.9')!)).toBe(true);
    expect(networkContains(net, parseNetwork('198.51.100.128/25')!)).toBe(true);
    expect(networkContains(net, parseNetwork('198.51.0.0/16')!)).toBe(false);
    expect(networkContains(net, parseNetwork('2001:db8::1')!)).toBe(false);
  });
});

describe('IPv4-mapped and IPv4-compatible IPv6', () => {
  it.each([
    ['::ffff:203.0.113.7', '203.0.113.7', true],
    ['203.0.113.0/24', '::ffff:203.0.113.7', true],
    ['::ffff:203.0.113.0/120', '203.0.113.200', true],
    ['::203.0.113.0/120', '203.0.113.200', true],
    ['::ffff:0:0/96', '8.8.8.8', true],
    ['::/0', '8.8.8.8', true],
    ['2001:db8::/32', '8.8.8.8', false],
    ['::/127', '0.0.0.1', false],
  ])('a hold on %s covers %s: %s', (hold, ip, expected) => {
    expect(buildNetworkMatcher([parseNetwork(hold)!])(ip)).toBe(expected);
    expect(networkContains(parseNetwork(hold)!, parseNetwork(ip)!)).toBe(expected);
  });
});
