import { describe, expect, it } from 'vitest';
import { isPublishable, selectPublishableCells } from './suppress.js';

describe('isPublishable (min_count 10)', () => {
  it.each([
    [{ count: 10, distinctIps: 10, ipRows: 10 }, true],
    [{ count: 9, distinctIps: 9, ipRows: 9 }, false],
    [{ count: 11, distinctIps: 11, ipRows: 11 }, true],
    // One visitor's behaviour: many events, one IP.
    [{ count: 50, distinctIps: 1, ipRows: 50 }, false],
    [{ count: 500, distinctIps: 9, ipRows: 500 }, false],
    [{ count: 500, distinctIps: 10, ipRows: 500 }, true],
    // Country-only analytics: visitors unknown, so the request count alone decides.
    [{ count: 10, distinctIps: 0, ipRows: 0 }, true],
    [{ count: 9, distinctIps: 0, ipRows: 0 }, false],
    // Some rows with IPs: the known ones must reach min_count too.
    [{ count: 100, distinctIps: 3, ipRows: 3 }, false],
  ])('%j → %s', (cell, expected) => {
    expect(isPublishable(cell, 10)).toBe(expected);
  });
});

describe('selectPublishableCells', () => {
  it('keeps publishable cells (distinct IPs null where unknown) and counts the rest', () => {
    const cells = [
      { zoneId: 'z', day: 0, country: 'KR', count: 30, distinctIps: 12, rows: 30, ipRows: 30 },
      { zoneId: 'z', day: 0, country: 'CN', count: 50, distinctIps: 1, rows: 50, ipRows: 50 },
      { zoneId: 'z', day: 0, country: 'JP', count: 40, distinctIps: 0, rows: 4, ipRows: 0 },
      { zoneId: 'z', day: 0, country: '', count: 2, distinctIps: 2, rows: 2, ipRows: 2 },
      { zoneId: 'z', day: 0, country: 'US', count: 90, distinctIps: 12, rows: 30, ipRows: 20 },
    ];
    expect(selectPublishableCells('http_analytics', cells, 10)).toEqual({
      kept: [
        { dataset: 'http_analytics', day: 0, zoneId: 'z', country: 'KR', count: 30, distinctIps: 12 },
        { dataset: 'http_analytics', day: 0, zoneId: 'z', country: 'JP', count: 40, distinctIps: null },
        { dataset: 'http_analytics', day: 0, zoneId: 'z', country: 'US', count: 90, distinctIps: null },
      ],
      suppressed: 2,
    });
  });

  it('keeps nothing from an empty day', () => {
    expect(selectPublishableCells('firewall_events', [], 10)).toEqual({ kept: [], suppressed: 0 });
  });
});
