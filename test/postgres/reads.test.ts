import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildHoldMatcher, type Hold, type HeldCandidate } from '../../src/policy/holds.js';
import { EVENTS_PURGED_BEFORE_KEY, writeObjectActivity } from '../../src/store/cloudflare-activity.js';
import { openStore } from '../../src/store/db.js';
import type { FirewallEventRecord } from '../../src/store/firewall-events.js';
import type { HttpAnalyticsRecord } from '../../src/store/http-analytics.js';
import type { StorePort } from '../../src/store/port.js';
import { createPgStorePort } from '../../src/store/postgres/adapter.js';
import type { PgStore } from '../../src/store/postgres/connection.js';
import { newStoreTarget } from '../helpers/store-kinds.js';
import { describePg, dropTestStore, openTestStore, policeHold } from './pg-test-store.js';

// The same rows written through both adapters; every read of the port must answer the same on both stores.

const ZONE_A = '023e105f4ecef8ad9ca31a8372d0c353';
const ZONE_B = 'ffffffffffffffffffffffffffffff01';
const ZONE_C = '0000000000000000000000000000000c'; // settings known, never pulled
const DAY = 86_400;
const HOUR = 3_600;
const NOW = new Date('2025-06-01T10:30:00Z');
const NOW_S = NOW.getTime() / 1000;

// 40 days of events, a few each day at odd times, plus one dated in the future (clock skew) and one exactly a day old.
function buildEvents(): FirewallEventRecord[] {
  const events: FirewallEventRecord[] = [];
  const hosts = ['b.example', 'a.example', 'B.example', 'Ä.example', 'a-b.example', '_x.example'];
  for (let i = 0; i < 400; i++) {
    const zoneId = i % 3 === 0 ? ZONE_B : ZONE_A;
    events.push({
      zoneId,
      datetime: NOW_S - Math.floor((i * 40 * DAY) / 400) - ((i * 7_919) % 3_000),
      rayName: `ray${i}`,
      clientIp: i % 17 === 0 ? '' : i % 5 === 0 ? `2001:db8::${i % 7}` : `192.0.2.${i % 23}`,
      clientCountry: ['KR', 'US', 'DE', 'T1', 'a1', ''][i % 6]!,
      clientAsn: '4766',
      action: i % 4 === 0 ? 'challenge' : 'block',
      source: i % 2 === 0 ? 'waf' : 'firewallrules',
      ruleId: `r${i % 3}`,
      host: hosts[i % hosts.length]!,
      sampleInterval: 1,
      extra: null,
    });
  }
  const extra = (datetime: number, rayName: string): FirewallEventRecord => ({ ...events[1]!, datetime, rayName });
  events.push(extra(NOW_S + 2 * HOUR, 'future'), extra(NOW_S - DAY, 'one-day'), extra(NOW_S - 40 * DAY, 'forty-days'));
  // Address texts a hold matcher reads as a held IPv4 address although they do not start with its octets (white
  // space is trimmed; IPv4 inside IPv6), and near misses: the store's shortcut past the matcher must not skip any.
  const odd = [' 192.0.2.5', '192.0.2.6 ', '\u00a0192.0.2.7', '::ffff:192.0.2.8', '::FFFF:c000:209', '::c000:20a', '0:0:0:0:0:ffff:c000:20b'];
  odd.push('192.0.2.50', '010.0.2.1', '192.0.2.011', '1.2.3.4', '2001:db8::7', '  ', 'not-an-ip', '198.51.100.3');
  odd.forEach((clientIp, i) => events.push({ ...events[1]!, clientIp, datetime: NOW_S - (25 + i) * DAY - 7 * i, rayName: `odd${i}` }));
  return events;
}

function buildAnalytics(): HttpAnalyticsRecord[] {
  const rows: HttpAnalyticsRecord[] = [];
  const firstHour = Math.floor(NOW_S / HOUR) * HOUR;
  for (let i = 0; i < 300; i++) {
    rows.push({
      zoneId: i % 4 === 0 ? ZONE_B : ZONE_A,
      hour: firstHour - (i % 150) * 5 * HOUR,
      clientIp: i % 3 === 0 ? '' : `198.51.100.${i % 11}`,
      clientCountry: ['KR', 'JP', 'US', ''][i % 4]!,
      requests: (i * 37) % 1_000,
    });
  }
  return rows;
}

const HOLDS: Hold[] = [
  policeHold({ id: 'h-net', network: '192.0.2.0/28' }),
  policeHold({ id: 'h-country', network: '::/0', country: 'kr', from: new Date((NOW_S - 30 * DAY) * 1000), to: new Date((NOW_S - 10 * DAY) * 1000) }),
  policeHold({ id: 'h-v6', network: '2001:db8::/125', until: new Date(NOW.getTime() + DAY * 1000) }),
  policeHold({ id: 'h-gone', network: '198.51.100.0/24', releasedAt: new Date('2025-05-01T00:00:00Z') }),
  policeHold({ id: 'h-hour', network: '198.51.100.3/32', from: new Date((NOW_S - 20 * DAY + 1_800) * 1000) }),
];

describePg('store port reads: SQLite and PostgreSQL answer the same', () => {
  let home: string;
  let sqlite: StorePort;
  let pgStore: PgStore;
  let postgres: StorePort;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'luxeret-'));
    openStore(join(home, 'luxeret.db'), { create: true }).close();
    sqlite = await newStoreTarget('sqlite').openPort(home);
    pgStore = await openTestStore();
    postgres = createPgStorePort(pgStore);
    const events = buildEvents();
    const analytics = buildAnalytics();
    for (const port of [sqlite, postgres]) {
      // Two batches, the second overlapping the first: duplicates are skipped alike.
      await port.transaction(async (tx) => {
        await tx.insertFirewallEvents(events.slice(0, 250));
        await tx.upsertHttpAnalytics(analytics.slice(0, 200));
      });
      await port.insertFirewallEvents(events.slice(200));
      await port.upsertHttpAnalytics(analytics.slice(150));
      await port.writePullState({ zoneId: ZONE_A, dataset: 'firewall_events', coveredFrom: 1, coveredTo: 2, lastPullAt: 3, settledTo: 2 });
      await port.writeMeta(`zone_settings:${ZONE_C}`, '{}');
      await port.writeMeta(`zone_settings:${ZONE_B}`, '{}');
    }
  });
  afterAll(async () => {
    await sqlite.close();
    await dropTestStore(pgStore); // closes the pool behind `postgres` too
    rmSync(home, { recursive: true, force: true });
  });

  const same = async <T>(read: (port: StorePort) => Promise<T>): Promise<T> => {
    const expected = await read(sqlite);
    expect(await read(postgres)).toEqual(expected);
    return expected;
  };

  it('counts, the newest event, keys and analytics rows', async () => {
    expect(await same((port) => port.countFirewallEvents())).toBe(418);
    await same((port) => port.countFirewallEvents(ZONE_B));
    await same((port) => port.countFirewallEvents('00000000000000000000000000000000'));
    await same((port) => port.readNewestEventTime());
    for (const zone of [ZONE_A, ZONE_B]) {
      await same(async (port) => (await port.listFirewallEventKeys(zone)).sort());
      await same((port) => port.listHttpAnalytics(zone));
    }
    await same((port) => port.countLocationRows('local/firewall-events'));
    await same((port) => port.countLocationRows('local/http-analytics'));
  });

  it.each([
    ['no hold', undefined],
    ['holds', buildHoldMatcher(HOLDS, NOW)],
    // Without the ::/0 hold (which makes every address a candidate): IPv6 and IPv4 networks, then IPv4 only.
    [
      'holds on some networks',
      buildHoldMatcher(
        HOLDS.filter((hold) => hold.id !== 'h-country'),
        NOW,
      ),
    ],
    [
      'IPv4 holds only',
      buildHoldMatcher(
        HOLDS.filter((hold) => hold.id === 'h-net' || hold.id === 'h-hour'),
        NOW,
      ),
    ],
    ['a predicate naming no networks', (candidate: HeldCandidate) => buildHoldMatcher(HOLDS, NOW)(candidate)],
  ])('counts expired rows with %s, at and around day boundaries, for all zones and one', async (_, isHeld) => {
    const cutoffs = [0, 1, 9.5, 10, 20, 39.99, 41].map((days) => new Date(NOW.getTime() - days * DAY * 1000));
    cutoffs.push(new Date(Date.UTC(2025, 4, 20)), new Date(Date.UTC(2025, 4, 20) + 1), new Date(Date.UTC(2025, 4, 20) - 1));
    for (const cutoff of cutoffs) {
      for (const zone of [undefined, ZONE_A, ZONE_B]) {
        await same((port) => port.countExpired('local/firewall-events', cutoff, isHeld, zone));
        await same((port) => port.countExpired('local/http-analytics', cutoff, isHeld, zone));
      }
    }
    const counts = await same((port) => port.countExpired('local/firewall-events', new Date(NOW.getTime() - 10 * DAY * 1000), isHeld));
    expect(counts.expired).toBeGreaterThan(0);
    if (isHeld) expect(counts.held).toBeGreaterThan(0);
  });

  it('summaries of both datasets, for all zones and one', async () => {
    for (const filter of [undefined, {}, { zoneId: ZONE_A }, { zoneId: ZONE_C }]) {
      const events = await same((port) => port.readFirewallEventsSummary(filter));
      await same((port) => port.readHttpAnalyticsSummary(filter));
      if (filter?.zoneId !== ZONE_C) expect(events.records).toBeGreaterThan(0);
    }
  });

  it('rows inside Cloudflare windows, per zone and together, with and without the whole-store shortcut', async () => {
    const windows = [
      [],
      [{ zoneId: ZONE_A, sinceSeconds: NOW_S - 7 * DAY }],
      [
        { zoneId: ZONE_A, sinceSeconds: NOW_S - 3 * DAY - 17 },
        { zoneId: ZONE_B, sinceSeconds: NOW_S - 20 * DAY },
        { zoneId: ZONE_C, sinceSeconds: NOW_S - 20 * DAY },
      ],
      [
        { zoneId: ZONE_A, sinceSeconds: 0 },
        { zoneId: ZONE_B, sinceSeconds: 0 },
      ],
      [{ zoneId: ZONE_A, sinceSeconds: NOW_S + DAY }],
    ];
    for (const slices of windows) {
      for (const table of ['firewall_events', 'http_analytics'] as const) {
        for (const zoneId of [undefined, ZONE_A]) {
          const zoneSlices = zoneId === undefined ? slices : slices.filter((slice) => slice.zoneId === zoneId);
          const read = async (port: StorePort) => {
            const { summary, perZone } = await port.readEventsInWindows(zoneSlices, {
              zoneId,
              table,
              readWhole: () => (table === 'firewall_events' ? port.readFirewallEventsSummary({ zoneId }) : port.readHttpAnalyticsSummary({ zoneId })),
            });
            const { perZone: plainPerZone, summary: plain } = await port.readEventsInWindows(zoneSlices, { zoneId, table });
            expect(plainPerZone).toEqual(perZone);
            return { summary: pickSummary(summary), plain, perZone: [...perZone] };
          };
          await same(read);
        }
      }
    }
  });

  it('the evidence the purpose rule judges Cloudflare objects by', async () => {
    const activity = { objectId: 'rule-1', kind: 'access_rule' as const, lastSeenAt: undefined, evidenceFrom: new Date(1e12), foldedTo: new Date(1.1e12) };
    const db = openStore(join(home, 'luxeret.db'));
    writeObjectActivity(db, [activity, { ...activity, objectId: 'item-1', kind: 'list_item', lastSeenAt: new Date(1.05e12) }], NOW);
    db.close();
    await pgStore.pool.query(
      `INSERT INTO cloudflare_object_activity (object_id, kind, last_seen_at, evidence_from, folded_to, updated_at)
       VALUES ('rule-1', 'access_rule', NULL, 1000000000, 1100000000, 0), ('item-1', 'list_item', 1050000000, 1000000000, 1100000000, 0)`,
    );
    await sqlite.writeMeta(EVENTS_PURGED_BEFORE_KEY, String(NOW_S - 45 * DAY));
    await postgres.writeMeta(EVENTS_PURGED_BEFORE_KEY, String(NOW_S - 45 * DAY));
    const evidence = await same(async (port) => {
      const { activity: stored, eventGroups, zones } = await port.readCloudflareEvidence();
      const key = (g: { zoneId: string; clientIp: string; ruleId: string }) => `${g.zoneId}|${g.clientIp}|${g.ruleId}`;
      return { activity: [...stored].sort(), eventGroups: [...eventGroups].sort((a, b) => (key(a) < key(b) ? -1 : 1)), zones: [...zones] };
    });
    expect(evidence.activity).toHaveLength(2);
    expect(evidence.eventGroups.length).toBeGreaterThan(10);
    expect(evidence.zones).toHaveLength(1);
  });

  it('pulled zones, the age histogram and the top hosts', async () => {
    expect(await same((port) => port.readPulledZoneIds())).toEqual([ZONE_C, ZONE_A, ZONE_B]);
    for (const filter of [undefined, { zoneId: ZONE_B }]) {
      for (const days of [1, 7, 60]) {
        for (const now of [NOW, new Date(Date.UTC(2025, 5, 1)), new Date(NOW.getTime() - 5 * DAY * 1000 + 1)]) {
          const counts = await same((port) => port.readAgeHistogram('local/firewall-events', now, days, filter));
          await same((port) => port.readAgeHistogram('local/http-analytics', now, days, filter));
          expect(counts.reduce((a, b) => a + b, 0)).toBe(await sqlite.countFirewallEvents(filter?.zoneId));
        }
      }
      for (const limit of [1, 3, 10]) await same((port) => port.readTopHosts(limit, filter));
    }
  });
});

/** readWhole's answer for http analytics carries requests too; the windows' answer is the dataset summary only. */
function pickSummary({
  records,
  distinctIps,
  countries,
  oldest,
  newest,
}: {
  records: number;
  distinctIps: number;
  countries: readonly unknown[];
  oldest?: Date;
  newest?: Date;
}) {
  return { records, distinctIps, countries, oldest, newest };
}
