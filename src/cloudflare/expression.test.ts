import { describe, expect, it } from 'vitest';
import { parseExpression, parseNetworkOrRange } from './expression.js';

const nets = (expression: string) => parseExpression(expression).networks.map((n) => `${n.negated ? '!' : ''}${n.text}`);
const countries = (expression: string) => parseExpression(expression).countries.map((c) => `${c.negated ? '!' : ''}${c.code}`);

describe('parseExpression', () => {
  it.each([
    ['(ip.src in {203.0.113.7 198.51.100.0/24 2001:db8::/64}) or (ip.src.country in {"RU" "KP"})', ['203.0.113.7', '198.51.100.0/24', '2001:db8::/64']],
    ['ip.src eq 203.0.113.9', ['203.0.113.9']],
    ['ip.src == 203.0.113.9', ['203.0.113.9']],
    ['ip.src==203.0.113.9&&http.host eq "a.example"', ['203.0.113.9']],
    ['not ip.src in {10.0.0.0/8}', ['!10.0.0.0/8']],
    ['!(ip.src in {10.0.0.1 10.0.0.2}) and http.request.uri.path eq "/admin"', ['!10.0.0.1', '!10.0.0.2']],
    ['not (not ip.src in {10.0.0.1})', ['10.0.0.1']],
    ['ip.src ne 192.0.2.1', ['!192.0.2.1']],
    ['ip.src != 192.0.2.1', ['!192.0.2.1']],
    ['(http.host eq "a") and not (ip.src in {192.0.2.1} or ip.src eq 192.0.2.2) or ip.src eq 192.0.2.3', ['!192.0.2.1', '!192.0.2.2', '192.0.2.3']],
    ['ip.src in {2001:DB8::1 ::ffff:192.0.2.1}', ['2001:DB8::1', '::ffff:192.0.2.1']],
    ['ip.src in {\n  203.0.113.1\n\t203.0.113.2 }', ['203.0.113.1', '203.0.113.2']],
    ['ip.src in {10.0.0.1..10.0.0.9}', ['10.0.0.1..10.0.0.9']],
    // Strings that look like field comparisons are not fields.
    ['http.request.uri.query contains "ip.src eq 1.2.3.4"', []],
    ['http.user_agent eq r#"ip.src in {1.1.1.1}"#', []],
    ['cf.edge.server_ip in {198.51.100.1}', []],
    ['ip.src in $blocked_ips', []],
    ['ip.src in {"203.0.113.1", 203.0.113.2}', ['203.0.113.1', '203.0.113.2']],
    ['(ip.src.asnum in {64500}) or ip.src in {203.0.113.3}and ip.src.country eq "RU"', ['203.0.113.3']],
    ['not http.host eq "a" and ip.src eq 203.0.113.4', ['203.0.113.4']],
    ['not (http.host eq "a") and ip.src eq 203.0.113.4', ['203.0.113.4']],
  ])('%s', (expression, expected) => {
    expect(nets(expression)).toEqual(expected);
  });

  it.each([
    ['ip.src.country in {"RU" "KP"}', ['RU', 'KP']],
    ['ip.geoip.country eq "RU"', ['RU']],
    ['ip.src.country == "ru"', ['RU']],
    ['not ip.geoip.country in {"DE" "FR"}', ['!DE', '!FR']],
    ['ip.src.country ne "US"', ['!US']],
    ['http.host eq "RU"', []],
  ])('countries: %s', (expression, expected) => {
    expect(countries(expression)).toEqual(expected);
  });

  it('notes list references, managed lists included, with negation', () => {
    const parsed = parseExpression('ip.src in $blocked_ips or not ip.src in $cf.open_proxies');
    expect(parsed.lists).toEqual([
      { name: 'blocked_ips', negated: false },
      { name: 'cf.open_proxies', negated: true },
    ]);
  });

  it('reports literals next to ip.src that are not networks', () => {
    expect(parseExpression('ip.src in {203.0.113.7 999.1.1.1 10.0.0.0/33}').problems).toEqual(['999.1.1.1', '10.0.0.0/33']);
  });

  it('canonicalises the networks it finds', () => {
    const [first] = parseExpression('ip.src in {198.51.100.77/24}').networks;
    expect(first?.networks.map((n) => n.text)).toEqual(['198.51.100.0/24']);
  });

  it('copes with unbalanced input', () => {
    expect(nets('((ip.src in {1.2.3.4')).toEqual(['1.2.3.4']);
    expect(nets('ip.src')).toEqual([]);
    expect(nets('ip.src in')).toEqual([]);
    expect(nets('')).toEqual([]);
  });
});

describe('parseNetworkOrRange', () => {
  it.each([
    ['10.0.0.0..10.0.0.255', ['10.0.0.0/24']],
    ['10.0.0.1..10.0.0.9', ['10.0.0.1', '10.0.0.2/31', '10.0.0.4/30', '10.0.0.8/31']],
    ['2001:db8::..2001:db8::ffff', ['2001:db8::/112']],
    ['10.0.0.9..10.0.0.1', undefined],
    ['10.0.0.1..2001:db8::1', undefined],
    ['0.0.0.0..255.255.255.255', ['0.0.0.0/0']],
  ])('%s', (text, expected) => {
    expect(parseNetworkOrRange(text)?.map((n) => n.text)).toEqual(expected);
  });
});
