import { afterEach, expect, it } from 'vitest';
import { addFirewallEvents, addHttpRequests, addZone, generateFirewallEvents, generateHttpRequests } from '@luxeret/cloudflare-emulator';
import { runCli } from '../helpers/cli.js';
import { describeEachStore } from '../helpers/store-kinds.js';
import { startPullFixture, type PullFixture } from './pull-fixture.js';

const HOUR = 3_600_000;
describeEachStore('emulator → pull → inventory', (kind) => {
  let fixture: PullFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('inventory --format json counts equal the emulator ground truth for records, distinct IPs and countries', async () => {
    fixture = await startPullFixture({}, kind);
    const now = Date.now();
    const zone = addZone(fixture.emulator.state, { name: 'shop.example.com', plan: 'business' });
    // Attackers repeat: a pool of addresses, IPv4 and IPv6, many countries, a burst in one second.
    const pool = Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? `2001:db8:${i.toString(16)}::1` : `198.51.${i >> 8}.${i & 255}`));
    const events = generateFirewallEvents({
      seed: 11,
      from: new Date(now - 40 * HOUR),
      to: new Date(now - 10 * 60_000),
      count: 6000,
      bursts: [{ at: new Date(now - 5 * HOUR), size: 800 }],
      ipPool: pool,
    });
    addFirewallEvents(fixture.emulator.state, zone.id, events);
    addHttpRequests(fixture.emulator.state, zone.id, generateHttpRequests({ seed: 3, from: new Date(now - 30 * HOUR), to: new Date(now), clientsPerHour: 20 }));
    fixture.writeConfig([{ id: zone.id, name: 'shop' }]);
    expect((await fixture.pull()).code).toBe(0);

    const result = await runCli(['inventory', '--format', 'json', '--local-only'], { env: fixture.env(), cwd: fixture.home });
    expect(result.code).toBe(0);
    const inventory = JSON.parse(result.stdout) as { locations: { id: string; records: number; distinct_ips: number; countries: Record<string, number> }[] };
    const local = inventory.locations.find((l) => l.id === 'local/firewall-events')!;
    const countries: Record<string, number> = {};
    for (const e of events) countries[e.clientCountryName] = (countries[e.clientCountryName] ?? 0) + 1;
    expect(local.records).toBe(events.length);
    expect(local.distinct_ips).toBe(new Set(events.map((e) => e.clientIP)).size);
    expect(local.countries).toEqual(countries);
    // Cloudflare keeps the same events for the business plan's 3 days: the pulled copies are all still there.
    const kept = inventory.locations.find((l) => l.id === 'cloudflare/firewall-events')!;
    expect(kept.records).toBe(events.length);
    // Request analytics: Cloudflare keeps them for the dataset's own window; every pulled hour is inside it here.
    const localHttp = inventory.locations.find((l) => l.id === 'local/http-analytics')!;
    const keptHttp = inventory.locations.find((l) => l.id === 'cloudflare/http-analytics')!;
    expect(localHttp.records).toBeGreaterThan(0);
    expect(keptHttp.records).toBe(localHttp.records);
  });
});
