import Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createState, seedDemoData, startEmulator, type DemoSummary, type Emulator } from '../src/index.js';
import { graphqlQuery } from '../src/testing.js';

const NOW = new Date('2026-10-20T12:00:00Z');
const TOKEN = 'demo-token';

describe('demo data set', () => {
  let emulator: Emulator;
  let summary: DemoSummary;

  beforeAll(async () => {
    const state = createState({ now: () => NOW.getTime() });
    summary = seedDemoData(state, { now: NOW, tokenValue: TOKEN });
    emulator = await startEmulator({ state });
  });
  afterAll(() => emulator.close());

  it('is deterministic', () => {
    const again = seedDemoData(createState({ now: () => NOW.getTime() }), { now: NOW, tokenValue: TOKEN });
    expect(again).toEqual(summary);
    expect(summary.zones.map((z) => z.plan)).toEqual(['enterprise', 'business', 'free']);
    expect(summary.zones.reduce((sum, z) => sum + z.firewallEvents, 0)).toBeGreaterThan(40_000);
  });

  it('serves every zone through REST and GraphQL', async () => {
    const client = new Cloudflare({ apiToken: TOKEN, baseURL: emulator.baseUrl, maxRetries: 0 });
    const zones = [];
    for await (const zone of client.zones.list()) zones.push(zone.name);
    expect(zones.sort()).toEqual(summary.zones.map((z) => z.name).sort());
    const lists = [];
    for await (const list of client.rules.lists.list({ account_id: summary.accountId })) lists.push({ id: list.id, name: list.name, items: list.num_items });
    expect(lists).toEqual(summary.lists);

    for (const zone of summary.zones) {
      const rules = [];
      for await (const rule of client.firewall.accessRules.list({ zone_id: zone.id, per_page: 50 })) rules.push(rule);
      // A zone's listing also shows the account's rules (A2), marked by their scope.
      expect(rules.filter((rule) => (rule.scope?.type as string | undefined) === 'zone')).toHaveLength(zone.accessRules);
      expect(rules.filter((rule) => rule.scope?.type === 'organization')).toHaveLength(summary.accountAccessRules);
      const query = `query($zoneTag: string, $from: Time, $to: Time) { viewer { zones(filter: {zoneTag: $zoneTag}) {
        firewallEventsAdaptive(filter: {datetime_geq: $from, datetime_lt: $to}, limit: 10000, orderBy: [datetime_ASC, rayName_ASC]) { datetime rayName clientIP } } } }`;
      const response = await graphqlQuery(
        emulator,
        query,
        { zoneTag: zone.id, from: new Date(NOW.getTime() - 86_000_000).toISOString(), to: NOW.toISOString() },
        TOKEN,
      );
      const rows =
        (response.body as { data: { viewer: { zones: { firewallEventsAdaptive: unknown[] }[] } } }).data.viewer.zones[0]?.firewallEventsAdaptive ?? [];
      expect(rows.length).toBeGreaterThan(0);
    }
  });
});
