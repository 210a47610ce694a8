import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFirewallEvents, addZone, generateFirewallEvents, type Emulator, type FirewallEvent } from '../src/index.js';
import { graphqlQuery, startTestEmulator } from '../src/testing.js';

const NOW = Date.parse('2026-10-20T12:00:00Z');
const LIMIT = 5000;
const QUERY = `query Page($zoneTag: string, $filter: ZoneFirewallEventsAdaptiveFilter_InputObject!) { viewer { zones(filter: {zoneTag: $zoneTag}) {
  firewallEventsAdaptive(filter: $filter, limit: ${LIMIT}, orderBy: [datetime_ASC, rayName_ASC]) { datetime rayName ruleId source } } } }`;

type Row = { datetime: string; rayName: string; ruleId: string; source: string };
const keyOf = (row: Row | FirewallEvent): string => `${row.datetime}|${row.rayName}|${row.ruleId ?? ''}|${row.source}`;

describe('paging a burst by moving the filter (reference §2.5)', () => {
  let emulator: Emulator;
  let zoneId: string;
  let truth: FirewallEvent[];

  beforeAll(async () => {
    emulator = await startTestEmulator({ now: () => NOW });
    zoneId = addZone(emulator.state, { name: 'shop.example.com', plan: 'business' }).id;
    truth = generateFirewallEvents({
      from: new Date(NOW - 3 * 3_600_000),
      // Older than the 5-minute ingestion lag: every event is visible, so paging alone decides what comes back.
      to: new Date(NOW - 6 * 60_000),
      count: 8000,
      bursts: [{ at: new Date(NOW - 3_600_000), size: 12_000 }],
      sharedRayIds: 300,
    });
    addFirewallEvents(emulator.state, zoneId, truth);
  });
  afterAll(() => emulator.close());

  async function page(filter: Record<string, unknown>): Promise<Row[]> {
    const response = await graphqlQuery(emulator, QUERY, { zoneTag: zoneId, filter });
    const body = response.body as { data: { viewer: { zones: { firewallEventsAdaptive: Row[] }[] } } | null; errors: unknown };
    expect(body.errors).toBeNull();
    return body.data?.viewer.zones[0]?.firewallEventsAdaptive ?? [];
  }

  it('returns every event exactly once, including a 12,000-event second and shared Ray IDs', async () => {
    const seen = new Map<string, number>();
    const to = new Date(NOW).toISOString();
    let from = new Date(NOW - 3 * 3_600_000).toISOString();
    let requests = 0;
    for (;;) {
      const rows = await page({ datetime_geq: from, datetime_lt: to });
      requests++;
      const last = rows[rows.length - 1];
      if (rows.length < LIMIT || last === undefined) {
        rows.forEach((row) => seen.set(keyOf(row), (seen.get(keyOf(row)) ?? 0) + 1));
        break;
      }
      // Keep what lies strictly before the last second; restart at that second.
      rows.filter((row) => row.datetime < last.datetime).forEach((row) => seen.set(keyOf(row), (seen.get(keyOf(row)) ?? 0) + 1));
      if (rows[0]?.datetime === last.datetime) {
        // One full second: walk it by Ray ID (rayName_geq, de-duplicated: one Ray ID can carry several events).
        const second = new Map<string, Row>();
        let after = '';
        for (;;) {
          const inSecond = await page(after === '' ? { datetime: last.datetime } : { datetime: last.datetime, rayName_geq: after });
          requests++;
          inSecond.forEach((row) => second.set(keyOf(row), row));
          if (inSecond.length < LIMIT) break;
          after = inSecond[inSecond.length - 1]?.rayName ?? '';
        }
        second.forEach((row, key) => seen.set(key, (seen.get(key) ?? 0) + 1));
        from = new Date(Date.parse(last.datetime) + 1000).toISOString();
      } else {
        from = last.datetime;
      }
    }
    expect(seen.size).toBe(truth.length);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(truth.map(keyOf))).toEqual(new Set(seen.keys()));
    expect(requests).toBeLessThan(12);
  });

  it('answers the same page the same way every time', async () => {
    const filter = { datetime: new Date(NOW - 3_600_000).toISOString().slice(0, 19) + 'Z' };
    const first = await page(filter);
    const second = await page(filter);
    expect(first).toHaveLength(LIMIT);
    expect(second).toEqual(first);
  });
});
