import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addFirewallEvents, addHttpRequests, addZone, type Emulator, type FirewallEvent, type ZoneState } from '../src/index.js';
import { graphqlQuery, startTestEmulator } from '../src/testing.js';

const T0 = Date.parse('2026-10-20T12:00:00Z');
const MAX_LAG_MS = 5 * 60_000;
const EVENTS = `query E($zoneTag: string, $from: Time, $to: Time) { viewer { zones(filter: {zoneTag: $zoneTag}) {
  firewallEventsAdaptive(filter: {datetime_geq: $from, datetime_lt: $to}, limit: 10000, orderBy: [datetime_ASC, rayName_ASC]) { datetime rayName } } } }`;
const GROUPS = `query G($zoneTag: string, $from: Time, $to: Time) { viewer { zones(filter: {zoneTag: $zoneTag}) {
  httpRequestsAdaptiveGroups(filter: {datetime_geq: $from, datetime_lt: $to}, limit: 100) { count dimensions { datetimeHour clientIP } } } } }`;

/** 600 events and 600 samples, one per second from T0 − 5 min to T0 + 5 min. */
function rowsAroundT0(): FirewallEvent[] {
  return Array.from({ length: 600 }, (_, i) => ({
    datetime: new Date(T0 - 300_000 + i * 1000).toISOString().replace('.000Z', 'Z'),
    rayName: `ray${String(i).padStart(5, '0')}`,
    action: 'block',
    source: 'ip',
    clientIP: '203.0.113.7',
    clientCountryName: 'GB',
  }));
}

describe('ingestion lag (field reports G10)', () => {
  let emulator: Emulator;
  let zone: ZoneState;
  let nowMs: number;

  beforeEach(async () => {
    nowMs = T0;
    emulator = await startTestEmulator({ now: () => nowMs });
    zone = addZone(emulator.state, { name: 'shop.example.com', plan: 'business' });
    const rows = rowsAroundT0();
    addFirewallEvents(emulator.state, zone.id, rows);
    addHttpRequests(
      emulator.state,
      zone.id,
      rows.map((row) => ({ datetime: row.datetime, clientIP: row.clientIP, clientCountryName: 'GB' })),
    );
  });
  afterEach(() => emulator.close());

  const range = { from: new Date(T0 - 3_600_000).toISOString(), to: new Date(T0 + 3_600_000).toISOString() };
  async function visibleEvents(): Promise<string[]> {
    const body = (await graphqlQuery(emulator, EVENTS, { zoneTag: zone.id, ...range })).body as {
      data: { viewer: { zones: { firewallEventsAdaptive: { rayName: string }[] }[] } };
    };
    return body.data.viewer.zones[0]!.firewallEventsAdaptive.map((row) => row.rayName);
  }
  async function hourlyCount(): Promise<number> {
    const body = (await graphqlQuery(emulator, GROUPS, { zoneTag: zone.id, ...range })).body as {
      data: { viewer: { zones: { httpRequestsAdaptiveGroups: { count: number }[] }[] } };
    };
    return body.data.viewer.zones[0]!.httpRequestsAdaptiveGroups.reduce((sum, group) => sum + group.count, 0);
  }

  it('defaults to a 5-minute maximum lag drawn per row: old rows all visible, recent ones only partly, all once the lag has passed', async () => {
    expect(emulator.state.behaviour.ingestionLagMaxMs).toBe(MAX_LAG_MS);
    // At T0 the 300 rows at or before T0 are partly in; the ones after T0 are in the future.
    const atT0 = await visibleEvents();
    expect(atT0.length).toBeGreaterThan(0);
    expect(atT0.length).toBeLessThan(300);
    expect(atT0).toContain('ray00000'); // T0 − 5 min: its lag (< 5 min) has passed
    const countAtT0 = await hourlyCount(); // samples draw their own lags: only as many as have arrived are counted
    expect(countAtT0).toBeGreaterThan(0);
    expect(countAtT0).toBeLessThan(300);

    nowMs = T0 + 150_000;
    const later = await visibleEvents();
    expect(later.length).toBeGreaterThan(atT0.length);
    expect(later).toEqual(expect.arrayContaining(atT0)); // a row once visible stays visible
    expect(await hourlyCount()).toBeGreaterThan(countAtT0);

    nowMs = T0 + 600_000; // 5 min after the newest row
    expect(await visibleEvents()).toHaveLength(600);
    expect(await hourlyCount()).toBe(600);
  });

  it('draws the same lags for the same rows and seed, and serves every row at once with the lag set to 0', async () => {
    const first = await visibleEvents();
    const again = await startTestEmulator({ now: () => nowMs });
    try {
      const twin = addZone(again.state, { name: 'shop.example.com', plan: 'business' });
      addFirewallEvents(again.state, twin.id, rowsAroundT0());
      const body = (await graphqlQuery(again, EVENTS, { zoneTag: twin.id, ...range })).body as {
        data: { viewer: { zones: { firewallEventsAdaptive: { rayName: string }[] }[] } };
      };
      expect(body.data.viewer.zones[0]!.firewallEventsAdaptive.map((row) => row.rayName)).toEqual(first);
    } finally {
      await again.close();
    }
    emulator.state.behaviour.ingestionLagMaxMs = 0;
    expect(await visibleEvents()).toHaveLength(301); // T0 − 5 min … T0 inclusive
    expect(await hourlyCount()).toBe(301);
  });
});
