import { describe, expect, it } from 'vitest';
import { buildNetworkMatcher, networkContains, parseNetwork } from './network.js';

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
