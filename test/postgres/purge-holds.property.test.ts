import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildHoldMatcher } from '../../src/policy/holds.js';
import { withTransaction, type PgStore } from '../../src/store/postgres/connection.js';
import { insertFirewallEvents } from '../../src/store/postgres/ingest.js';
import { deleteExpiredRows } from '../../src/store/postgres/purge.js';
import { createPgStorePort } from '../../src/store/postgres/adapter.js';
import { describePg, dropTestStore, firewallEvent, openSecondHost, openTestStore, policeHold } from './pg-test-store.js';

const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';
const T0 = Date.UTC(2025, 2, 1) / 1000;
const HOUR = 3_600;
const NOW = new Date('2025-03-10T00:00:00Z');
const ADDRESSES = ['198.51.100.7', '198.51.100.200', '192.0.2.1', '2001:db8::1', '::ffff:198.51.100.7'];
const NETWORKS = ['198.51.100.7/32', '198.51.100.0/24', '192.0.2.0/30', '2001:db8::/32'];

describePg('PostgreSQL purge: a hold is never bypassed (property)', () => {
  let store: PgStore;
  beforeAll(async () => (store = await openTestStore()));
  afterAll(async () => dropTestStore(store));

  it('deletes exactly the unheld rows before the cut-off, whole partitions or boundary rows alike', async () => {
    const event = fc.record({ hour: fc.integer({ min: 0, max: 6 * 24 - 1 }), address: fc.constantFrom(...ADDRESSES), country: fc.constantFrom('KR', 'US') });
    const hold = fc.record({
      network: fc.constantFrom(...NETWORKS),
      country: fc.option(fc.constantFrom('KR', 'US'), { nil: undefined }),
      fromHour: fc.option(fc.integer({ min: 0, max: 6 * 24 }), { nil: undefined }),
      hours: fc.integer({ min: 1, max: 72 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 1, maxLength: 60 }),
        fc.array(hold, { maxLength: 3 }),
        fc.integer({ min: 1, max: 6 * 24 }),
        async (events, holdSpecs, cutHour) => {
          const rows = events.map((e, i) =>
            firewallEvent({ zoneId: ZONE, datetime: T0 + e.hour * HOUR + i, rayName: `ray${i}`, clientIp: e.address, clientCountry: e.country }),
          );
          const holds = holdSpecs.map((h, i) =>
            policeHold({
              id: `h${i}`,
              network: h.network,
              country: h.country,
              from: h.fromHour === undefined ? undefined : new Date((T0 + h.fromHour * HOUR) * 1000),
              to: h.fromHour === undefined ? undefined : new Date((T0 + (h.fromHour + h.hours) * HOUR) * 1000),
            }),
          );
          const isHeld = buildHoldMatcher(holds, NOW);
          const cutoff = new Date((T0 + cutHour * HOUR) * 1000);
          await withTransaction(store, async (tx) => {
            await tx.query('DELETE FROM firewall_events');
            await tx.query('DELETE FROM row_counts');
            await insertFirewallEvents(tx, store.schema, rows);
          });
          await withTransaction(store, (tx) => deleteExpiredRows(tx, 'local/firewall-events', cutoff, isHeld));

          const kept = new Set((await store.pool.query<{ ray_name: string }>('SELECT ray_name FROM firewall_events')).rows.map((r) => r.ray_name));
          const expected = rows.filter(
            (r) => r.datetime * 1000 >= cutoff.getTime() || isHeld({ ip: r.clientIp, country: r.clientCountry, at: new Date(r.datetime * 1000) }),
          );
          expect([...kept].sort()).toEqual(expected.map((r) => r.rayName).sort());
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a hold another host commits while the purge runs is honoured whenever it committed before the purge', async () => {
    const signer = { privateKey: generateKeyPairSync('ed25519').privateKey, actor: 'test@host', now: () => NOW };
    const purgeHost = createPgStorePort(store);
    const holdHost = createPgStorePort(openSecondHost(store));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ hour: fc.integer({ min: 0, max: 6 * 24 - 1 }), address: fc.constantFrom(...ADDRESSES) }), { minLength: 1, maxLength: 40 }),
          fc.constantFrom(...NETWORKS),
          fc.integer({ min: 1, max: 6 * 24 }),
          fc.boolean(),
          async (events, lateNetwork, cutHour, holdFirst) => {
            const rows = events.map((e, i) => firewallEvent({ zoneId: ZONE, datetime: T0 + e.hour * HOUR + i, rayName: `ray${i}`, clientIp: e.address }));
            const cutoff = new Date((T0 + cutHour * HOUR) * 1000);
            await withTransaction(store, async (tx) => {
              await tx.query('DELETE FROM firewall_events');
              await tx.query('DELETE FROM row_counts');
              await tx.query('DELETE FROM holds');
              await insertFirewallEvents(tx, store.schema, rows);
            });
            const late = policeHold({ id: `late${cutHour}`, network: lateNetwork });
            // As `hold add` and `purge` do it: the hold with its audit entry; the purge reads the holds inside its
            // deleting transaction and commits its outcome entry there. Which commits first is left to the race.
            const addHold = () =>
              holdHost.transaction(async (tx) => {
                await tx.insertHold(late);
                await tx.appendAuditEntry(signer, { event: 'hold.add', command: 'hold add' });
              });
            const purge = () =>
              purgeHost.transaction(async (tx) => {
                const outcome = await tx.deleteExpired('local/firewall-events', cutoff, buildHoldMatcher(await tx.readHolds(), NOW));
                await tx.appendAuditEntry(signer, { event: 'purge.outcome', command: 'purge', counts: { deleted: outcome.deleted } });
              });
            await Promise.all(holdFirst ? [addHold(), purge()] : [purge(), addHold()]);

            const entries = await purgeHost.readAuditEntries();
            const seqOf = (event: string) => entries.filter((e) => e.event === event).at(-1)!.seq;
            const holdCommittedFirst = seqOf('hold.add') < seqOf('purge.outcome');
            const isHeld = buildHoldMatcher(holdCommittedFirst ? [late] : [], NOW);
            const kept = new Set((await store.pool.query<{ ray_name: string }>('SELECT ray_name FROM firewall_events')).rows.map((r) => r.ray_name));
            const expected = rows.filter(
              (r) => r.datetime * 1000 >= cutoff.getTime() || isHeld({ ip: r.clientIp, country: r.clientCountry, at: new Date(r.datetime * 1000) }),
            );
            expect([...kept].sort()).toEqual(expected.map((r) => r.rayName).sort());
          },
        ),
        { numRuns: 20 },
      );
    } finally {
      await holdHost.close();
    }
  });
});
