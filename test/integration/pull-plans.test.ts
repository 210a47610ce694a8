import { expect, it } from 'vitest';
import { createAnalyticsGraphqlClient } from '../../src/cloudflare/analytics-graphql-client.js';
import type { FetchLike } from '../../src/cloudflare/http.js';
import { parseDuration } from '../../src/config/duration.js';
import {
  addFirewallEvents,
  addHttpRequests,
  addZone,
  generateFirewallEvents,
  generateHttpRequests,
  type Emulator,
  type HttpRequestSample,
  type PlanId,
  type ZoneState,
} from '@luxeret/cloudflare-emulator';
import { pullZones } from '../../src/pull/pull.js';
import type { PullSummary } from '../../src/pull/summary.js';
import type { StorePort } from '../../src/store/port.js';
import { describeEachStore } from '../helpers/store-kinds.js';
import { eventKey, groupRequests, usePullStore } from './pull-fixture.js';

// Issue 9 "done when": against the emulator in its documented mode (underscore paths, 8-day Free/Pro window, clientIP
// served and clientAsn refused on Free), pull stores per-IP request analytics on every plan that serves clientIP and
// per-country counts only where clientIP really is refused. Real HTTP, a real store of each kind; only sleep is
// injected.
const TOKEN = 'plans-token-0a1b2c3d4e5f';
const HOUR = 3_600_000;
const retention = { firewallEvents: parseDuration('30d')!, httpAnalytics: parseDuration('30d')! };
const PLANS: readonly PlanId[] = ['free', 'pro', 'business', 'enterprise'];

/** One zone per plan, plus a Free zone whose settings leave clientIP out; all with the same traffic. */
function addPlanZones(emulator: Emulator, samples: readonly HttpRequestSample[], now: number) {
  const zones = PLANS.map((plan) => addZone(emulator.state, { name: `${plan}.example.com`, plan }));
  const hidden = addZone(emulator.state, { name: 'no-ip.example.com', plan: 'free' });
  hidden.graphqlOverrides.httpRequestsAdaptiveGroups = { hiddenFields: ['dimensions_clientIP'] };
  const events = generateFirewallEvents({ seed: 2, from: new Date(now - 6 * HOUR), to: new Date(now - 10 * 60_000), count: 300 });
  for (const zone of [...zones, hidden]) {
    addHttpRequests(emulator.state, zone.id, samples);
    addFirewallEvents(emulator.state, zone.id, events);
  }
  return { zones, hidden, events };
}

async function pullAll(emulator: Emulator, store: StorePort, zones: readonly ZoneState[], fetch?: FetchLike): Promise<PullSummary> {
  const client = createAnalyticsGraphqlClient({ baseUrl: emulator.baseUrl, token: TOKEN, sleep: () => Promise.resolve(), ...(fetch ? { fetch } : {}) });
  return pullZones({ client, store, now: () => new Date() }, { zones: zones.map((z) => ({ id: z.id, name: undefined })), retention, fields: [] });
}

async function expectStored(store: StorePort, zone: ZoneState, samples: readonly HttpRequestSample[], byIp: boolean): Promise<void> {
  const held = await store.listHttpAnalytics(zone.id);
  const hours = held.map((r) => r.hour);
  expect(new Set(hours).size, zone.name).toBeGreaterThanOrEqual(4);
  expect(
    held.every((r) => (r.clientIp !== '') === byIp),
    zone.name,
  ).toBe(true);
  const truth = groupRequests(samples, byIp, Math.min(...hours), Math.max(...hours) + 3600);
  expect(new Map(held.map((r) => [`${r.hour}|${r.clientIp}|${r.clientCountry}`, r.requests])), zone.name).toEqual(truth);
}

const perCountryOnly = (summary: PullSummary) => summary.zones.map((z) => z.datasets.find((d) => d.dataset === 'http_analytics')!.perCountryOnly);

describeEachStore('pull per plan', (kind) => {
  const setup = usePullStore(TOKEN, 'luxeret-plans-', kind);

  it.each(['underscore', 'dotted', 'bare'] as const)(
    'stores per-IP analytics on every plan that serves clientIP, per-country only where settings refuse it (availableFields %s)',
    async (spelling) => {
      const { emulator, store } = await setup({ behaviour: { availableFieldsSpelling: spelling } });
      const now = Date.now();
      const samples = generateHttpRequests({ seed: 8, from: new Date(now - 6 * HOUR), to: new Date(now), clientsPerHour: 12, countries: ['GB', 'DE', 'KR'] });
      const { zones, hidden, events } = addPlanZones(emulator, samples, now);

      const summary = await pullAll(emulator, store.port, [...zones, hidden]);

      expect(summary.zones.map((z) => z.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      expect(perCountryOnly(summary)).toEqual([false, false, false, false, true]);
      for (const zone of zones) await expectStored(store.port, zone, samples, true);
      await expectStored(store.port, hidden, samples, false);
      for (const zone of [...zones, hidden]) expect(new Set(await store.port.listFirewallEventKeys(zone.id)), zone.name).toEqual(new Set(events.map(eventKey)));
      // Nothing was refused: the client asked only for what the settings offer, within each plan's window.
      expect(emulator.requests.filter((r) => r.kind === 'graphql').every((r) => r.status === 200)).toBe(true);
    },
  );

  it('asks for clientIP when availableFields says nothing, and falls back to per-country only on the gating error', async () => {
    const { emulator, store } = await setup();
    const now = Date.now();
    const samples = generateHttpRequests({ seed: 9, from: new Date(now - 6 * HOUR), to: new Date(now), clientsPerHour: 10, countries: ['FR', 'KR'] });
    const { zones, hidden } = addPlanZones(emulator, samples, now);
    const free = zones[0]!;
    // A settings answer whose availableFields is empty (a spelling or shape nobody has seen): nothing to decide on.
    const gated: string[] = [];
    const blankFields: FetchLike = async (url, init) => {
      const response = await fetch(url, init as RequestInit);
      const text = await response.text();
      if (text.includes('does not have access')) gated.push(text);
      const isSettings = init.body?.includes('availableFields') === true;
      return {
        status: response.status,
        headers: response.headers,
        text: () => Promise.resolve(isSettings ? text.replace(/"availableFields":\[[^\]]*\]/g, '"availableFields":[]') : text),
      };
    };

    const summary = await pullAll(emulator, store.port, [free, hidden], blankFields);

    expect(summary.zones.map((z) => z.status)).toEqual(['ok', 'ok']);
    expect(perCountryOnly(summary)).toEqual([false, true]);
    await expectStored(store.port, free, samples, true);
    await expectStored(store.port, hidden, samples, false);
    // The one refused query is the hidden zone's clientIP probe, answered with the G4 gating error (HTTP 200).
    expect(gated).toHaveLength(1);
    expect(JSON.parse(gated[0]!)).toMatchObject({
      data: null,
      errors: [{ message: `zone '${hidden.id}' does not have access to the field 'clientip'`, extensions: { code: 'authz' } }],
    });
  });
});
