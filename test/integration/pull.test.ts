import { afterEach, expect, it } from 'vitest';
import { addFirewallEvents, addHttpRequests, addZone, generateFirewallEvents, generateHttpRequests } from '@luxeret/cloudflare-emulator';
import { describeEachStore } from '../helpers/store-kinds.js';
import { eventKey, groupRequests, startPullFixture, withPort, type PullFixture } from './pull-fixture.js';

const HOUR = 3_600_000;
let fixture: PullFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describeEachStore('luxeret-privacy pull', (kind) => {
  it('stores every one of >20,000 events exactly once, with a burst of thousands in one second, shared Ray IDs and a small page size', async () => {
    fixture = await startPullFixture({}, kind);
    const { emulator } = fixture;
    const now = Date.now();
    const zone = addZone(emulator.state, { name: 'shop.example.com', plan: 'business' });
    zone.graphqlOverrides.firewallEventsAdaptive = { maxPageSize: 1000, maxDuration: 12 * 3600 };
    const events = generateFirewallEvents({
      seed: 7,
      from: new Date(now - 2 * 24 * HOUR),
      to: new Date(now - 5 * 60_000),
      count: 20_000,
      bursts: [{ at: new Date(now - 30 * HOUR), size: 2500 }],
      sharedRayIds: 40,
    });
    addFirewallEvents(emulator.state, zone.id, events);
    const samples = generateHttpRequests({ seed: 3, from: new Date(now - 3 * 24 * HOUR), to: new Date(now), clientsPerHour: 30 });
    addHttpRequests(emulator.state, zone.id, samples);
    fixture.writeConfig([{ id: zone.id, name: 'shop' }]);

    const result = await fixture.pull(['--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      zones: { status: string; datasets: { dataset: string; new: number; duplicates_skipped: number; windows: number; gaps: unknown[] }[] }[];
    };
    const fw = summary.zones[0]!.datasets.find((d) => d.dataset === 'firewall_events')!;
    expect(fw.new).toBe(events.length);
    expect(fw.windows).toBeGreaterThanOrEqual(6);

    await withPort(fixture.openPort, async (store) => {
      const stored = await store.listFirewallEventKeys(zone.id);
      expect(stored.length).toBe(events.length);
      expect(new Set(stored)).toEqual(new Set(events.map(eventKey)));
      expect(await store.countFirewallEvents(zone.id)).toBe(events.length);

      // Hourly groups: exactly the whole hours inside the look-back window.
      const http = await store.listHttpAnalytics(zone.id);
      const hours = http.map((r) => r.hour);
      const truth = groupRequests(samples, true, Math.min(...hours), Math.max(...hours) + 3600);
      expect(new Map(http.map((r) => [`${r.hour}|${r.clientIp}|${r.clientCountry}`, r.requests]))).toEqual(truth);
      expect((await store.readAllPullStates()).map((s) => s.dataset)).toEqual(['firewall_events', 'http_analytics']);
      expect(await store.readMeta('last_pull_at')).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    // Re-pulling resumes from the cursor: nothing new, nothing stored twice.
    const again = await fixture.pull(['--json']);
    expect(again.code).toBe(0);
    expect(await withPort(fixture.openPort, (store) => store.listFirewallEventKeys(zone.id))).toHaveLength(events.length);
  });

  it('pages hourly request groups exactly with a tiny page size, per IP where offered and per country where not', async () => {
    fixture = await startPullFixture({}, kind);
    const { emulator } = fixture;
    const now = Date.now();
    const business = addZone(emulator.state, { name: 'biz.example.com', plan: 'business' });
    business.graphqlOverrides.httpRequestsAdaptiveGroups = { maxPageSize: 7, notOlderThan: 8 * 3600 };
    const free = addZone(emulator.state, { name: 'free.example.com', plan: 'free' });
    // This zone's settings leave clientIP out (Free serves it by default: G6).
    free.graphqlOverrides.httpRequestsAdaptiveGroups = { maxPageSize: 3, notOlderThan: 8 * 3600, hiddenFields: ['dimensions_clientIP'] };
    const samples = generateHttpRequests({ seed: 8, from: new Date(now - 10 * HOUR), to: new Date(now), clientsPerHour: 25, countries: ['GB', 'DE', 'KR'] });
    addHttpRequests(emulator.state, business.id, samples);
    addHttpRequests(emulator.state, free.id, samples);
    fixture.writeConfig([{ id: business.id }, { id: free.id }]);

    const result = await fixture.pull(['--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { zones: { datasets: { dataset: string; per_country_only: boolean }[] }[] };
    expect(summary.zones.map((z) => z.datasets.find((d) => d.dataset === 'http_analytics')!.per_country_only)).toEqual([false, true]);
    await withPort(fixture.openPort, async (store) => {
      for (const [zone, byIp] of [
        [business, true],
        [free, false],
      ] as const) {
        const held = await store.listHttpAnalytics(zone.id);
        const hours = held.map((r) => r.hour);
        expect(new Set(hours).size).toBeGreaterThanOrEqual(6);
        // Whole hours the pull has settled: the hour it ran in (and, just after a full hour, the one before, within
        // the overlap it re-reads next time) may still be partial, as Cloudflare's late rows would leave it.
        const settledHour = Math.floor((await store.readPullState(zone.id, 'http_analytics'))!.settledTo / 3600) * 3600;
        const truth = groupRequests(samples, byIp, Math.min(...hours), settledHour);
        const settled = held.filter((r) => r.hour < settledHour);
        expect(new Set(settled.map((r) => r.hour)).size).toBeGreaterThanOrEqual(5);
        expect(new Map(settled.map((r) => [`${r.hour}|${r.clientIp}|${r.clientCountry}`, r.requests]))).toEqual(truth);
      }
    });
  });
});
