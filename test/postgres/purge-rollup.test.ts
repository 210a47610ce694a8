import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { LocalLocation } from '../../src/policy/retention.js';
import type { RollUpResult } from '../../src/stats/rollup.js';
import { openStore } from '../../src/store/db.js';
import type { FirewallEventRecord } from '../../src/store/firewall-events.js';
import type { HttpAnalyticsRecord } from '../../src/store/http-analytics.js';
import type { StorePort } from '../../src/store/port.js';
import { createPgStorePort } from '../../src/store/postgres/adapter.js';
import type { PgStore } from '../../src/store/postgres/connection.js';
import { createSqliteStorePort } from '../../src/store/sqlite/adapter.js';
import { queryStore } from '../helpers/store.js';
import { describePg, dropTestStore, firewallEvent, openTestStore } from './pg-test-store.js';

const ZONE_A = '023e105f4ecef8ad9ca31a8372d0c353';
const ZONE_B = '9a7806061c88ada191ed06f989cc3dac';
const T0 = Date.UTC(2025, 2, 1) / 1000;
const HOUR = 3_600;
// Cut-off on the third day at 06:00: days 1 and 2 are past whole, day 3 only for zone A (zone B starts at 12:00).
const CUTOFF = new Date((T0 + 2 * 86_400 + 6 * HOUR) * 1000);

/** Three days of events in two zones and three countries, some sampled, with few IPs in some cells (suppressed). */
function events(): FirewallEventRecord[] {
  const rows: FirewallEventRecord[] = [];
  for (let h = 0; h < 72; h++) {
    for (let i = 0; i < 4; i++) {
      rows.push({
        ...firewallEvent({
          zoneId: ZONE_A,
          datetime: T0 + h * HOUR + i,
          rayName: `a${h}-${i}`,
          clientIp: `192.0.2.${(h * 4 + i) % 50}`,
          clientCountry: ['KR', 'US', 'DE'][i % 3]!,
        }),
        sampleInterval: i === 3 ? 10 : 1,
      });
    }
    if (h % 24 >= 12)
      rows.push(firewallEvent({ zoneId: ZONE_B, datetime: T0 + h * HOUR, rayName: `b${h}`, clientIp: `198.51.100.${h % 3}`, clientCountry: 'JP' }));
  }
  return rows;
}

/** Hourly analytics: per-IP rows in zone A, country-only rows ('' IP) in zone B. */
function analytics(): HttpAnalyticsRecord[] {
  const rows: HttpAnalyticsRecord[] = [];
  for (let h = 0; h < 72; h++) {
    rows.push({ zoneId: ZONE_A, hour: T0 + h * HOUR, clientIp: `203.0.113.${h % 7}`, clientCountry: 'KR', requests: 3 + (h % 5) });
    rows.push({ zoneId: ZONE_B, hour: T0 + h * HOUR, clientIp: '', clientCountry: 'US', requests: 11 });
  }
  return rows;
}

async function purgeWithRollUp(store: StorePort, location: LocalLocation['id']): Promise<RollUpResult> {
  return store.transaction(async (tx) => {
    const rollUp = await tx.rollUpBeforePurge({ minCount: 5, now: new Date((T0 + 40 * 86_400) * 1000) }, location, CUTOFF);
    await tx.deleteExpired(location, CUTOFF, undefined);
    return rollUp.finish();
  });
}

const STATS_SQL = 'SELECT dataset, day, zone_id, country, count, distinct_ips FROM stats_daily ORDER BY dataset, day, zone_id, country';
const MARKERS_SQL = 'SELECT dataset, day, zone_id, rolled_up_for, cells, suppressed_cells FROM stats_rollups ORDER BY dataset, day, zone_id';
const asNumbers = (rows: Record<string, unknown>[]) =>
  rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v])));

describePg('the statistics roll-up before a purge: the same on PostgreSQL as on SQLite', () => {
  let dir: string;
  let sqlite: StorePort;
  let pgStore: PgStore;
  let postgres: StorePort;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'luxeret-'));
    sqlite = createSqliteStorePort(openStore(join(dir, 'luxeret.db'), { create: true }), { path: join(dir, 'luxeret.db'), lockPath: join(dir, 'lock') });
    pgStore = await openTestStore();
    postgres = createPgStorePort(pgStore);
    for (const store of [sqlite, postgres]) {
      await store.insertFirewallEvents(events());
      await store.upsertHttpAnalytics(analytics());
    }
  });
  afterEach(async () => {
    await sqlite.close();
    await dropTestStore(pgStore);
    rmSync(dir, { recursive: true, force: true });
  });

  it('rolls up the same units and cells with the same suppression, once, in the purge transaction', async () => {
    for (const location of ['local/firewall-events', 'local/http-analytics'] as const) {
      const onSqlite = await purgeWithRollUp(sqlite, location);
      const onPostgres = await purgeWithRollUp(postgres, location);
      expect(onPostgres).toEqual(onSqlite);
    }
    const sqliteStats = asNumbers(queryStore(join(dir, 'luxeret.db'), STATS_SQL));
    const pgStats = asNumbers((await pgStore.pool.query(STATS_SQL)).rows as Record<string, unknown>[]);
    expect(pgStats).toEqual(sqliteStats);
    const sqliteMarkers = asNumbers(queryStore(join(dir, 'luxeret.db'), MARKERS_SQL));
    expect(asNumbers((await pgStore.pool.query(MARKERS_SQL)).rows as Record<string, unknown>[])).toEqual(sqliteMarkers);
    // Days 1 and 2 for both zones and datasets; day 3 only for zone A (zone B's rows there are all after the cut-off).
    expect(sqliteMarkers.filter((m) => m['dataset'] === 'firewall_events').map((m) => [m['day'], m['zone_id']])).toEqual([
      [T0, ZONE_A],
      [T0, ZONE_B],
      [T0 + 86_400, ZONE_A],
      [T0 + 86_400, ZONE_B],
      [T0 + 2 * 86_400, ZONE_A],
    ]);
    expect(sqliteStats.some((cell) => cell['distinct_ips'] === null)).toBe(true); // country-only analytics
    expect(sqliteMarkers.some((m) => Number(m['suppressed_cells']) > 0)).toBe(true);

    // A second purge at the same cut-off rolls nothing up again.
    for (const store of [sqlite, postgres]) expect((await purgeWithRollUp(store, 'local/firewall-events')).units).toBe(0);
  });
});
