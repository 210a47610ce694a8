import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildHoldMatcher } from '../../src/policy/holds.js';
import { withTransaction, type PgStore } from '../../src/store/postgres/connection.js';
import { insertFirewallEvents } from '../../src/store/postgres/ingest.js';
import { deleteExpiredRows } from '../../src/store/postgres/purge.js';
import { describePg, dropTestStore, firewallEvent, openTestStore, policeHold } from './pg-test-store.js';

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
});
