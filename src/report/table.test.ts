import { describe, expect, it } from 'vitest';
import { hostileInventory } from '../../test/helpers/inventory-fixture.js';
import { formatCount, formatCountries, renderInventoryTable, sanitiseCell } from './table.js';

describe('renderInventoryTable', () => {
  it('shows one row per location, countries abbreviated, notes below, control characters escaped', () => {
    expect(renderInventoryTable(hostileInventory())).toMatchInlineSnapshot(`
      "Inventory of visitor IPs and countries held, as of 2025-03-01T00:00:00Z
      ┌──────────────────────────────────────┬─────────┬──────────────┬────────────────────────────────┬──────────────────┬──────────────────┬────────────────┬──────┬────────────────┬──────────────────┐
      │ Location                             │ Records │ Distinct IPs │ Countries                      │ Oldest (UTC)     │ Newest (UTC)     │ Past retention │ Held │ Controlled by  │ Expires (UTC)    │
      ├──────────────────────────────────────┼─────────┼──────────────┼────────────────────────────────┼──────────────────┼──────────────────┼────────────────┼──────┼────────────────┼──────────────────┤
      │ local/firewall-events                │   1,200 │          310 │ KR 700, US 300, JP 100, … (+4) │ 2025-01-02 03:04 │ 2025-02-28 23:59 │             40 │    2 │ us, 30d        │ -                │
      ├──────────────────────────────────────┼─────────┼──────────────┼────────────────────────────────┼──────────────────┼──────────────────┼────────────────┼──────┼────────────────┼──────────────────┤
      │ local/http-analytics                 │       0 │            0 │ -                              │ -                │ -                │              0 │    0 │ us, 30d        │ -                │
      ├──────────────────────────────────────┼─────────┼──────────────┼────────────────────────────────┼──────────────────┼──────────────────┼────────────────┼──────┼────────────────┼──────────────────┤
      │ cloudflare/firewall-events           │      90 │           12 │ +1 60, @x 30                   │ 2025-02-28 00:00 │ 2025-02-28 12:00 │              0 │    0 │ Cloudflare, 1d │ 2025-03-01 12:00 │
      ├──────────────────────────────────────┼─────────┼──────────────┼────────────────────────────────┼──────────────────┼──────────────────┼────────────────┼──────┼────────────────┼──────────────────┤
      │ cloudflare/lockdowns (not available) │       0 │            0 │ -                              │ -                │ -                │              0 │    0 │ Cloudflare     │ -                │
      └──────────────────────────────────────┴─────────┴──────────────┴────────────────────────────────┴──────────────────┴──────────────────┴────────────────┴──────┴────────────────┴──────────────────┘
      Notes:
        local/firewall-events: =cmd|' /C calc'!A0
        local/firewall-events: a "quoted", comma\\u000aand a newline
        local/firewall-events: <script>alert(1)</script>
        local/firewall-events: \\u001b[31mred\\u001b[0m
        cloudflare/firewall-events: -1 zone "shop, main": kept by Cloudflare for 1 day; not deletable through the API
        cloudflare/lockdowns: not available on this plan
      "
    `);
  });

  it('never lets an escape sequence through to the terminal', () => {
    expect(renderInventoryTable(hostileInventory())).not.toContain('\u001b');
  });

  it('colours the header only when asked', () => {
    expect(renderInventoryTable(hostileInventory(), { color: true })).toContain('\u001b[36m');
  });
});

describe('formatCountries', () => {
  const countries = [
    { code: 'KR', count: 120 },
    { code: 'US', count: 30 },
    { code: 'JP', count: 2 },
  ];
  it.each([
    [3, 'KR 120, US 30, JP 2'],
    [2, 'KR 120, US 30, … (+1)'],
    [1, 'KR 120, … (+2)'],
  ])('max %i → %s', (max, expected) => {
    expect(formatCountries(countries, max)).toBe(expected);
  });
  it('shows a dash when there are none', () => {
    expect(formatCountries([], 5)).toBe('-');
  });
});

describe('sanitiseCell', () => {
  it('escapes C0 and C1 control characters', () => {
    expect(sanitiseCell('a\u001b[2Jb\u0007\u009bc')).toBe('a\\u001b[2Jb\\u0007\\u009bc');
  });
});

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
  ])('%i → %s', (count, expected) => {
    expect(formatCount(count)).toBe(expected);
  });
});
