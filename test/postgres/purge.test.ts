import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildHoldMatcher } from '../../src/policy/holds.js';
import type { FirewallEventRecord } from '../../src/store/firewall-events.js';
import { withTransaction, type PgStore } from '../../src/store/postgres/connection.js';
import { insertFirewallEvents, upsertHttpAnalytics } from '../../src/store/postgres/ingest.js';
import { listDayPartitions } from '../../src/store/postgres/partitions.js';
import { deleteExpiredRows, describePurgeMethod, vacuumPurgedPartitions } from '../../src/store/postgres/purge.js';
import { describePg, dropTestStore, firewallEvent, openTestStore, policeHold } from './pg-test-store.js';

const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';
const T0 = Date.UTC(2025, 2, 1) / 1000;
const HOUR = 3_600;

/** One event per hour for four days, from 192.0.2.x, one per hour from 198.51.100.7 (the held investigator's target). */
function events(): FirewallEventRecord[] {
  return Array.from({ length: 96 }, (_, i) =>
    firewallEvent({ zoneId: ZONE, datetime: T0 + i * HOUR, rayName: `ray${i}`, clientIp: i % 4 === 0 ? '198.51.100.7' : `192.0.2.${i}` }),
  );
}

const hold = policeHold({ network: '198.51.100.7/32' });

describePg('PostgreSQL purge primitives', () => {
  let store: PgStore;
  beforeEach(async () => {
    store = await openTestStore();
    await withTransaction(store, (tx) => insertFirewallEvents(tx, store.schema, events()));
  });
  afterEach(async () => dropTestStore(store));

  const count = async (sql: string) => Number(Object.values((await store.pool.query<Record<string, string>>(sql)).rows[0]!)[0]);
  const partitionNames = async () => (await withTransaction(store, (tx) => listDayPartitions(tx, 'firewall_events'))).map((p) => p.name);

  it('drops whole partitions past the cut-off, deletes only inside the boundary partition, and vacuums it', async () => {
    // Cut-off at 2025-03-03T06:00: days 1 and 2 go whole, day 3 loses its first 6 hours.
    const cutoff = new Date(Date.UTC(2025, 2, 3, 6));
    const purge = await withTransaction(store, (tx) => deleteExpiredRows(tx, 'local/firewall-events', cutoff, undefined));
    expect(purge).toEqual({
      location: 'local/firewall-events',
      deleted: 54,
      held: 0,
      partitions: [
        { partition: 'firewall_events_p20250301', method: 'partition-dropped', deleted: 24, held: 0 },
        { partition: 'firewall_events_p20250302', method: 'partition-dropped', deleted: 24, held: 0 },
        { partition: 'firewall_events_p20250303', method: 'rows-deleted', deleted: 6, held: 0 },
      ],
    });
    expect(describePurgeMethod(purge)).toEqual(['partition dropped', 'rows deleted + vacuumed']);
    expect(await partitionNames()).toEqual(['firewall_events_p20250303', 'firewall_events_p20250304']);
    expect(await count('SELECT count(*) FROM firewall_events')).toBe(42);
    expect(await count(`SELECT min(datetime) FROM firewall_events`)).toBe(cutoff.getTime() / 1000);
    expect(await count('SELECT sum(rows) FROM row_counts')).toBe(42);

    // pgstattuple reads the pages themselves: the deleted rows are there, dead, until VACUUM removes them.
    const deadTuples = await readDeadTuples(store, 'firewall_events_p20250303');
    expect(await deadTuples()).toBe(6);
    // Other test files' open transactions may keep the rows visible for a moment: VACUUM retries, then says so.
    const vacuumed = await vacuumPurgedPartitions(store, [purge], { attempts: 50 });
    expect(vacuumed).toEqual([{ partition: 'firewall_events_p20250303', notYetRemovable: 0 }]);
    expect(await deadTuples()).toBe(0);
  });

  it('says how many deleted rows VACUUM could not remove yet while an older snapshot can still see them', async () => {
    const reader = await store.pool.connect();
    try {
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await reader.query('SELECT count(*) FROM firewall_events'); // takes the snapshot that still sees every row
      const purge = await withTransaction(store, (tx) => deleteExpiredRows(tx, 'local/firewall-events', new Date(Date.UTC(2025, 2, 1, 6)), undefined));
      expect(await vacuumPurgedPartitions(store, [purge], { attempts: 2, waitMs: 10 })).toEqual([
        { partition: 'firewall_events_p20250301', notYetRemovable: 6 },
      ]);
      await reader.query('COMMIT');
      expect(await vacuumPurgedPartitions(store, [purge], { attempts: 50 })).toEqual([{ partition: 'firewall_events_p20250301', notYetRemovable: 0 }]);
    } finally {
      reader.release();
    }
  });

  it('a row under hold is kept: its partition loses the other rows instead of being dropped', async () => {
    const cutoff = new Date(Date.UTC(2025, 2, 3, 6));
    const isHeld = buildHoldMatcher([hold], new Date('2025-03-05T00:00:00Z'));
    const purge = await withTransaction(store, (tx) => deleteExpiredRows(tx, 'local/firewall-events', cutoff, isHeld));
    expect(purge.partitions).toEqual([
      { partition: 'firewall_events_p20250301', method: 'rows-deleted', deleted: 18, held: 6 },
      { partition: 'firewall_events_p20250302', method: 'rows-deleted', deleted: 18, held: 6 },
      { partition: 'firewall_events_p20250303', method: 'rows-deleted', deleted: 4, held: 2 },
    ]);
    expect(await count(`SELECT count(*) FROM firewall_events WHERE datetime < ${cutoff.getTime() / 1000} AND client_ip <> '198.51.100.7'`)).toBe(0);
    expect(await count(`SELECT count(*) FROM firewall_events WHERE client_ip = '198.51.100.7'`)).toBe(24);
    expect(await count('SELECT sum(rows) FROM row_counts')).toBe(96 - 40);
    expect(await count('SELECT count(*) FROM firewall_events')).toBe(96 - 40);
  });

  it('a rolled-back purge (its audit entry could not be written) leaves every partition and row', async () => {
    const cutoff = new Date(Date.UTC(2025, 2, 4));
    await expect(
      withTransaction(store, async (tx) => {
        await deleteExpiredRows(tx, 'local/firewall-events', cutoff, undefined);
        throw new Error('audit append failed');
      }),
    ).rejects.toThrow('audit append failed');
    expect(await count('SELECT count(*) FROM firewall_events')).toBe(96);
    expect(await count('SELECT sum(rows) FROM row_counts')).toBe(96);
    expect(await partitionNames()).toHaveLength(4);
  });

  it('purges request analytics by hour, holding a whole hourly row when the hold covers any of it', async () => {
    await withTransaction(store, (tx) =>
      upsertHttpAnalytics(tx, store.schema, [
        { zoneId: ZONE, hour: T0, clientIp: '198.51.100.7', clientCountry: 'KR', requests: 3 },
        { zoneId: ZONE, hour: T0, clientIp: '192.0.2.1', clientCountry: 'KR', requests: 4 },
        { zoneId: ZONE, hour: T0 + 86_400 + HOUR, clientIp: '192.0.2.1', clientCountry: 'KR', requests: 5 },
      ]),
    );
    const isHeld = buildHoldMatcher([{ ...hold, from: new Date((T0 + 1_800) * 1000) }], new Date('2025-03-05T00:00:00Z'));
    const purge = await withTransaction(store, (tx) => deleteExpiredRows(tx, 'local/http-analytics', new Date((T0 + 2 * 86_400) * 1000), isHeld));
    expect(purge.partitions.map((p) => [p.partition, p.method, p.deleted, p.held])).toEqual([
      ['http_analytics_p20250301', 'rows-deleted', 1, 1],
      ['http_analytics_p20250302', 'partition-dropped', 1, 0],
    ]);
  });
});

/** Dead tuples in a table's pages, by pgstattuple (installed into the test schema unless the database has it). */
async function readDeadTuples(store: PgStore, table: string): Promise<() => Promise<number>> {
  await store.pool.query(`CREATE EXTENSION IF NOT EXISTS pgstattuple SCHEMA ${store.schema}`);
  const { rows } = await store.pool.query<{ schema: string }>(
    `SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'pgstattuple'`,
  );
  return async () =>
    (await store.pool.query<{ n: number }>(`SELECT dead_tuple_count::int AS n FROM ${rows[0]!.schema}.pgstattuple($1::regclass)`, [`${store.schema}.${table}`]))
      .rows[0]!.n;
}
