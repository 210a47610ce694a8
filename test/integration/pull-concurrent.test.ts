import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  addFirewallEvents,
  addHttpRequests,
  addToken,
  addZone,
  generateFirewallEvents,
  generateHttpRequests,
  startEmulator,
  type Emulator,
} from '@luxeret/cloudflare-emulator';
import { createAnalyticsGraphqlClient } from '../../src/cloudflare/analytics-graphql-client.js';
import { parseDuration } from '../../src/config/duration.js';
import { pullZones } from '../../src/pull/pull.js';
import type { StorePort } from '../../src/store/port.js';
import type { PgStore } from '../../src/store/postgres/connection.js';
import { createPgStorePort } from '../../src/store/postgres/adapter.js';
import { describePg, dropTestStore, firewallEvent, openSecondHost, openTestStore } from '../postgres/pg-test-store.js';
import { eventKey, groupRequests, startPullFixture, withPort, type PullFixture } from './pull-fixture.js';

// Issue 13: two hosts pulling the same zone into one PostgreSQL schema at once never duplicate or skip a row. Through
// the CLI the run lock lets only one of them in (the other exits 6); below the lock, two pulls or two writers of
// overlapping pages still store exactly the union. Real HTTP to the emulator, real PostgreSQL.
const TOKEN = 'concurrent-token-1a2b3c4d5e6f';
const HOUR = 3_600_000;
const retention = { firewallEvents: parseDuration('30d')!, httpAnalytics: parseDuration('30d')! };

describePg('two pulls of one zone into one PostgreSQL schema at once', () => {
  let fixture: PullFixture | undefined;
  let emulator: Emulator | undefined;
  let store: PgStore | undefined;
  const ports: StorePort[] = [];
  beforeEach(() => {
    ports.length = 0;
  });
  afterEach(async () => {
    await fixture?.close();
    await emulator?.close();
    // The first port wraps `store` itself, which dropTestStore closes; the others have pools of their own.
    for (const port of ports.slice(1)) await port.close();
    if (store) await dropTestStore(store);
    fixture = emulator = store = undefined;
  });

  /** Two hosts: a port each, on pools of their own, over one migrated schema. */
  async function openTwoHosts(): Promise<[StorePort, StorePort]> {
    store = await openTestStore();
    ports.push(createPgStorePort(store), createPgStorePort(openSecondHost(store)));
    return [ports[0]!, ports[1]!];
  }

  it('through the CLI: a second pull while the first runs exits 6 and changes nothing; every row is stored once', async () => {
    fixture = await startPullFixture({ faults: { seed: 5, graphql: { latency: 1, latencyMs: 40 } } }, 'postgres');
    const now = Date.now();
    const zone = addZone(fixture.emulator.state, { name: 'twice.example.com', plan: 'business' });
    zone.graphqlOverrides.firewallEventsAdaptive = { maxPageSize: 200 };
    const events = generateFirewallEvents({ seed: 21, from: new Date(now - 10 * HOUR), to: new Date(now - 5 * 60_000), count: 3000 });
    addFirewallEvents(fixture.emulator.state, zone.id, events);
    fixture.writeConfig([{ id: zone.id }]);

    let firstEnded = false;
    const first = fixture.pull(['--json']).finally(() => (firstEnded = true));
    // The first run asks Cloudflare only once it holds the lock (and a run that ended early fails below, not hangs).
    const graphqlSeen = () => fixture!.emulator.requests.filter((r) => r.kind === 'graphql').length;
    while (graphqlSeen() < 3 && !firstEnded) await new Promise((tick) => setTimeout(tick, 5));
    expect(firstEnded).toBe(false);
    const second = await fixture.pull(['--json']);
    expect(second.code).toBe(6);
    expect(second.stderr).toMatch(/Another luxeret-privacy run holds the lock on the PostgreSQL store .*pull/);
    expect(second.stdout).toBe('');

    const result = await first;
    expect(result.code).toBe(0);
    const keys = await withPort(fixture.openPort, (port) => port.listFirewallEventKeys(zone.id));
    expect(keys).toHaveLength(events.length);
    expect(new Set(keys)).toEqual(new Set(events.map(eventKey)));

    // The lock went with the first run: a pull now gets in, and finds nothing new.
    const third = await fixture.pull(['--json']);
    expect(third.code).toBe(0);
    expect(await withPort(fixture.openPort, (port) => port.countFirewallEvents(zone.id))).toBe(events.length);
  });

  it('two pull use cases at once, each through a port of its own and no lock: exactly the emulator rows, each once', async () => {
    emulator = await startEmulator({ faults: { seed: 9, graphql: { latency: 0.5, latencyMs: 15 } } });
    addToken(emulator.state, { value: TOKEN, permissions: ['Analytics Read'] });
    const now = Date.now();
    const zone = addZone(emulator.state, { name: 'race.example.com', plan: 'business' });
    zone.graphqlOverrides.firewallEventsAdaptive = { maxPageSize: 150 };
    zone.graphqlOverrides.httpRequestsAdaptiveGroups = { maxPageSize: 40 };
    // Over two UTC days (several partitions), with a burst and shared Ray IDs.
    const events = generateFirewallEvents({
      seed: 31,
      from: new Date(now - 30 * HOUR),
      to: new Date(now - 5 * 60_000),
      count: 4000,
      bursts: [{ at: new Date(now - 7 * HOUR), size: 600 }],
      sharedRayIds: 25,
    });
    addFirewallEvents(emulator.state, zone.id, events);
    const samples = generateHttpRequests({ seed: 4, from: new Date(now - 20 * HOUR), to: new Date(now), clientsPerHour: 20 });
    addHttpRequests(emulator.state, zone.id, samples);
    const [hostA, hostB] = await openTwoHosts();

    const pullOn = (port: StorePort, since?: Date) =>
      pullZones(
        {
          client: createAnalyticsGraphqlClient({ baseUrl: emulator!.baseUrl, token: TOKEN, sleep: () => Promise.resolve() }),
          store: port,
          now: () => new Date(),
        },
        { zones: [{ id: zone.id, name: undefined }], retention, fields: [], since },
      );
    // A pulls the whole look-back window; B starts 12 hours back, in the middle of A's range, so that both store rows
    // the other then meets as duplicates, and on their first pages both write the same rows at once.
    const [a, b] = await Promise.all([pullOn(hostA), pullOn(hostB, new Date(now - 12 * HOUR))]);

    for (const summary of [a, b]) expect(summary.zones[0]!.status).toBe('ok');
    const insertedBy = (summary: typeof a, name: string) => summary.zones[0]!.datasets.find((d) => d.dataset === name)!.inserted;
    const inserted = (name: string) => insertedBy(a, name) + insertedBy(b, name);
    expect(insertedBy(a, 'firewall_events')).toBeGreaterThan(0);
    expect(insertedBy(b, 'firewall_events')).toBeGreaterThan(0);
    // Each row went in once, by one host or the other; the other host counted it a duplicate.
    expect(inserted('firewall_events')).toBe(events.length);
    const keys = await hostA.listFirewallEventKeys(zone.id);
    expect(keys).toHaveLength(events.length);
    expect(new Set(keys)).toEqual(new Set(events.map(eventKey)));
    expect(await hostB.countFirewallEvents(zone.id)).toBe(events.length);
    const groups = await hostB.listHttpAnalytics(zone.id);
    const hours = groups.map((g) => g.hour);
    expect(inserted('http_analytics')).toBe(groups.length);
    // Whole hours both pulls settled (just after a full hour, the hour before may still be partial, as late rows
    // would leave it until the next pull re-reads the overlap).
    const settledHour = Math.floor((await hostA.readPullState(zone.id, 'http_analytics'))!.settledTo / 3600) * 3600;
    const truth = groupRequests(samples, true, Math.min(...hours), settledHour);
    const settled = groups.filter((g) => g.hour < settledHour);
    expect(new Set(settled.map((g) => g.hour)).size).toBeGreaterThanOrEqual(5);
    expect(new Map(settled.map((g) => [`${g.hour}|${g.clientIp}|${g.clientCountry}`, g.requests]))).toEqual(truth);
    // Both vouch for what they pulled; whichever wrote last, the state covers only rows that are held.
    const state = (await hostA.readPullState(zone.id, 'firewall_events'))!;
    expect(state.coveredTo).toBeGreaterThanOrEqual(Math.max(...events.map((e) => Date.parse(e.datetime) / 1000)));
  });

  it('at the port: two hosts committing overlapping pages with their pull state at once store exactly the union', async () => {
    const [hostA, hostB] = await openTwoHosts();
    const zoneId = '023e105f4ecef8ad9ca31a8372d0c353';
    const t0 = Date.UTC(2026, 10, 1, 20) / 1000;
    // 9,000 events 20 s apart (two days and a bit: three partitions), 30 per shared second for the first 600.
    const all = Array.from({ length: 9_000 }, (_, i) =>
      firewallEvent({ zoneId, datetime: t0 + (i < 600 ? Math.floor(i / 30) : i * 20), rayName: `ray${i}`, clientIp: `198.51.100.${i % 200}` }),
    );
    const pages = (from: number, to: number, size: number) =>
      Array.from({ length: Math.ceil((to - from) / size) }, (_, p) => all.slice(from + p * size, Math.min(to, from + (p + 1) * size)));
    // A pulls [0, 6000) forwards in pages of 500; B pulls [3000, 9000) backwards in pages of 700: 3,000 rows overlap.
    const write = async (port: StorePort, batches: readonly (typeof all)[]) => {
      let inserted = 0;
      for (const batch of batches) {
        inserted += await port.transaction(async (tx) => {
          const counts = await tx.insertFirewallEvents(batch);
          const last = batch[batch.length - 1]!.datetime;
          await tx.writePullState({ zoneId, dataset: 'firewall_events', coveredFrom: t0, coveredTo: last, settledTo: last, lastPullAt: last });
          return counts.inserted;
        });
      }
      return inserted;
    };
    const [byA, byB] = await Promise.all([write(hostA, pages(0, 6_000, 500)), write(hostB, pages(3_000, 9_000, 700).reverse())]);

    expect(byA).toBeGreaterThanOrEqual(3_000);
    expect(byB).toBeGreaterThanOrEqual(3_000);
    expect(byA + byB).toBe(all.length);
    const keys = await hostB.listFirewallEventKeys(zoneId);
    expect(keys).toHaveLength(all.length);
    expect(new Set(keys)).toEqual(new Set(all.map((e) => `${e.datetime}|${e.rayName}|${e.ruleId}|${e.source}|${e.action}`)));
    expect(await hostA.countFirewallEvents(zoneId)).toBe(all.length);
    expect(await hostA.readPullState(zoneId, 'firewall_events')).toMatchObject({ zoneId, coveredFrom: t0 });
  });
});
