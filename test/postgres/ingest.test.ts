import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FirewallEventRecord } from '../../src/store/firewall-events.js';
import { withTransaction, type PgStore } from '../../src/store/postgres/connection.js';
import { insertFirewallEvents, upsertHttpAnalytics } from '../../src/store/postgres/ingest.js';
import { createPartitionsAhead, listDayPartitions } from '../../src/store/postgres/partitions.js';
import { describePg, dropTestStore, openSecondHost, openTestStore } from './pg-test-store.js';

const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';
const DAY = 86_400;
const T0 = Date.UTC(2025, 2, 1) / 1000;

function event(i: number, overrides: Partial<FirewallEventRecord> = {}): FirewallEventRecord {
  return {
    zoneId: ZONE,
    datetime: T0 + i * 60,
    rayName: `ray${i}`,
    clientIp: `192.0.2.${i % 250}`,
    clientCountry: i % 2 === 0 ? 'KR' : 'US',
    clientAsn: '4766',
    action: 'block',
    source: 'waf',
    ruleId: 'r1',
    host: 'luxeret.com',
    sampleInterval: 1,
    extra: i === 0 ? 'tab\there, newline\nthere, back\\slash' : null,
    ...overrides,
  };
}

describePg('PostgreSQL ingest', () => {
  let store: PgStore;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(async () => dropTestStore(store));

  const countRows = async (table: string) => (await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  const countedRows = async (dataset: string) =>
    (await store.pool.query<{ n: number }>(`SELECT coalesce(sum(rows), 0)::int AS n FROM row_counts WHERE dataset = $1`, [dataset])).rows[0]!.n;

  it('stores events into day partitions, skips re-pulled ones, and keeps row_counts exact', async () => {
    // 3,000 events one minute apart: a little over two days.
    const rows = Array.from({ length: 3_000 }, (_, i) => event(i));
    expect(await withTransaction(store, (tx) => insertFirewallEvents(tx, store.schema, rows.slice(0, 2_000)))).toEqual({ inserted: 2_000, duplicates: 0 });
    expect(await withTransaction(store, (tx) => insertFirewallEvents(tx, store.schema, rows))).toEqual({ inserted: 1_000, duplicates: 2_000 });
    expect(await countRows('firewall_events')).toBe(3_000);
    expect(await countedRows('firewall_events')).toBe(3_000);
    const partitions = await withTransaction(store, (tx) => listDayPartitions(tx, 'firewall_events'));
    expect(partitions.map((p) => p.name)).toEqual(['firewall_events_p20250301', 'firewall_events_p20250302', 'firewall_events_p20250303']);
    const { rows: perDay } = await store.pool.query<{ day: string; rows: string }>(
      `SELECT day::text, sum(rows)::text AS rows FROM row_counts WHERE dataset = 'firewall_events' GROUP BY day ORDER BY day`,
    );
    expect(perDay.map((r) => Number(r.rows))).toEqual([1_440, 1_440, 120]);
    const { rows: stored } = await store.pool.query<{ extra: string }>(`SELECT extra FROM firewall_events WHERE ray_name = 'ray0'`);
    expect(stored[0]!.extra).toBe('tab\there, newline\nthere, back\\slash');
  });

  it('stores an event repeated within a page once, whether the page is new or overlaps what is held', async () => {
    const fresh = [event(0), event(1), event(1), event(2)];
    expect(await withTransaction(store, (tx) => insertFirewallEvents(tx, store.schema, fresh))).toEqual({ inserted: 3, duplicates: 1 });
    const overlapping = [event(2), event(3), event(3), event(4)];
    expect(await withTransaction(store, (tx) => insertFirewallEvents(tx, store.schema, overlapping))).toEqual({ inserted: 2, duplicates: 2 });
    expect(await countRows('firewall_events')).toBe(5);
    expect(await countedRows('firewall_events')).toBe(5);
  });

  it('creates partitions ahead of the pull, once', async () => {
    expect(await createPartitionsAhead(store, 'firewall_events', T0, T0 + DAY)).toEqual(['firewall_events_p20250301', 'firewall_events_p20250302']);
    expect(await createPartitionsAhead(store, 'firewall_events', T0, T0 + 2 * DAY)).toEqual(['firewall_events_p20250303']);
  });

  it('two hosts pulling the same zone at once never duplicate or skip a row', async () => {
    const other = openSecondHost(store);
    try {
      const rows = Array.from({ length: 6_000 }, (_, i) => event(i));
      // Overlapping, differently cut batches from both hosts, written concurrently; the partitions do not exist yet.
      const hostA = async () => {
        let inserted = 0;
        for (let i = 0; i < 6_000; i += 1_000)
          inserted += (await withTransaction(store, (tx) => insertFirewallEvents(tx, store.schema, rows.slice(i, i + 1_500)))).inserted;
        return inserted;
      };
      const hostB = async () => {
        let inserted = 0;
        for (let i = 6_000; i > 0; i -= 700) {
          inserted += (await withTransaction(other, (tx) => insertFirewallEvents(tx, other.schema, rows.slice(Math.max(0, i - 1_000), i)))).inserted;
        }
        return inserted;
      };
      const [a, b] = await Promise.all([hostA(), hostB()]);
      expect(a + b).toBe(6_000);
      expect(await countRows('firewall_events')).toBe(6_000);
      expect(await countedRows('firewall_events')).toBe(6_000);
      const { rows: keys } = await store.pool.query<{ n: number }>(`SELECT count(DISTINCT ray_name)::int AS n FROM firewall_events`);
      expect(keys[0]!.n).toBe(6_000);
    } finally {
      await other.close();
    }
  });

  it('upserts request analytics like the SQLite writer: new groups inserted, changed counts overwritten', async () => {
    const hour = T0;
    const first = [
      { zoneId: ZONE, hour, clientIp: '192.0.2.1', clientCountry: 'KR', requests: 5 },
      { zoneId: ZONE, hour, clientIp: '', clientCountry: 'US', requests: 7 },
    ];
    expect(await withTransaction(store, (tx) => upsertHttpAnalytics(tx, store.schema, first))).toEqual({ inserted: 2, updated: 0, changed: 0 });
    const second = [
      { zoneId: ZONE, hour, clientIp: '192.0.2.1', clientCountry: 'KR', requests: 6 },
      { zoneId: ZONE, hour, clientIp: '', clientCountry: 'US', requests: 7 },
      { zoneId: ZONE, hour: hour + 3_600, clientIp: '', clientCountry: 'US', requests: 1 },
    ];
    expect(await withTransaction(store, (tx) => upsertHttpAnalytics(tx, store.schema, second))).toEqual({ inserted: 1, updated: 2, changed: 1 });
    const { rows } = await store.pool.query<{ requests: string }>(`SELECT requests::text FROM http_analytics ORDER BY hour, client_ip`);
    expect(rows.map((r) => Number(r.requests))).toEqual([7, 6, 1]);
    expect(await countedRows('http_analytics')).toBe(3);
  });
});
