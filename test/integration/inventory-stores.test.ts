import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { FirewallEventRecord } from '../../src/store/firewall-events.js';
import type { HttpAnalyticsRecord } from '../../src/store/http-analytics.js';
import { runCli } from '../helpers/cli.js';
import { startSeededEmulator, TOKEN, writeConfig, ZONE_ENT, ZONE_FREE, ZONE_PRO } from './cloudflare-inventory-fixture.js';
import { describeEachStore, useTargetHome, type TestStoreTarget } from '../helpers/store-kinds.js';
import { ageAwayFromBoundaries, seededRandom } from '../helpers/seeded-random.js';

// The main inventory scenario on both stores: rows written through the port, `inventory` run as a command, its
// numbers checked against a ground truth computed here from the rows themselves.

const DAY_S = 86_400;
const ZONE_A = '0123456789abcdef0123456789abcdef'; // window learnt by a pull: 3 days
const ZONE_B = 'fedcba9876543210fedcba9876543210'; // configured, window not learnt yet
const ZONE_A_WINDOW_S = 3 * DAY_S;
const COUNTRIES = ['KR', 'US', 'JP', 'DE', 'VN', ''];

type LocationJson = Record<string, unknown> & { id: string; kind: string; countries: Record<string, number>; notes: string[] };

function seed(nowS: number): { events: FirewallEventRecord[]; analytics: HttpAnalyticsRecord[] } {
  const next = seededRandom(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const ips = [
    ...Array.from({ length: 60 }, (_, i) => `198.18.${i >> 4}.${i & 15}`),
    ...Array.from({ length: 20 }, (_, i) => `2001:db8:${(i * 7).toString(16)}::${(i + 1).toString(16)}`),
    ...Array.from({ length: 5 }, (_, i) => `203.0.113.${i + 1}`), // a hold covers these
  ];
  const events = Array.from({ length: 900 }, (_, i): FirewallEventRecord => ({
    zoneId: i % 3 === 0 ? ZONE_B : ZONE_A,
    datetime: nowS - ageAwayFromBoundaries(next, 60, [30 * DAY_S, ZONE_A_WINDOW_S]),
    rayName: `ray${i.toString(16).padStart(12, '0')}`,
    clientIp: pick(ips),
    clientCountry: pick(COUNTRIES),
    clientAsn: '64500',
    action: 'block',
    source: 'firewallCustom',
    ruleId: 'rule-1',
    host: i % 4 === 0 ? 'api.luxeret.com' : 'shop.luxeret.com',
    sampleInterval: 1,
    extra: null,
  }));
  const seen = new Set<string>();
  const analytics: HttpAnalyticsRecord[] = [];
  for (let i = 0; i < 300; i++) {
    const row = {
      zoneId: pick([ZONE_A, ZONE_B]),
      hour: nowS - ageAwayFromBoundaries(next, 14, [7 * DAY_S]),
      clientIp: next() < 0.2 ? '' : pick(ips),
      clientCountry: pick(COUNTRIES.filter((c) => c !== '')),
      requests: 1 + Math.floor(next() * 50),
    };
    const key = `${row.zoneId}|${row.hour}|${row.clientIp}|${row.clientCountry}`;
    if (!seen.has(key)) analytics.push(row);
    seen.add(key);
  }
  return { events, analytics };
}

// The ground truth, from the rows written, independently of the SQL the tool runs.
const isHeldIp = (ip: string) => ip.startsWith('203.0.113.');
const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

function expectedCountries(rows: readonly { clientCountry: string }[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const { clientCountry } of rows) counts.set(clientCountry || 'XX', (counts.get(clientCountry || 'XX') ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function truthOf(rows: readonly { clientIp: string; clientCountry: string }[], times: readonly number[], cutoffS: number) {
  const past = rows.filter((_, i) => times[i]! < cutoffS);
  return {
    records: rows.length,
    distinct_ips: new Set(rows.map((r) => r.clientIp).filter((ip) => ip !== '')).size,
    countries: expectedCountries(rows),
    oldest: iso(Math.min(...times)),
    newest: iso(Math.max(...times)),
    past_retention: past.filter((r) => !isHeldIp(r.clientIp)).length,
    held: past.filter((r) => isHeldIp(r.clientIp)).length,
  };
}

describeEachStore('inventory', (kind) => {
  let dir: string;
  let target: TestStoreTarget;
  let home: string;
  let env: Record<string, string>;
  useTargetHome(kind, (made) => ({ dir, target, home, env } = made));

  async function seededHome(extraConfig = '') {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    writeFileSync(
      join(home, 'config.yaml'),
      `zones:\n  - id: "${ZONE_A}"\n    name: "shop.luxeret.com"\n  - id: "${ZONE_B}"\nretention:\n  firewall_events: 30d\n  http_analytics: 7d\n${target.configYaml}${extraConfig}`,
      { mode: 0o600 },
    );
    const init = await runCli(['init'], { env, cwd: dir });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const nowS = Math.floor(Date.now() / 1000);
    const data = seed(nowS);
    const store = await target.openPort(home);
    try {
      await store.transaction(async (tx) => {
        await tx.insertFirewallEvents(data.events);
        await tx.upsertHttpAnalytics(data.analytics);
        // What a pull stores after reading the zone's `settings` node.
        await tx.writeMeta(
          `zone_settings:${ZONE_A}`,
          JSON.stringify({
            firewallEventsAdaptive: { notOlderThan: ZONE_A_WINDOW_S, maxDuration: ZONE_A_WINDOW_S, maxPageSize: 10_000 },
            httpRequestsAdaptiveGroups: { notOlderThan: 7 * DAY_S, maxDuration: DAY_S, maxPageSize: 10_000 },
          }),
        );
        await tx.insertHold({
          id: 'hold-1',
          network: '203.0.113.0/24',
          country: undefined,
          from: undefined,
          to: undefined,
          until: undefined,
          releasedAt: undefined,
          reason: 'Police investigation',
          reference: 'KNPA-2025-1',
          createdAt: new Date(nowS * 1000),
          createdBy: 'test',
        });
      });
    } finally {
      await store.close();
    }
    return { nowS, ...data };
  }

  const inventoryJson = async (args: string[] = []) => {
    const result = await runCli(['inventory', '--format', 'json', '--local-only', ...args], { env, cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return (JSON.parse(result.stdout) as { locations: LocationJson[] }).locations;
  };

  it('--format json counts equal the ground truth for every location', async () => {
    const { nowS, events, analytics } = await seededHome('backup_retention: 14d\n');
    const locations = await inventoryJson();
    expect(locations.map((l) => l.id)).toEqual([
      'local/firewall-events',
      'local/http-analytics',
      ...(kind === 'postgres' ? ['postgres/wal-and-backups'] : []),
      'cloudflare/firewall-events',
      'cloudflare/http-analytics',
    ]);
    const byId = (id: string) => locations.find((l) => l.id === id)!;
    const withCountries = (l: LocationJson) => ({ ...l, countries: Object.entries(l.countries) });

    const fwTruth = truthOf(
      events,
      events.map((e) => e.datetime),
      nowS - 30 * DAY_S,
    );
    expect(fwTruth.held).toBeGreaterThan(0);
    expect(fwTruth.past_retention).toBeGreaterThan(0);
    expect(withCountries(byId('local/firewall-events'))).toMatchObject({ kind: 'local', ...fwTruth, retention: '30d', controlled_by: 'us', status: 'ok' });

    const http = byId('local/http-analytics');
    const httpTruth = truthOf(
      analytics,
      analytics.map((a) => a.hour),
      nowS - 7 * DAY_S,
    );
    expect(withCountries(http)).toMatchObject({ kind: 'local', ...httpTruth, retention: '7d' });
    expect(http['requests']).toBe(analytics.reduce((sum, a) => sum + a.requests, 0));

    // Cloudflare keeps zone A's events for 3 days; zone B's window is not known yet, so it counts nothing.
    const inWindow = events.filter((e) => e.zoneId === ZONE_A && e.datetime >= nowS - ZONE_A_WINDOW_S);
    const newestA = Math.max(...inWindow.map((e) => e.datetime));
    const cloudflare = byId('cloudflare/firewall-events');
    expect(withCountries(cloudflare)).toMatchObject({
      kind: 'cloudflare',
      records: inWindow.length,
      distinct_ips: new Set(inWindow.map((e) => e.clientIp)).size,
      countries: expectedCountries(inWindow),
      oldest: iso(Math.min(...inWindow.map((e) => e.datetime))),
      newest: iso(newestA),
      expires: iso(newestA + ZONE_A_WINDOW_S),
    });
    expect((cloudflare['zones'] as { zone_id: string; records: number | null }[]).map((z) => [z.zone_id, z.records])).toEqual([
      [ZONE_A, inWindow.length],
      [ZONE_B, null],
    ]);

    if (kind === 'postgres') {
      // No purge has run yet: the report names backup_retention, the server's WAL sizes, and no date.
      const wal = byId('postgres/wal-and-backups');
      expect(wal).toMatchObject({ kind: 'engine', records: 0, retention: '14d', controlled_by: 'us', expires: null, status: 'ok' });
      expect(wal.notes.join('\n')).toMatch(/wal_keep_size \d+ MB and max_wal_size \d+ MB/);
      expect(wal.notes).toContain(
        'base backups are kept for 14d (backup_retention): no purge has run yet; rows a purge deletes may exist in backups for 14d after it',
      );
    }
  });

  it('--zone restricts every location to that zone', async () => {
    const { nowS, events } = await seededHome();
    const locations = await inventoryJson(['--zone', ZONE_B]);
    const zoneB = events.filter((e) => e.zoneId === ZONE_B);
    const firewall = locations.find((l) => l.id === 'local/firewall-events')!;
    expect({ ...firewall, countries: Object.entries(firewall.countries) }).toMatchObject(
      truthOf(
        zoneB,
        zoneB.map((e) => e.datetime),
        nowS - 30 * DAY_S,
      ),
    );
    const cloudflare = locations.find((l) => l.id === 'cloudflare/firewall-events')!;
    expect(cloudflare.records).toBe(0);
    expect((cloudflare['zones'] as { zone_id: string }[]).map((z) => z.zone_id)).toEqual([ZONE_B]);
  });

  it('the HTML report shows the same numbers, and on PostgreSQL until when backups may hold deleted rows', async () => {
    const { events } = await seededHome('backup_retention: P2W\n');
    const store = await target.openPort(home);
    try {
      await store.writeMeta('last_purge_at', '2025-03-01T03:00:00Z');
    } finally {
      await store.close();
    }
    const result = await runCli(['inventory', '--format', 'html', '--local-only', '--lang', 'en'], { env, cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('<!DOCTYPE html>');
    expect(result.stdout).toContain(events.length.toLocaleString('en-US'));
    expect(result.stdout).toContain('api.luxeret.com');
    const mentionsBackups = result.stdout.includes('may exist in them until 2025-03-15T03:00:00Z');
    expect(mentionsBackups).toBe(kind === 'postgres');
  });

  it("judges Cloudflare's objects with the purpose rule's evidence read from the store", async () => {
    const { emulator, truth } = await startSeededEmulator();
    try {
      mkdirSync(home, { recursive: true, mode: 0o700 });
      writeConfig(home, [ZONE_ENT, ZONE_PRO, ZONE_FREE], target.configYaml);
      const cloudflareEnv = { ...env, CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl };
      expect((await runCli(['init'], { env: cloudflareEnv, cwd: dir })).code).toBe(0);
      const result = await runCli(['inventory', '--format', 'json'], { env: cloudflareEnv, cwd: dir });
      expect(result.code).toBe(0);
      const locations = (JSON.parse(result.stdout) as { locations: LocationJson[] }).locations;
      expect(locations.some((l) => l.id === 'postgres/wal-and-backups')).toBe(kind === 'postgres');
      const rules = locations.find((l) => l.id === 'cloudflare/access-rules')!;
      expect(rules).toMatchObject({ records: truth.accessRules.records, distinct_ips: truth.accessRules.distinctIps, status: 'ok', past_retention: 0 });
      // No events pulled: the purpose rule may call nothing idle, on either store.
      expect(rules.notes.some((note) => /kept as undetermined: no security events have been pulled/.test(note))).toBe(true);
      expect(locations.find((l) => l.id === 'cloudflare/list-items')).toMatchObject({ records: truth.listItems.records, status: 'ok' });
    } finally {
      await emulator.close();
    }
  });

  it('works on an empty store: zeros and nulls, exit 0', async () => {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    writeFileSync(join(home, 'config.yaml'), target.configYaml, { mode: 0o600 });
    expect((await runCli(['init'], { env, cwd: dir })).code).toBe(0);
    const [firewall] = await inventoryJson();
    expect(firewall).toMatchObject({
      id: 'local/firewall-events',
      records: 0,
      distinct_ips: 0,
      countries: {},
      oldest: null,
      newest: null,
      past_retention: 0,
      held: 0,
    });
  });
});
