import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/cli.js';
import { buildHoldMatcher } from '../policy/holds.js';
import { openStore, writeMeta, type Db } from './db.js';
import { countExpired } from './expiry.js';
import { insertHold, readHolds } from './holds.js';
import { readFirewallEventsInWindows, readFirewallEventsSummary, readHttpAnalyticsSummary, readPulledZoneIds } from './inventory-queries.js';

const NOW = new Date('2025-03-01T00:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const DAY = 86_400;
const ZONE_A = 'a'.repeat(32);
const ZONE_B = 'b'.repeat(32);

let db: Db;
let cleanup = () => {};
beforeEach(() => {
  const temp = makeTempDir();
  db = openStore(join(temp.dir, 'luxeret.db'), { create: true });
  cleanup = () => {
    db.close();
    temp.cleanup();
  };
});
afterEach(() => cleanup());

let ray = 0;
function event(zone: string, ageSeconds: number, ip: string, country: string): void {
  db.prepare(`INSERT INTO firewall_events (zone_id, datetime, ray_name, client_ip, client_country, action, source) VALUES (?, ?, ?, ?, ?, 'block', 'waf')`).run(
    zone,
    NOW_S - ageSeconds,
    `ray${ray++}`,
    ip,
    country,
  );
}

function analytics(zone: string, ageHours: number, ip: string, country: string, requests: number): void {
  db.prepare('INSERT INTO http_analytics (zone_id, hour, client_ip, client_country, requests) VALUES (?, ?, ?, ?, ?)').run(
    zone,
    NOW_S - ageHours * 3600,
    ip,
    country,
    requests,
  );
}

describe('readFirewallEventsSummary', () => {
  it('counts rows, distinct IPs, countries and the time span, per zone or all', () => {
    event(ZONE_A, 10, '192.0.2.1', 'KR');
    event(ZONE_A, 20, '192.0.2.1', 'KR');
    event(ZONE_A, 30, '2001:db8::1', 'US');
    event(ZONE_B, 40 * DAY, '192.0.2.1', 'KR');
    event(ZONE_B, 50, '198.51.100.7', '');
    const all = readFirewallEventsSummary(db);
    expect(all.records).toBe(5);
    expect(all.distinctIps).toBe(3);
    expect(all.countries).toEqual(
      expect.arrayContaining([
        { code: 'KR', count: 3 },
        { code: 'US', count: 1 },
        { code: '', count: 1 },
      ]),
    );
    expect(all.oldest).toEqual(new Date((NOW_S - 40 * DAY) * 1000));
    expect(all.newest).toEqual(new Date((NOW_S - 10) * 1000));
    const a = readFirewallEventsSummary(db, { zoneId: ZONE_A });
    expect([a.records, a.distinctIps]).toEqual([3, 2]);
  });

  it('is zeros and no dates on an empty store', () => {
    expect(readFirewallEventsSummary(db)).toEqual({ records: 0, distinctIps: 0, countries: [], oldest: undefined, newest: undefined });
  });
});

describe('readHttpAnalyticsSummary', () => {
  it('counts rows, ignores country-only rows for distinct IPs, sums requests', () => {
    analytics(ZONE_A, 1, '192.0.2.1', 'KR', 10);
    analytics(ZONE_A, 2, '192.0.2.1', 'KR', 5);
    analytics(ZONE_A, 1, '', 'US', 100);
    analytics(ZONE_B, 1, '', 'KR', 7);
    const all = readHttpAnalyticsSummary(db);
    expect(all).toMatchObject({ records: 4, distinctIps: 1, requests: 122, countryOnlyRows: 2 });
    expect(readHttpAnalyticsSummary(db, { zoneId: ZONE_B })).toMatchObject({ records: 1, distinctIps: 0, requests: 7, countryOnlyRows: 1 });
  });
});

describe('readFirewallEventsInWindows', () => {
  it('counts only events inside each zone window, distinct IPs across zones', () => {
    event(ZONE_A, DAY, '192.0.2.1', 'KR'); // exactly at the edge of a 1-day window: still inside
    event(ZONE_A, DAY + 1, '192.0.2.2', 'KR'); // one second older: out
    event(ZONE_B, 10 * DAY, '192.0.2.1', 'US');
    event(ZONE_B, 40 * DAY, '192.0.2.3', 'US'); // out of a 31-day window
    const { summary, perZone } = readFirewallEventsInWindows(db, [
      { zoneId: ZONE_A, sinceSeconds: NOW_S - DAY },
      { zoneId: ZONE_B, sinceSeconds: NOW_S - 31 * DAY },
    ]);
    expect(summary.records).toBe(2);
    expect(summary.distinctIps).toBe(1);
    expect(perZone.get(ZONE_A)).toEqual({ records: 1, oldest: new Date((NOW_S - DAY) * 1000), newest: new Date((NOW_S - DAY) * 1000) });
    expect(perZone.get(ZONE_B)?.records).toBe(1);
  });

  it('counts nothing without slices, and gives empty spans to zones with no events', () => {
    event(ZONE_A, 10, '192.0.2.1', 'KR');
    expect(readFirewallEventsInWindows(db, []).summary.records).toBe(0);
    const { perZone } = readFirewallEventsInWindows(db, [{ zoneId: ZONE_B, sinceSeconds: 0 }]);
    expect(perZone.get(ZONE_B)).toEqual({ records: 0, oldest: undefined, newest: undefined });
  });
});

describe('readFirewallEventsInWindows with the whole-store summary at hand', () => {
  const slices = [
    { zoneId: ZONE_A, sinceSeconds: NOW_S - 31 * DAY },
    { zoneId: ZONE_B, sinceSeconds: NOW_S - DAY },
  ];

  it('reuses it when every event is inside a window, and the answer is the same', () => {
    event(ZONE_A, 10 * DAY, '192.0.2.1', 'KR');
    event(ZONE_B, 10, '2001:db8::1', 'US');
    let calls = 0;
    const readWhole = () => (calls++, readFirewallEventsSummary(db));
    const reused = readFirewallEventsInWindows(db, slices, { readWhole });
    expect(calls).toBe(1);
    expect(reused.summary).toEqual(readFirewallEventsInWindows(db, slices).summary);
  });

  it('computes the windows itself when some event is outside them', () => {
    event(ZONE_A, 10 * DAY, '192.0.2.1', 'KR');
    event(ZONE_B, 2 * DAY, '2001:db8::1', 'US');
    let calls = 0;
    const { summary } = readFirewallEventsInWindows(db, slices, { readWhole: () => (calls++, readFirewallEventsSummary(db)) });
    expect(calls).toBe(0);
    expect(summary.records).toBe(1);
  });

  it('compares against the zone in scope only', () => {
    event(ZONE_A, 10 * DAY, '192.0.2.1', 'KR');
    event(ZONE_B, 2 * DAY, '2001:db8::1', 'US');
    let calls = 0;
    const readWhole = () => (calls++, readFirewallEventsSummary(db, { zoneId: ZONE_A }));
    const { summary } = readFirewallEventsInWindows(db, [slices[0]!], { zoneId: ZONE_A, readWhole });
    expect(calls).toBe(1);
    expect(summary.records).toBe(1);
  });
});

describe('readPulledZoneIds', () => {
  it('lists zones from pull state and stored zone settings, once each', () => {
    db.prepare('INSERT INTO pull_state (zone_id, dataset, covered_from, covered_to, last_pull_at) VALUES (?, ?, 0, 1, 1)').run(ZONE_B, 'firewall_events');
    db.prepare('INSERT INTO pull_state (zone_id, dataset, covered_from, covered_to, last_pull_at) VALUES (?, ?, 0, 1, 1)').run(ZONE_B, 'http_analytics');
    writeMeta(db, `zone_settings:${ZONE_A}`, '{}');
    writeMeta(db, 'last_pull', 'x');
    expect(readPulledZoneIds(db)).toEqual([ZONE_A, ZONE_B]);
  });
});

describe('countExpired for one zone', () => {
  it('adds up over zones to exactly what countExpired (the purge count) says, holds included', () => {
    const cutoff = new Date((NOW_S - 30 * DAY) * 1000);
    for (const zone of [ZONE_A, ZONE_B]) {
      event(zone, 30 * DAY, '192.0.2.1', 'KR'); // at the cut-off: kept
      event(zone, 30 * DAY + 1, '192.0.2.1', 'KR'); // one second past: expired
      event(zone, 45 * DAY, '198.51.100.9', 'US'); // held below
      event(zone, 60 * DAY, '2001:db8::5', 'JP');
      analytics(zone, 31 * 24, '198.51.100.9', 'US', 3);
      analytics(zone, 31 * 24, '', 'US', 3);
    }
    insertHold(db, {
      id: 'h1',
      network: '198.51.100.0/24',
      country: undefined,
      from: undefined,
      to: undefined,
      until: undefined,
      releasedAt: undefined,
      reason: 'police request',
      reference: undefined,
      createdAt: NOW,
      createdBy: 'test',
    });
    const isHeld = buildHoldMatcher(readHolds(db), NOW);
    for (const location of ['local/firewall-events', 'local/http-analytics'] as const) {
      for (const predicate of [undefined, isHeld]) {
        const whole = countExpired(db, location, cutoff, predicate);
        const a = countExpired(db, location, cutoff, predicate, ZONE_A);
        const b = countExpired(db, location, cutoff, predicate, ZONE_B);
        expect({ expired: a.expired + b.expired, held: a.held + b.held }).toEqual({ expired: whole.expired, held: whole.held });
      }
    }
    expect(countExpired(db, 'local/firewall-events', cutoff, isHeld, ZONE_A)).toMatchObject({ expired: 2, held: 1 });
    expect(countExpired(db, 'local/http-analytics', cutoff, isHeld, ZONE_A)).toMatchObject({ expired: 1, held: 1 });
  });
});
