import { describe, expect, it } from 'vitest';
import type { Db } from './db.js';
import { readAgeHistogram, readTopHosts } from './report-queries.js';
import { useTempStore } from '../../test/helpers/store.js';

const NOW = new Date('2025-03-01T00:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const DAY_S = 86_400;
const ZONE_A = '0123456789abcdef0123456789abcdef';
const ZONE_B = 'fedcba9876543210fedcba9876543210';

let db: Db;
useTempStore((opened) => (db = opened));

function insertEvent(zone: string, at: number, host: string, n: number): void {
  db.prepare(
    `INSERT INTO firewall_events (zone_id, datetime, ray_name, client_ip, client_country, action, source, host)
     VALUES (?, ?, ?, '198.51.100.1', 'KR', 'block', 'waf', ?)`,
  ).run(zone, at, `ray${n}`, host);
}

describe('readAgeHistogram', () => {
  it('counts records per whole day of age, everything older in the last bucket, future rows at age 0', () => {
    const ages = [0, DAY_S - 1, DAY_S, DAY_S + 1, 2 * DAY_S, 5 * DAY_S - 1, 5 * DAY_S, 40 * DAY_S, -3600];
    ages.forEach((age, i) => insertEvent(ZONE_A, NOW_S - age, 'a', i));
    expect(readAgeHistogram(db, 'local/firewall-events', NOW, 5)).toEqual([3, 2, 1, 0, 1, 2]);
  });

  it('filters by zone and reads request analytics by hour', () => {
    insertEvent(ZONE_A, NOW_S - 10, 'a', 1);
    insertEvent(ZONE_B, NOW_S - 10, 'a', 2);
    expect(readAgeHistogram(db, 'local/firewall-events', NOW, 2, { zoneId: ZONE_B })).toEqual([1, 0, 0]);
    db.prepare('INSERT INTO http_analytics (zone_id, hour, client_ip, client_country, requests) VALUES (?, ?, ?, ?, ?)').run(
      ZONE_A,
      NOW_S - 3 * DAY_S,
      '',
      'KR',
      5,
    );
    expect(readAgeHistogram(db, 'local/http-analytics', NOW, 2)).toEqual([0, 0, 1]);
  });

  it('is all zeros on an empty store', () => {
    expect(readAgeHistogram(db, 'local/http-analytics', NOW, 3)).toEqual([0, 0, 0, 0]);
  });
});

describe('readTopHosts', () => {
  it('lists hosts by count, then name, up to the limit, optionally for one zone', () => {
    let n = 0;
    for (const [zone, host, count] of [
      [ZONE_A, 'shop.luxeret.com', 3],
      [ZONE_A, '<script>alert(1)</script>', 2],
      [ZONE_B, 'b.luxeret.com', 2],
      [ZONE_A, '', 1],
    ] as const) {
      for (let i = 0; i < count; i++) insertEvent(zone, NOW_S - n, host, n++);
    }
    expect(readTopHosts(db, 3)).toEqual([
      { host: 'shop.luxeret.com', count: 3 },
      { host: '<script>alert(1)</script>', count: 2 },
      { host: 'b.luxeret.com', count: 2 },
    ]);
    expect(readTopHosts(db, 10, { zoneId: ZONE_B })).toEqual([{ host: 'b.luxeret.com', count: 2 }]);
  });
});
