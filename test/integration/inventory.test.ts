import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { insertHold } from '../../src/store/holds.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { ageAwayFromBoundaries, seededRandom } from '../helpers/seeded-random.js';

const DAY_S = 86_400;
const ZONE_A = '0123456789abcdef0123456789abcdef'; // window learnt by a pull: 3 days
const ZONE_B = 'fedcba9876543210fedcba9876543210'; // configured, window not learnt yet
const ZONE_A_WINDOW_S = 3 * DAY_S;
const COUNTRIES = ['KR', 'US', 'JP', 'CN', 'DE', 'FR', 'GB', 'BR', 'IN', 'RU', 'VN', 'SG', 'NL', 'CA', 'AU', ''];

interface Event {
  zone: string;
  at: number;
  ip: string;
  country: string;
}
interface Analytics {
  zone: string;
  hour: number;
  ip: string;
  country: string;
  requests: number;
}

let home: string;
let cwd: string;
let cleanup: () => void;
let env: Record<string, string>;

beforeEach(() => {
  const temp = makeTempDir();
  cleanup = temp.cleanup;
  home = join(temp.dir, 'home');
  cwd = temp.dir;
  env = { LUXERET_HOME: home };
});
afterEach(() => cleanup());

async function initHome(): Promise<void> {
  expect((await runCli(['init'], { env, cwd })).code).toBe(0);
  writeFileSync(
    join(home, 'config.yaml'),
    `zones:\n  - id: "${ZONE_A}"\n    name: "shop.luxeret.com"\n  - id: "${ZONE_B}"\nretention:\n  firewall_events: 30d\n  http_analytics: 7d\n`,
  );
}

function seed(nowS: number): { events: Event[]; analytics: Analytics[] } {
  const next = seededRandom(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  // 150 IPv4 addresses, 50 IPv6, and a /24 that a hold covers; many events share an address.
  const ips = [
    ...Array.from({ length: 150 }, (_, i) => `198.18.${i >> 4}.${i & 15}`),
    ...Array.from({ length: 50 }, (_, i) => `2001:db8:${(i * 7).toString(16)}::${(i + 1).toString(16)}`),
    ...Array.from({ length: 10 }, (_, i) => `203.0.113.${i + 1}`),
  ];
  const events: Event[] = [];
  for (let i = 0; i < 3000; i++) {
    const zone = i % 3 === 0 ? ZONE_B : ZONE_A;
    events.push({ zone, at: nowS - ageAwayFromBoundaries(next, 60, [30 * DAY_S, ZONE_A_WINDOW_S]), ip: pick(ips), country: pick(COUNTRIES) });
  }
  // Several events in the same second from the same address (one request, several rules).
  for (let i = 0; i < 5; i++) events.push({ zone: ZONE_A, at: nowS - 100, ip: '198.18.0.1', country: 'KR' });
  const seen = new Set<string>();
  const analytics: Analytics[] = [];
  for (let i = 0; i < 800; i++) {
    const zone = pick([ZONE_A, ZONE_B]);
    const hour = nowS - ageAwayFromBoundaries(next, 14, [7 * DAY_S]);
    const ip = next() < 0.2 ? '' : pick(ips);
    const country = pick(COUNTRIES.filter((c) => c !== ''));
    const key = `${zone}|${hour}|${ip}|${country}`;
    if (seen.has(key)) continue;
    seen.add(key);
    analytics.push({ zone, hour, ip, country, requests: 1 + Math.floor(next() * 50) });
  }
  return { events, analytics };
}

function insertRows(events: readonly Event[], analytics: readonly Analytics[]): void {
  const db = new Database(join(home, 'luxeret.db'));
  const insertEvent = db.prepare(
    `INSERT INTO firewall_events (zone_id, datetime, ray_name, client_ip, client_country, client_asn, action, source, rule_id, host)
     VALUES (?, ?, ?, ?, ?, '64500', 'block', 'firewallCustom', 'rule-1', 'shop.luxeret.com')`,
  );
  const insertAnalytics = db.prepare('INSERT INTO http_analytics (zone_id, hour, client_ip, client_country, requests) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    events.forEach((e, i) => insertEvent.run(e.zone, e.at, `ray${i.toString(16).padStart(12, '0')}`, e.ip, e.country));
    for (const a of analytics) insertAnalytics.run(a.zone, a.hour, a.ip, a.country, a.requests);
    // What a pull stores after reading the zone's `settings` node.
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(
      `zone_settings:${ZONE_A}`,
      JSON.stringify({
        firewallEventsAdaptive: { notOlderThan: ZONE_A_WINDOW_S, maxDuration: ZONE_A_WINDOW_S, maxPageSize: 10_000 },
        httpRequestsAdaptiveGroups: { notOlderThan: 7 * DAY_S, maxDuration: DAY_S, maxPageSize: 10_000 },
      }),
    );
  })();
  db.close();
}

function addHold(now: Date): void {
  const db = openStore(join(home, 'luxeret.db'));
  insertHold(db, {
    id: 'hold-1',
    network: '203.0.113.0/24',
    country: undefined,
    from: undefined,
    to: undefined,
    until: undefined,
    releasedAt: undefined,
    reason: 'Police investigation',
    reference: 'KNPA-2025-1',
    createdAt: now,
    createdBy: 'test',
  });
  db.close();
}

// The ground truth, computed from the rows we inserted, independently of the SQL the tool runs.
const isHeldIp = (ip: string) => ip.startsWith('203.0.113.');
const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

function expectedCountries(rows: readonly { country: string }[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const { country } of rows) counts.set(country || 'XX', (counts.get(country || 'XX') ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function truthOf(rows: readonly { ip: string; country: string }[], times: readonly number[], cutoffS: number) {
  const past = rows.filter((_, i) => times[i]! < cutoffS);
  return {
    records: rows.length,
    distinct_ips: new Set(rows.map((r) => r.ip).filter((ip) => ip !== '')).size,
    countries: expectedCountries(rows),
    oldest: iso(Math.min(...times)),
    newest: iso(Math.max(...times)),
    past_retention: past.filter((r) => !isHeldIp(r.ip)).length,
    held: past.filter((r) => isHeldIp(r.ip)).length,
  };
}

async function seededHome() {
  await initHome();
  const nowS = Math.floor(Date.now() / 1000);
  const data = seed(nowS);
  insertRows(data.events, data.analytics);
  addHold(new Date(nowS * 1000));
  return { nowS, ...data };
}

type LocationJson = Record<string, unknown> & { id: string; countries: Record<string, number>; notes: string[] };

describe('inventory', () => {
  it('--format json counts equal the ground truth for every location', async () => {
    const { nowS, events, analytics } = await seededHome();
    // --local-only: the Cloudflare objects (access rules, lists, …) need the API and have their own tests.
    const result = await runCli(['inventory', '--format', 'json', '--local-only'], { env, cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { generated_at: string; locations: LocationJson[] };
    expect(Object.keys(doc)).toEqual(['generated_at', 'locations']);
    expect(doc.generated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(doc.locations.map((l) => l.id)).toEqual([
      'local/firewall-events',
      'local/http-analytics',
      'cloudflare/firewall-events',
      'cloudflare/http-analytics',
    ]);
    const [firewall, http, cloudflare] = doc.locations as [LocationJson, LocationJson, LocationJson];

    const fwTruth = truthOf(
      events,
      events.map((e) => e.at),
      nowS - 30 * DAY_S,
    );
    expect(fwTruth.held).toBeGreaterThan(0);
    expect(fwTruth.past_retention).toBeGreaterThan(0);
    expect(fwTruth.countries.length).toBe(COUNTRIES.length);
    expect({ ...firewall, countries: Object.entries(firewall.countries) }).toMatchObject({
      kind: 'local',
      ...fwTruth,
      retention: '30d',
      controlled_by: 'us',
      expires: null,
      status: 'ok',
    });

    const httpTruth = truthOf(
      analytics,
      analytics.map((a) => a.hour),
      nowS - 7 * DAY_S,
    );
    expect({ ...http, countries: Object.entries(http.countries) }).toMatchObject({ kind: 'local', ...httpTruth, retention: '7d' });
    expect(http['requests']).toBe(analytics.reduce((sum, a) => sum + a.requests, 0));
    expect(http.notes.join('\n')).toContain("row(s) have countries only: the zone's plan does not offer clientIP");

    // Cloudflare keeps zone A's events for 3 days; zone B's window is not known yet, so it counts nothing.
    const inWindow = events.filter((e) => e.zone === ZONE_A && e.at >= nowS - ZONE_A_WINDOW_S);
    const newestA = Math.max(...inWindow.map((e) => e.at));
    expect({ ...cloudflare, countries: Object.entries(cloudflare.countries) }).toMatchObject({
      kind: 'cloudflare',
      records: inWindow.length,
      distinct_ips: new Set(inWindow.map((e) => e.ip)).size,
      countries: expectedCountries(inWindow),
      oldest: iso(Math.min(...inWindow.map((e) => e.at))),
      newest: iso(newestA),
      past_retention: 0,
      held: 0,
      retention: '3d',
      controlled_by: 'cloudflare',
      expires: iso(newestA + ZONE_A_WINDOW_S),
      status: 'ok',
    });
    expect(cloudflare['zones']).toEqual([
      {
        zone_id: ZONE_A,
        name: 'shop.luxeret.com',
        window_seconds: ZONE_A_WINDOW_S,
        records: inWindow.length,
        oldest: cloudflare['oldest'],
        newest: iso(newestA),
        expires: iso(newestA + ZONE_A_WINDOW_S),
      },
      { zone_id: ZONE_B, name: null, window_seconds: null, records: null, oldest: null, newest: null, expires: null },
    ]);
    expect(cloudflare.notes).toContain(
      `zone shop.luxeret.com (${ZONE_A}): kept by Cloudflare for 3 days; not deletable through the API; the pulled copies age out from ${iso(Math.min(...inWindow.map((e) => e.at)) + ZONE_A_WINDOW_S)} to ${iso(newestA + ZONE_A_WINDOW_S)}`,
    );
    expect(cloudflare.notes).toContain(`zone ${ZONE_B}: window unknown; run pull to learn this zone's window`);
  });

  it('agrees with purge --dry-run on what is past retention and what is held', async () => {
    await seededHome();
    const inventory = JSON.parse((await runCli(['inventory', '--format', 'json', '--local-only'], { env, cwd })).stdout) as { locations: LocationJson[] };
    const dry = await runCli(['purge', '--dry-run', '--json'], { env, cwd });
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as { locations: { id: string; planned: number; held: number }[] };
    const local = plan.locations.filter((location) => location.id.startsWith('local/'));
    expect(local.map((location) => location.id)).toEqual(['local/firewall-events', 'local/http-analytics']);
    for (const location of local) {
      const held = inventory.locations.find((l) => l.id === location.id)!;
      expect({ id: location.id, planned: location.planned, held: location.held }).toEqual({ id: held.id, planned: held['past_retention'], held: held['held'] });
    }
  });

  it('--zone restricts every location to that zone', async () => {
    const { nowS, events } = await seededHome();
    const result = await runCli(['inventory', '--format', 'json', '--local-only', '--zone', ZONE_B], { env, cwd });
    expect(result.code).toBe(0);
    const [firewall, , cloudflare] = (JSON.parse(result.stdout) as { locations: LocationJson[] }).locations as [LocationJson, LocationJson, LocationJson];
    const zoneB = events.filter((e) => e.zone === ZONE_B);
    expect({ ...firewall, countries: Object.entries(firewall.countries) }).toMatchObject(
      truthOf(
        zoneB,
        zoneB.map((e) => e.at),
        nowS - 30 * DAY_S,
      ),
    );
    expect(cloudflare.records).toBe(0);
    expect((cloudflare['zones'] as { zone_id: string }[]).map((z) => z.zone_id)).toEqual([ZONE_B]);
  });

  it('--format csv has a header and one RFC 4180 row per location', async () => {
    await seededHome();
    const result = await runCli(['inventory', '--format', 'csv'], { env, cwd });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\r\n');
    expect(lines[0]).toBe(
      'id,kind,records,distinct_ips,countries,oldest,newest,past_retention,held,retention,controlled_by,expires,status,notes,requests,bytes',
    );
    expect(lines.filter((line) => /^(local|cloudflare)\//.test(line)).length).toBe(4);
    expect(result.stdout.endsWith('\r\n')).toBe(true);
  });

  it('--format table (the default) shows one row per location with abbreviated countries', async () => {
    await seededHome();
    const result = await runCli(['inventory'], { env, cwd });
    expect(result.code).toBe(0);
    for (const id of ['local/firewall-events', 'local/http-analytics', 'cloudflare/firewall-events', 'cloudflare/http-analytics'])
      expect(result.stdout).toContain(id);
    expect(result.stdout).toMatch(/[A-Z]{2} [\d,]+, [A-Z]{2} [\d,]+, [A-Z]{2} [\d,]+, … \(\+\d+\)/);
    expect(result.stdout).not.toContain('\u001b');
  });

  it('--output writes the report with mode 0600 and says where on stderr', async () => {
    await seededHome();
    const target = join(cwd, 'inventory.json');
    writeFileSync(target, 'old', { mode: 0o644 });
    const result = await runCli(['inventory', '--format', 'json', '--output', 'inventory.json'], { env, cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(target);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(target, 'utf8')).locations).toHaveLength(4);
  });

  it('works on an empty store: zeros and nulls, exit 0, no API token needed', async () => {
    await initHome();
    const result = await runCli(['inventory', '--format', 'json'], { env: { ...env, CLOUDFLARE_API_TOKEN: '' }, cwd });
    expect(result.code).toBe(0);
    const [firewall] = (JSON.parse(result.stdout) as { locations: LocationJson[] }).locations as [LocationJson];
    expect(firewall).toMatchObject({ records: 0, distinct_ips: 0, countries: {}, oldest: null, newest: null, past_retention: 0, held: 0 });
  });

  it('exits 7 with a hint to run init when there is no store', async () => {
    const result = await runCli(['inventory'], { env, cwd });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('luxeret-privacy init');
  });

  it('exits 2 on a malformed --zone or --format', async () => {
    await initHome();
    expect((await runCli(['inventory', '--zone', 'nope'], { env, cwd })).code).toBe(2);
    expect((await runCli(['inventory', '--format', 'xml'], { env, cwd })).code).toBe(2);
  });

  it('--help has an example', async () => {
    const result = await runCli(['inventory', '--help'], { env, cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('luxeret-privacy inventory --format json');
  });
});
