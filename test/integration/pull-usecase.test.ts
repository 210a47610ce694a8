import { expect, it } from 'vitest';
import { createAnalyticsGraphqlClient } from '../../src/cloudflare/analytics-graphql-client.js';
import type { FetchLike } from '../../src/cloudflare/http.js';
import { createRateBudget } from '../../src/cloudflare/rate-budget.js';
import { parseDuration } from '../../src/config/duration.js';
import { addFirewallEvents, addZone, generateFirewallEvents } from '@luxeret/cloudflare-emulator';
import { pullZones } from '../../src/pull/pull.js';
import { describeEachStore } from '../helpers/store-kinds.js';
import { eventKey, usePullStore } from './pull-fixture.js';

// The pull use case over real HTTP against the emulator and a real store (SQLite file, PostgreSQL schema), with the clock and sleep injected
// so retries and the rate budget never make the test wait.
const TOKEN = 'usecase-token-5e4d3c2b1a0f';
const HOUR = 3_600_000;
const retention = { firewallEvents: parseDuration('30d')!, httpAnalytics: parseDuration('30d')! };

function fakeTime() {
  let offsetMs = 0;
  const sleeps: number[] = [];
  return {
    now: () => Date.now() + offsetMs,
    sleep: (ms: number) => {
      sleeps.push(ms);
      offsetMs += ms;
      return Promise.resolve();
    },
    sleeps,
  };
}

/** Records every GraphQL body sent, then passes the request on unchanged. */
function recordingFetch(bodies: { query: string; variables: Record<string, unknown> }[]): FetchLike {
  return async (url, init) => {
    if (init.body) bodies.push(JSON.parse(init.body) as { query: string; variables: Record<string, unknown> });
    return fetch(url, init as RequestInit);
  };
}

describeEachStore('pullZones against the emulator', (kind) => {
  const setup = usePullStore(TOKEN, 'luxeret-usecase-', kind);

  it('stays exact under 20% 429s, 5% 503s and 3% malformed bodies', async () => {
    // One clock for the client and the emulator: the waits move both, as real time would.
    const time = fakeTime();
    const { emulator, store } = await setup({
      now: time.now,
      faults: { seed: 11, graphql: { rateLimit: 0.2, serverError: 0.05, malformed: 0.03, retryAfterSeconds: 2 } },
    });
    const now = time.now();
    const zone = addZone(emulator.state, { name: 'faulty.example.com', plan: 'business' });
    zone.graphqlOverrides.firewallEventsAdaptive = { maxPageSize: 250 };
    const events = generateFirewallEvents({
      seed: 5,
      from: new Date(now - 20 * HOUR),
      to: new Date(now - 5 * 60_000),
      count: 6000,
      bursts: [{ at: new Date(now - 5 * HOUR), size: 900 }],
      sharedRayIds: 30,
    });
    addFirewallEvents(emulator.state, zone.id, events);
    const client = createAnalyticsGraphqlClient({ baseUrl: emulator.baseUrl, token: TOKEN, sleep: time.sleep, now: time.now });

    const summary = await pullZones(
      { client, store: store.port, now: () => new Date(time.now()) },
      { zones: [{ id: zone.id, name: undefined }], retention, fields: [] },
    );

    expect(summary.zones[0]!.status).toBe('ok');
    expect(new Set(await store.port.listFirewallEventKeys(zone.id))).toEqual(new Set(events.map(eventKey)));
    expect(await store.port.listFirewallEventKeys(zone.id)).toHaveLength(events.length);
    const statuses = emulator.requests.filter((r) => r.kind === 'graphql').map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(3);
    expect(statuses.filter((s) => s === 503 || s === 500).length).toBeGreaterThan(0);
    expect(client.stats().retries).toBeGreaterThanOrEqual(statuses.filter((s) => s !== 200).length);
    // Every 429 was honoured: its Retry-After (2 s, less the real milliseconds that pass before the next send) was
    // waited out through the budget.
    expect(client.budget.stats().waitedMs).toBeGreaterThanOrEqual(1900 * statuses.filter((s) => s === 429).length);
  });

  it('pulls a hundred pages at full speed: the rate budget never waits far below the limit', async () => {
    const { emulator, store } = await setup();
    const now = Date.now();
    const zone = addZone(emulator.state, { name: 'busy.example.com', plan: 'pro' });
    zone.graphqlOverrides.firewallEventsAdaptive = { maxPageSize: 100 };
    const events = generateFirewallEvents({ seed: 9, from: new Date(now - 10 * HOUR), to: new Date(now - 5 * 60_000), count: 10_500 });
    addFirewallEvents(emulator.state, zone.id, events);
    const time = fakeTime();
    const budget = createRateBudget({ now: time.now, sleep: time.sleep });
    const client = createAnalyticsGraphqlClient({ baseUrl: emulator.baseUrl, token: TOKEN, sleep: time.sleep, now: time.now, budget });

    await pullZones({ client, store: store.port, now: () => new Date(time.now()) }, { zones: [{ id: zone.id, name: undefined }], retention, fields: [] });

    expect(client.stats().requests).toBeGreaterThan(100);
    expect(budget.stats()).toMatchObject({ waits: 0, waitedMs: 0 });
    expect(time.sleeps).toEqual([]);
    expect(await store.port.listFirewallEventKeys(zone.id)).toHaveLength(events.length);
  });

  it('asks a 24-hour plan for nothing older than its window', async () => {
    const { emulator, store } = await setup({ behaviour: { graphqlErrorStatus: 'documented' } });
    const now = Date.now();
    const zone = addZone(emulator.state, { name: 'free.example.com', plan: 'free' });
    const events = generateFirewallEvents({ seed: 4, from: new Date(now - 72 * HOUR), to: new Date(now - 5 * 60_000), count: 3000 });
    addFirewallEvents(emulator.state, zone.id, events);
    const bodies: { query: string; variables: Record<string, unknown> }[] = [];
    const client = createAnalyticsGraphqlClient({ baseUrl: emulator.baseUrl, token: TOKEN, fetch: recordingFetch(bodies) });

    const summary = await pullZones(
      { client, store: store.port, now: () => new Date() },
      { zones: [{ id: zone.id, name: undefined }], retention, fields: [], since: new Date(now - 72 * HOUR) },
    );

    const timesOf = (node: string) =>
      bodies
        .filter((b) => b.query.includes(node))
        .flatMap((b) => Object.values(b.variables).filter((v): v is string => typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)));
    // Free plan windows: firewall events 24 h, request analytics 8 days (the emulator's settings node says so: G5).
    expect(timesOf('firewallEventsAdaptive(').length).toBeGreaterThan(0);
    for (const t of timesOf('firewallEventsAdaptive(')) expect(Date.parse(t)).toBeGreaterThanOrEqual(now - 24 * HOUR);
    for (const t of timesOf('httpRequestsAdaptiveGroups(')) expect(Date.parse(t)).toBeGreaterThanOrEqual(now - 8 * 24 * HOUR);
    expect(emulator.requests.filter((r) => r.kind === 'graphql').every((r) => r.status === 200)).toBe(true);
    const fw = summary.zones[0]!.datasets.find((d) => d.dataset === 'firewall_events')!;
    expect(fw.gaps).toHaveLength(1);
    expect(fw.gaps[0]!.reason).toMatch(/older than the plan allows/);
    const inWindow = events.filter((e) => Date.parse(e.datetime) >= fw.pulledFrom! * 1000);
    expect(new Set(await store.port.listFirewallEventKeys(zone.id))).toEqual(new Set(inWindow.map(eventKey)));
    // Free serves clientIP in httpRequestsAdaptiveGroups (G6): per-IP counts.
    expect(summary.zones[0]!.datasets.find((d) => d.dataset === 'http_analytics')!.perCountryOnly).toBe(false);
  });

  it('counts what a zone stored before Cloudflare failed part-way, and the next pull completes it exactly', async () => {
    const { emulator, store } = await setup();
    const now = Date.now();
    const zone = addZone(emulator.state, { name: 'flaky.example.com', plan: 'business' });
    zone.graphqlOverrides.firewallEventsAdaptive = { maxPageSize: 200 };
    const events = generateFirewallEvents({ seed: 13, from: new Date(now - 10 * HOUR), to: new Date(now - 5 * 60_000), count: 3000 });
    addFirewallEvents(emulator.state, zone.id, events);
    let calls = 0;
    // After six answers the token is refused: a final error, not retried.
    const failing: FetchLike = async (url, init) =>
      ++calls > 6 ? new Response(JSON.stringify({ data: null, errors: [{ message: 'Unauthorized' }] }), { status: 401 }) : fetch(url, init as RequestInit);
    const first = await pullZones(
      { client: createAnalyticsGraphqlClient({ baseUrl: emulator.baseUrl, token: TOKEN, fetch: failing }), store: store.port, now: () => new Date() },
      { zones: [{ id: zone.id, name: undefined }], retention, fields: [] },
    );
    const fw = first.zones[0]!.datasets.find((d) => d.dataset === 'firewall_events')!;
    expect(first.zones[0]!.status).toBe('failed');
    expect(fw.status).toBe('failed');
    expect(fw.inserted).toBeGreaterThan(0);
    expect(fw.inserted).toBe((await store.port.listFirewallEventKeys(zone.id)).length);
    expect(fw.coveredTo).toBeDefined();

    const second = await pullZones(
      { client: createAnalyticsGraphqlClient({ baseUrl: emulator.baseUrl, token: TOKEN }), store: store.port, now: () => new Date() },
      { zones: [{ id: zone.id, name: undefined }], retention, fields: [] },
    );
    expect(second.zones[0]!.status).toBe('ok');
    expect(new Set(await store.port.listFirewallEventKeys(zone.id))).toEqual(new Set(events.map(eventKey)));
    expect(await store.port.listFirewallEventKeys(zone.id)).toHaveLength(events.length);
  });

  it('keeps only the minimal fields, plus opted-in ones in extra; nothing past retention', async () => {
    const { emulator, store } = await setup();
    const now = Date.now();
    const zone = addZone(emulator.state, { name: 'min.example.com', plan: 'business' });
    const events = generateFirewallEvents({ seed: 17, from: new Date(now - 40 * HOUR), to: new Date(now - 5 * 60_000), count: 400 });
    addFirewallEvents(emulator.state, zone.id, events);
    const bodies: { query: string; variables: Record<string, unknown> }[] = [];
    const client = createAnalyticsGraphqlClient({ baseUrl: emulator.baseUrl, token: TOKEN, fetch: recordingFetch(bodies) });
    const summary = await pullZones(
      { client, store: store.port, now: () => new Date() },
      { zones: [{ id: zone.id, name: undefined }], retention: { ...retention, firewallEvents: parseDuration('24h')! }, fields: ['clientRequestPath'] },
    );
    const fwQuery = bodies.find((b) => b.query.includes('firewallEventsAdaptive('))!.query;
    expect(fwQuery).toContain('clientRequestPath');
    expect(fwQuery).not.toContain('userAgent');
    expect(fwQuery).not.toContain('clientRequestQuery');
    const rows = await store.rows<{ datetime: number; extra: string }>('SELECT datetime, extra FROM firewall_events');
    const kept = events.filter((e) => Date.parse(e.datetime) >= now - 24 * HOUR);
    expect(rows).toHaveLength(kept.length);
    expect(Math.min(...rows.map((r) => r.datetime))).toBeGreaterThanOrEqual(Math.floor((now - 24 * HOUR) / 1000));
    expect(Object.keys(JSON.parse(rows[0]!.extra) as object)).toEqual(['clientRequestPath']);
    expect(summary.zones[0]!.datasets[0]!.gaps).toEqual([]);
  });

  it("refuses to pull on a clock ahead of Cloudflare's: nothing stored, nothing marked covered (a settled future would never be fetched)", async () => {
    const { emulator, store } = await setup();
    const zone = addZone(emulator.state, { name: 'ahead.example.com', plan: 'business' });
    const now = Date.now();
    addFirewallEvents(emulator.state, zone.id, generateFirewallEvents({ seed: 3, from: new Date(now - 2 * HOUR), to: new Date(now - HOUR), count: 200 }));
    const ahead = () => Date.now() + 24 * HOUR;
    const client = createAnalyticsGraphqlClient({ baseUrl: emulator.baseUrl, token: TOKEN, now: ahead });

    const pull = pullZones({ client, store: store.port, now: () => new Date(ahead()) }, { zones: [{ id: zone.id, name: undefined }], retention, fields: [] });

    await expect(pull).rejects.toThrow(/86\d{3} s ahead of Cloudflare's .*refusing to pull/);
    await expect(pull).rejects.toMatchObject({ exitCode: 2 });
    expect(await store.port.listFirewallEventKeys(zone.id)).toEqual([]);
    expect(await store.port.readPullState(zone.id, 'firewall_events')).toBeUndefined();
  });
});
