import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildHoldMatcher } from '../../src/policy/holds.js';
import type { FirewallEventRecord } from '../../src/store/firewall-events.js';
import { withTransaction, type PgStore } from '../../src/store/postgres/connection.js';
import { readDatasetCounts, readDistinctIps } from '../../src/store/postgres/counts.js';
import { readHolds, insertHold, releaseHold } from '../../src/store/postgres/holds.js';
import { insertFirewallEvents } from '../../src/store/postgres/ingest.js';
import { readMeta, writeMeta } from '../../src/store/postgres/meta.js';
import { readAllPullStates, readPullState, writePullState } from '../../src/store/postgres/pull-state.js';
import { deleteExpiredRows } from '../../src/store/postgres/purge.js';
import { readWalAndBackups } from '../../src/store/postgres/wal.js';
import { describePg, dropTestStore, firewallEvent, openSecondHost, openTestStore, policeHold, waitForLockWait } from './pg-test-store.js';

const ZONE_A = '023e105f4ecef8ad9ca31a8372d0c353';
const ZONE_B = '9a7806061c88ada191ed06f989cc3dac';
const T0 = Date.UTC(2025, 2, 1) / 1000;

function event(i: number, zoneId: string, ip: string, country: string): FirewallEventRecord {
  return firewallEvent({ zoneId, datetime: T0 + i * 7_200, rayName: `ray${i}`, clientIp: ip, clientCountry: country });
}

const hold = policeHold({
  network: '198.51.100.0/24',
  until: new Date('2025-06-01T00:00:00Z'),
  reference: 'KNPA-17',
  createdAt: new Date('2025-03-02T00:00:00Z'),
  createdBy: 'dpo@host-a',
});

describePg('PostgreSQL shared state and counts', () => {
  let store: PgStore;
  let hostB: PgStore;
  beforeEach(async () => {
    store = await openTestStore();
    hostB = openSecondHost(store);
  });
  afterEach(async () => {
    await hostB.close();
    await dropTestStore(store);
  });

  it('inventory counts come from row_counts and match a scan, per zone, country and day', async () => {
    // 36 events over three days: zone A from KR, zone B from US, every third from 198.51.100.9.
    const rows = Array.from({ length: 36 }, (_, i) =>
      event(i, i % 2 === 0 ? ZONE_A : ZONE_B, i % 3 === 0 ? '198.51.100.9' : `192.0.2.${i}`, i % 2 === 0 ? 'KR' : 'US'),
    );
    await withTransaction(store, (tx) => insertFirewallEvents(tx, store.schema, rows));
    const counts = await withTransaction(store, (tx) => readDatasetCounts(tx, 'firewall_events'));
    expect(counts).toEqual({
      records: 36,
      countries: [
        { code: 'KR', count: 18 },
        { code: 'US', count: 18 },
      ],
      oldest: new Date(T0 * 1000),
      newest: new Date((T0 + 35 * 7_200) * 1000),
      perDay: [0, 1, 2].map((d) => ({ day: T0 / 86_400 + d, records: 12 })),
    });
    const zoneB = await withTransaction(store, (tx) => readDatasetCounts(tx, 'firewall_events', { zoneId: ZONE_B }));
    expect(zoneB.records).toBe(18);
    expect(zoneB.oldest).toEqual(new Date((T0 + 7_200) * 1000));
    expect(await withTransaction(store, (tx) => readDistinctIps(tx, 'firewall_events'))).toBe(25);

    await withTransaction(store, (tx) => deleteExpiredRows(tx, 'local/firewall-events', new Date((T0 + 86_400 + 3 * 7_200) * 1000), undefined));
    const after = await withTransaction(store, (tx) => readDatasetCounts(tx, 'firewall_events'));
    const scan = await store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM firewall_events');
    expect(after.records).toBe(scan.rows[0]!.n);
    expect(after.records).toBe(36 - 15);
    expect(after.oldest).toEqual(new Date((T0 + 86_400 + 3 * 7_200) * 1000));
  });

  it('a hold added on host A protects data from a purge started on host B', async () => {
    await withTransaction(store, (tx) => insertFirewallEvents(tx, store.schema, [event(0, ZONE_A, '198.51.100.9', 'KR'), event(1, ZONE_A, '192.0.2.1', 'KR')]));
    await withTransaction(store, (tx) => insertHold(tx, hold));
    const now = new Date('2025-04-01T00:00:00Z');
    const purge = await withTransaction(hostB, async (tx) => {
      const holds = await readHolds(tx, { lockForPurge: true });
      expect(holds).toEqual([hold]);
      return deleteExpiredRows(tx, 'local/firewall-events', new Date('2025-03-10T00:00:00Z'), buildHoldMatcher(holds, now));
    });
    expect([purge.deleted, purge.held]).toEqual([1, 1]);
    expect(await withTransaction(hostB, (tx) => releaseHold(tx, 'h1', now, 'dpo@host-b', 'case closed'))).toBe(true);
    expect(await withTransaction(store, (tx) => releaseHold(tx, 'h1', now, 'dpo@host-a', 'again'))).toBe(false);
    expect((await withTransaction(store, (tx) => readHolds(tx)))[0]!.releasedAt).toEqual(now);
  });

  it('pull state and meta are shared and round-trip', async () => {
    const state = {
      zoneId: ZONE_A,
      dataset: 'firewall_events' as const,
      coveredFrom: T0,
      coveredTo: T0 + 3_600,
      settledTo: T0 + 3_000,
      lastPullAt: T0 + 3_700,
    };
    await withTransaction(store, (tx) => writePullState(tx, state));
    await withTransaction(hostB, (tx) => writePullState(tx, { ...state, coveredTo: T0 + 7_200 }));
    expect(await withTransaction(store, (tx) => readPullState(tx, ZONE_A, 'firewall_events'))).toEqual({ ...state, coveredTo: T0 + 7_200 });
    expect(await withTransaction(store, (tx) => readAllPullStates(tx))).toHaveLength(1);
    await withTransaction(store, (tx) => writeMeta(tx, 'last_purge_at', '2025-03-01T00:00:00Z'));
    expect(await withTransaction(hostB, (tx) => readMeta(tx, 'last_purge_at'))).toBe('2025-03-01T00:00:00Z');
  });

  it('a locked read-modify-write of a meta key no row holds yet is not lost when two hosts do it at once', async () => {
    // Host A reads the absent key under its lock and holds on; host B's locked read must wait for A's commit.
    let aRead!: () => void;
    const aHasRead = new Promise<void>((resolve) => (aRead = resolve));
    let releaseA!: () => void;
    const aMayWrite = new Promise<void>((resolve) => (releaseA = resolve));
    const increment = (host: PgStore, between: () => Promise<void>) =>
      withTransaction(host, async (tx) => {
        const value = Number((await readMeta(tx, 'counter', { lock: true })) ?? 0);
        await between();
        await writeMeta(tx, 'counter', String(value + 1));
      });
    const a = increment(store, async () => {
      aRead();
      await aMayWrite;
    });
    await aHasRead;
    const b = increment(hostB, () => Promise.resolve());
    await waitForLockWait(store.pool, store.schema, 10_000);
    releaseA();
    await Promise.all([a, b]);
    expect(await withTransaction(store, (tx) => readMeta(tx, 'counter'))).toBe('2');
  });

  it('reads what inventory and doctor need about WAL and backups', async () => {
    const reading = await withTransaction(store, (tx) => readWalAndBackups(tx));
    expect(reading.serverVersionNum).toBeGreaterThanOrEqual(130_000);
    expect(reading.serverVersion).toMatch(/^\d+\.\d+/);
    expect(['minimal', 'replica', 'logical']).toContain(reading.walLevel);
    expect(['off', 'on', 'always']).toContain(reading.archiveMode);
    expect(reading.maxWalSizeMb).toBeGreaterThan(0);
    expect(reading.walKeepSizeMb).toBeGreaterThanOrEqual(0);
  });
});
