import { afterEach, expect, it } from 'vitest';
import { createAnalyticsGraphqlClient } from '../../src/cloudflare/analytics-graphql-client.js';
import type { FetchLike } from '../../src/cloudflare/http.js';
import { parseDuration } from '../../src/config/duration.js';
import {
  addFirewallEvents,
  addHttpRequests,
  addToken,
  addZone,
  generateFirewallEvents,
  generateHttpRequests,
  startEmulator,
  type Emulator,
  type FirewallEvent,
  type HttpRequestSample,
} from '@luxeret/cloudflare-emulator';
import { pullZones } from '../../src/pull/pull.js';
import type { PullSummary } from '../../src/pull/summary.js';
import type { StorePort } from '../../src/store/port.js';
import { makeTempDir } from '../helpers/cli.js';
import { describeEachStore, openTestPort, type StoreKind, type TestPort } from '../helpers/store-kinds.js';
import { eventKey, groupRequests } from './pull-fixture.js';

// Issue 9, "late rows are never lost" (field reports G10): the emulator serves each row only after its drawn
// ingestion lag (up to 5 minutes by default); pulls re-read a 10-minute overlap. One injected clock drives both the
// emulator and the pull, so nothing sleeps. Real HTTP, a real store of each kind.
const TOKEN = 'late-rows-token-0a1b2c3d4e5f';
const MIN = 60_000;
const HOUR = 60 * MIN;
// 13:01: the first pull closes hour 12 while its last minutes are still arriving.
const T0 = Date.parse('2026-10-20T13:01:00Z');
const DATA_END = T0 + 3 * MIN;
const LAST_HOUR_END_S = Date.parse('2026-10-20T13:00:00Z') / 1000;
const OVERLAP_S = 600;
const retention = { firewallEvents: parseDuration('30d')!, httpAnalytics: parseDuration('30d')! };

let emulator: Emulator | undefined;
let opened: TestPort | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await opened?.close();
  await emulator?.close();
  cleanup?.();
  emulator = opened = cleanup = undefined;
});

interface Scenario {
  nowMs: number;
  emulator: Emulator;
  store: StorePort;
  zoneId: string;
  events: FirewallEvent[];
  samples: HttpRequestSample[];
}

/** Events and samples from 6 h before T0 to 3 min after it, dense in the minutes the lag hides; small pages. */
async function startScenario(kind: StoreKind, seed: number): Promise<Scenario> {
  const scenario = { nowMs: T0 } as Scenario;
  emulator = scenario.emulator = await startEmulator({ now: () => scenario.nowMs, faults: { seed } });
  expect(emulator.state.behaviour.ingestionLagMaxMs).toBe(5 * MIN);
  addToken(emulator.state, { value: TOKEN, permissions: ['Analytics Read'] });
  const zone = addZone(emulator.state, { name: 'late.example.com', plan: 'business' });
  zone.graphqlOverrides.firewallEventsAdaptive = { maxPageSize: 100 };
  zone.graphqlOverrides.httpRequestsAdaptiveGroups = { maxPageSize: 100 };
  scenario.zoneId = zone.id;
  scenario.events = [
    ...generateFirewallEvents({ seed, from: new Date(T0 - 6 * HOUR), to: new Date(DATA_END), count: 1500, sharedRayIds: 20 }),
    ...generateFirewallEvents({
      seed: seed + 1,
      from: new Date(T0 - 12 * MIN),
      to: new Date(DATA_END),
      count: 1200,
      bursts: [{ at: new Date(T0 - 2 * MIN), size: 250 }],
    }),
  ];
  addFirewallEvents(emulator.state, zone.id, scenario.events);
  scenario.samples = [
    ...generateHttpRequests({ seed: seed + 2, from: new Date(T0 - 6 * HOUR), to: new Date(DATA_END), clientsPerHour: 60 }),
    ...generateHttpRequests({ seed: seed + 3, from: new Date(T0 - 10 * MIN), to: new Date(T0 - MIN), clientsPerHour: 3000 }),
  ];
  addHttpRequests(emulator.state, zone.id, scenario.samples);
  const temp = makeTempDir('luxeret-late-');
  cleanup = temp.cleanup;
  opened = await openTestPort(kind, temp.dir);
  scenario.store = opened.port;
  return scenario;
}

async function pullAt(scenario: Scenario, atMs: number, fetch?: FetchLike): Promise<PullSummary> {
  scenario.nowMs = atMs;
  const client = createAnalyticsGraphqlClient({
    baseUrl: scenario.emulator.baseUrl,
    token: TOKEN,
    now: () => scenario.nowMs,
    sleep: (ms) => ((scenario.nowMs += ms), Promise.resolve()),
    ...(fetch ? { fetch } : {}),
  });
  return pullZones(
    { client, store: scenario.store, now: () => new Date(scenario.nowMs) },
    { zones: [{ id: scenario.zoneId, name: undefined }], retention, fields: [], overlapSeconds: OVERLAP_S },
  );
}

const dataset = (summary: PullSummary, name: 'firewall_events' | 'http_analytics') => summary.zones[0]!.datasets.find((d) => d.dataset === name)!;

/** The store holds exactly the emulator's rows: every event once, every hourly group with its full count. */
async function expectExact(scenario: Scenario): Promise<void> {
  const held = await scenario.store.listFirewallEventKeys(scenario.zoneId);
  expect(held).toHaveLength(scenario.events.length);
  expect(new Set(held)).toEqual(new Set(scenario.events.map(eventKey)));
  const httpState = (await scenario.store.readPullState(scenario.zoneId, 'http_analytics'))!;
  expect(httpState.coveredTo).toBe(LAST_HOUR_END_S);
  const truth = groupRequests(scenario.samples, true, httpState.coveredFrom, LAST_HOUR_END_S);
  const groups = await scenario.store.listHttpAnalytics(scenario.zoneId);
  expect(groups).toHaveLength(truth.size);
  expect(new Map(groups.map((g) => [`${g.hour}|${g.clientIp}|${g.clientCountry}`, g.requests]))).toEqual(truth);
}

/** Passes requests on until `shouldKill` says so, then refuses every one (401: final, not retried) as if the run died. */
function killingFetch(shouldKill: (body: { query: string; variables: Record<string, unknown> }) => boolean): FetchLike {
  let killed = false;
  return async (url, init) => {
    if (!killed && init.body !== undefined) killed = shouldKill(JSON.parse(init.body) as { query: string; variables: Record<string, unknown> });
    if (killed) return new Response(JSON.stringify({ data: null, errors: [{ message: 'Unauthorized' }] }), { status: 401 });
    return fetch(url, init as RequestInit);
  };
}

/** The earliest time a page query asks for (its `_geq` bound), unix seconds. */
function queryStart(variables: Record<string, unknown>): number {
  const times = Object.values(variables).filter((v): v is string => typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v));
  return Math.min(...times.map((t) => Date.parse(t) / 1000));
}

describeEachStore('late rows are never lost (issue 9, field reports G10)', (kind) => {
  it.each([1, 2, 3])('two pulls 3 minutes apart under a 5-minute lag, then one after it: exactly the emulator rows (seed %i)', async (seed) => {
    const scenario = await startScenario(kind, seed);
    const first = await pullAt(scenario, T0);
    // The lag really hid rows from the first pull, in both datasets.
    expect(dataset(first, 'firewall_events').inserted).toBeLessThan(scenario.events.filter((e) => Date.parse(e.datetime) < T0).length);
    const firstFw = (await scenario.store.readPullState(scenario.zoneId, 'firewall_events'))!;
    expect(firstFw.coveredTo).toBe(T0 / 1000);
    expect(firstFw.settledTo).toBe(T0 / 1000 - OVERLAP_S);

    const second = await pullAt(scenario, T0 + 3 * MIN);
    const third = await pullAt(scenario, DATA_END + 6 * MIN);
    for (const summary of [first, second, third]) expect(summary.zones[0]!.status).toBe('ok');
    await expectExact(scenario);

    // Late rows are the ones first seen inside a re-read overlap; every row came in exactly once.
    const late = (name: 'firewall_events' | 'http_analytics') => dataset(second, name).lateRows + dataset(third, name).lateRows;
    expect(late('firewall_events')).toBeGreaterThan(0);
    expect(late('http_analytics')).toBeGreaterThan(0);
    const inserted = [first, second, third].reduce((sum, s) => sum + dataset(s, 'firewall_events').inserted, 0);
    expect(inserted).toBe(scenario.events.length);
    const fw = (await scenario.store.readPullState(scenario.zoneId, 'firewall_events'))!;
    expect(fw.settledTo).toBe((DATA_END + 6 * MIN) / 1000 - OVERLAP_S);
    expect(dataset(third, 'firewall_events').settledTo).toBe(fw.settledTo);
  });

  it.each([
    ['firewall_events', 'FirewallEvents', 1],
    ['firewall_events', 'FirewallEvents', 4],
    ['http_analytics', 'HttpRequestGroups', 1],
  ] as const)('a pull killed in the middle of the %s overlap (after %s page %i), then re-runs: still exact', async (name, operation, pagesBeforeKill) => {
    const scenario = await startScenario(kind, 7);
    await pullAt(scenario, T0);
    const before = (await scenario.store.readPullState(scenario.zoneId, name))!;
    let overlapPages = 0;
    const killed = await pullAt(
      scenario,
      T0 + 3 * MIN,
      killingFetch(({ query, variables }) => {
        if (!query.startsWith(`query ${operation}(`)) return false;
        // A page starting inside what the first pull covered belongs to the re-read (hourly: the whole last hour).
        if (queryStart(variables) >= before.coveredTo) return false;
        return ++overlapPages > pagesBeforeKill;
      }),
    );
    expect(overlapPages).toBe(pagesBeforeKill + 1);
    expect(dataset(killed, name).status).toBe('failed');
    // Killed mid-overlap: what is covered and settled never shrinks, and settles nothing it has not re-read.
    const after = (await scenario.store.readPullState(scenario.zoneId, name))!;
    expect(after.coveredTo).toBeGreaterThanOrEqual(before.coveredTo);
    expect(after.settledTo).toBeGreaterThanOrEqual(before.settledTo);
    expect(after.settledTo).toBeLessThan(before.coveredTo);

    await pullAt(scenario, T0 + 4 * MIN);
    const final = await pullAt(scenario, DATA_END + 6 * MIN);
    expect(final.zones[0]!.status).toBe('ok');
    await expectExact(scenario);
  });
});
