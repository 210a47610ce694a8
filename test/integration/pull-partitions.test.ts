import { afterEach, expect, it } from 'vitest';
import { addFirewallEvents, addToken, addZone, generateFirewallEvents, startEmulator, type Emulator } from '@luxeret/cloudflare-emulator';
import { createAnalyticsGraphqlClient } from '../../src/cloudflare/analytics-graphql-client.js';
import { parseDuration } from '../../src/config/duration.js';
import { pullZones } from '../../src/pull/pull.js';
import { createPgStorePort } from '../../src/store/postgres/adapter.js';
import { withTransaction, type PgStore } from '../../src/store/postgres/connection.js';
import { dayOf, listDayPartitions, partitionName } from '../../src/store/postgres/partitions.js';
import { describePg, dropTestStore, openTestStore } from '../postgres/pg-test-store.js';

// Issue 13: on PostgreSQL the pull creates the day partitions of its whole plan before the first page, so no page
// transaction runs DDL; days without a row get theirs too (the purge later drops them whole).
const TOKEN = 'partitions-token-6f5e4d3c2b1a';
const HOUR = 3_600_000;

describePg('pull on PostgreSQL: day partitions ahead', () => {
  let emulator: Emulator | undefined;
  let store: PgStore | undefined;
  afterEach(async () => {
    await emulator?.close();
    if (store) await dropTestStore(store);
    emulator = store = undefined;
  });

  it('creates every day partition of the plan, including days no row falls on, before storing the rows', async () => {
    emulator = await startEmulator();
    addToken(emulator.state, { value: TOKEN, permissions: ['Analytics Read'] });
    const now = Date.now();
    const zone = addZone(emulator.state, { name: 'quiet.example.com', plan: 'enterprise' });
    // Rows only in the last two hours; the plan (--since 3 days) spans four UTC days.
    const events = generateFirewallEvents({ seed: 2, from: new Date(now - 2 * HOUR), to: new Date(now - 10 * 60_000), count: 200 });
    addFirewallEvents(emulator.state, zone.id, events);
    store = await openTestStore();
    const port = createPgStorePort(store);
    const since = new Date(now - 72 * HOUR);

    const summary = await pullZones(
      { client: createAnalyticsGraphqlClient({ baseUrl: emulator.baseUrl, token: TOKEN }), store: port, now: () => new Date() },
      {
        zones: [{ id: zone.id, name: undefined }],
        retention: { firewallEvents: parseDuration('30d')!, httpAnalytics: parseDuration('30d')! },
        fields: [],
        since,
      },
    );

    const fw = summary.zones[0]!.datasets.find((d) => d.dataset === 'firewall_events')!;
    expect(fw.inserted).toBe(events.length);
    const partitions = await withTransaction(store, (tx) => listDayPartitions(tx, 'firewall_events'));
    const days = Array.from({ length: dayOf(fw.pulledTo!) - dayOf(fw.pulledFrom!) + 1 }, (_, i) => partitionName('firewall_events', dayOf(fw.pulledFrom!) + i));
    expect(days.length).toBeGreaterThanOrEqual(4);
    expect(partitions.map((p) => p.name)).toEqual(days);
    expect(await port.countFirewallEvents(zone.id)).toBe(events.length);
  });
});
