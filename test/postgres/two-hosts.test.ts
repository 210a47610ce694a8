import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AuditSigner } from '../../src/audit/entry.js';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { LockedError } from '../../src/errors.js';
import { buildHoldMatcher } from '../../src/policy/holds.js';
import type { FirewallEventRecord } from '../../src/store/firewall-events.js';
import type { StorePort } from '../../src/store/port.js';
import { createPgStorePort } from '../../src/store/postgres/adapter.js';
import { readPgAuditHead, readPgAuditLines } from '../../src/store/postgres/audit-log.js';
import { withTransaction, type PgStore } from '../../src/store/postgres/connection.js';
import { describePg, dropTestStore, firewallEvent, openSecondHost, openTestStore, policeHold } from './pg-test-store.js';

const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';
const T0 = Date.UTC(2025, 2, 1) / 1000;
const NOW = new Date('2025-04-05T00:00:00Z');
const CUTOFF = new Date('2025-03-06T00:00:00Z');
const keys = generateKeyPairSync('ed25519');

/** Ten days of events, one every 10 minutes; every 7th from the address under hold. */
const EVENTS: FirewallEventRecord[] = Array.from({ length: 1_440 }, (_, i) =>
  firewallEvent({ zoneId: ZONE, datetime: T0 + i * 600, rayName: `ray${i}`, clientIp: i % 7 === 0 ? '198.51.100.7' : `192.0.2.${i % 250}` }),
);

const hold = policeHold({ network: '198.51.100.7/32', createdAt: new Date('2025-04-01T00:00:00Z'), createdBy: 'dpo@host-a' });

/** One host's cron run, in the order the use cases will run it: lock, pull its pages, purge with the shared holds. */
async function runHost(port: StorePort, host: string, pageSize: number): Promise<'done' | 'locked'> {
  const signer: AuditSigner = { privateKey: keys.privateKey, actor: `cron@${host}`, now: () => NOW };
  let lock: { release(): Promise<void> };
  try {
    lock = await port.acquireRunLock('run', NOW);
  } catch (err) {
    if (err instanceof LockedError) return 'locked';
    throw err;
  }
  try {
    for (let i = 0; i < EVENTS.length; i += pageSize) await port.transaction((tx) => tx.insertFirewallEvents(EVENTS.slice(i, i + pageSize)));
    const purge = await port.transaction(async (tx) => {
      const isHeld = buildHoldMatcher(await tx.readHolds(), NOW);
      const outcome = await tx.deleteExpired('local/firewall-events', CUTOFF, isHeld);
      await tx.appendAuditEntry(signer, {
        event: 'purge.outcome',
        command: 'purge',
        location: outcome.location,
        counts: { deleted: outcome.deleted, held: outcome.held },
      });
      return outcome;
    });
    await port.reclaimPurged([purge]);
    return 'done';
  } finally {
    await lock.release();
  }
}

describePg('two hosts on one PostgreSQL store (through the store port)', () => {
  let store: PgStore;
  let hostA: StorePort;
  let hostB: StorePort;
  beforeEach(async () => {
    store = await openTestStore();
    hostA = createPgStorePort(store);
    hostB = createPgStorePort(openSecondHost(store));
  });
  afterEach(async () => {
    await hostB.close();
    await dropTestStore(store);
  });

  it('a hold added on A protects rows from B; concurrent runs end as one host alone would; the chain verifies', async () => {
    const signer: AuditSigner = { privateKey: keys.privateKey, actor: 'dpo@host-a', now: () => NOW };
    await hostA.transaction(async (tx) => {
      await tx.insertHold(hold);
      await tx.appendAuditEntry(signer, { event: 'hold.add', command: 'hold add', reason: hold.reason });
    });
    // Both start at once; the second to ask for the lock is refused (exit 6) and does nothing; run again after.
    const first = await Promise.all([runHost(hostA, 'host-a', 1_000), runHost(hostB, 'host-b', 700)]);
    expect(first.sort()).toEqual(['done', 'locked']);
    expect(await runHost(hostB, 'host-b', 700)).toBe('done');

    const kept = await store.pool.query<{ held: number; other: number; total: number }>(
      `SELECT count(*) FILTER (WHERE client_ip = '198.51.100.7' AND datetime < $1)::int AS held,
              count(*) FILTER (WHERE client_ip <> '198.51.100.7' AND datetime < $1)::int AS other, count(*)::int AS total FROM firewall_events`,
      [CUTOFF.getTime() / 1000],
    );
    // One host alone: the 5 days before the cut-off lose every row but the held address's; the 5 after stay whole.
    const heldBefore = EVENTS.filter((e) => e.datetime < CUTOFF.getTime() / 1000 && e.clientIp === '198.51.100.7').length;
    expect(kept.rows[0]).toEqual({ held: heldBefore, other: 0, total: 720 + heldBefore });
    const counted = await store.pool.query<{ n: number }>('SELECT sum(rows)::int AS n FROM row_counts');
    expect(counted.rows[0]!.n).toBe(720 + heldBefore);

    const { lines, head } = await withTransaction(store, async (tx) => ({ lines: await readPgAuditLines(tx), head: await readPgAuditHead(tx) }));
    expect(lines.map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['audit.genesis', 'hold.add', 'purge.outcome', 'purge.outcome']);
    expect(verifyAuditLog(lines, keys.publicKey, head)).toMatchObject({ ok: true, head: 'verified' });
  });
});
