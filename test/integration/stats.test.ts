import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { insertAnalytics, insertEvents, queryStore, writeConfig, ZONE_ID, type SeedEvent, useInitialisedHome } from '../helpers/store.js';
import { childEnv } from '../helpers/child-env.js';
import { seedAnalytics, seedEvents as seedPortEvents, startStoreHome, type StoreHome } from '../helpers/store-home.js';
import { describeEachStore } from '../helpers/store-kinds.js';
import { sourceCliArgs } from '../helpers/source-cli.js';

const DAY_S = 86_400;
const MIN_COUNT = 5;
const ZONE_2 = 'a'.repeat(32);
let home: string;
let env: Record<string, string>;
const CONFIG = `retention:\n  firewall_events: 30d\n  http_analytics: 30d\nstatistics:\n  min_count: ${MIN_COUNT}\n`;
// The purge on PostgreSQL is another branch's (issue 13, purge): these blocks run on SQLite until it lands.
const useSqliteHome = () => useInitialisedHome(CONFIG, (made) => ({ home, env } = made));

const store = () => join(home, 'luxeret.db');

/**
 * Per zone and UTC day: KR 20 IPs × 2 events, US 6 IPs × 1, '' (unknown) 7 IPs × 1 – publishable at min_count 5;
 * CN 1 IP × 50 events (one visitor's behaviour) and DE 3 IPs × 1 – to be suppressed. Times are spread over each
 * day so the retention cut-off falls mid-day; none lies within 5 minutes of a cut-off the test uses.
 */
function seedEvents(now: Date, perIp = 1): SeedEvent[] {
  const nowS = Math.floor(now.getTime() / 1000);
  const today = nowS - (nowS % DAY_S);
  const avoid = [30, 29].map((days) => nowS - days * DAY_S);
  const events: SeedEvent[] = [];
  let n = 0;
  for (let d = 59; d >= 0; d--) {
    const day = today - d * DAY_S;
    for (const [z, zone] of [ZONE_ID, ZONE_2].entries()) {
      const plan: [string, number, number, (i: number) => string][] = [
        ['KR', 20, 2 * perIp, (i) => `198.18.${z}.${i}`],
        ['US', 6, perIp, (i) => `198.19.${z}.${i}`],
        ['', 7, perIp, (i) => `203.0.113.${z * 10 + i}`],
        ['CN', 1, 50 * perIp, () => `2001:db8:c0::${z + 1}`],
        ['DE', 3, perIp, (i) => `2001:db8:de::${z}:${i + 1}`],
      ];
      const rows = plan.flatMap(([country, ips, each, ip]) => Array.from({ length: ips * each }, (_, k) => ({ country, ip: ip(k % ips) })));
      rows.forEach((row, i) => {
        const at = day + Math.floor(((i + 0.5) * DAY_S) / rows.length) + z * 7;
        if (at > nowS - 60 || avoid.some((cut) => Math.abs(at - cut) < 300)) return;
        events.push({ zone, at: new Date(at * 1000), ray: `ray${(n++).toString(16).padStart(12, '0')}`, ip: row.ip, country: row.country });
      });
    }
  }
  return events;
}

interface Cell {
  dataset: string;
  day: number;
  zone_id: string;
  country: string;
  count: number;
  distinct_ips: number | null;
}

/** What the roll-up must hold: every (day, zone) with an event before `cutoffS`, from ALL that day's events. */
function expectedEventCells(events: readonly SeedEvent[], cutoffS: number): Cell[] {
  const at = (e: SeedEvent) => Math.floor(e.at.getTime() / 1000);
  const units = new Set(events.filter((e) => at(e) < cutoffS).map((e) => `${e.zone}|${at(e) - (at(e) % DAY_S)}`));
  const cells = new Map<string, { zone: string; day: number; country: string; count: number; ips: Set<string> }>();
  for (const e of events) {
    const day = at(e) - (at(e) % DAY_S);
    if (!units.has(`${e.zone}|${day}`)) continue;
    const key = `${day}|${e.zone}|${e.country}`;
    const cell = cells.get(key) ?? { zone: e.zone, day, country: e.country, count: 0, ips: new Set<string>() };
    cell.count += 1;
    cell.ips.add(e.ip);
    cells.set(key, cell);
  }
  return [...cells.values()]
    .filter((cell) => cell.count >= MIN_COUNT && cell.ips.size >= MIN_COUNT)
    .map((cell) => ({ dataset: 'firewall_events', day: cell.day, zone_id: cell.zone, country: cell.country, count: cell.count, distinct_ips: cell.ips.size }))
    .sort(byKey);
}

function countUnits(events: readonly SeedEvent[], cutoffS: number): number {
  const at = (e: SeedEvent) => Math.floor(e.at.getTime() / 1000);
  return new Set(events.filter((e) => at(e) < cutoffS).map((e) => `${e.zone}|${at(e) - (at(e) % DAY_S)}`)).size;
}

function byKey(a: Cell, b: Cell): number {
  return a.day - b.day || a.dataset.localeCompare(b.dataset) || a.zone_id.localeCompare(b.zone_id) || a.country.localeCompare(b.country);
}

const readCells = (dataset = 'firewall_events') =>
  queryStore<Cell>(store(), 'SELECT dataset, day, zone_id, country, count, distinct_ips FROM stats_daily WHERE dataset = ?', dataset).sort(byKey);
const countEvents = () => queryStore<{ n: number }>(store(), 'SELECT COUNT(*) AS n FROM firewall_events')[0]!.n;

const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/;
// Timestamps (12:34:56) look like IPv6 groups: take them out before looking for IPv6 text.
const IPV6 = /(?:[0-9a-f]{1,4}:){2,}[0-9a-f]{0,4}|::[0-9a-f]{1,4}/i;
function expectNoIp(text: string, seededIps: readonly string[]): void {
  const withoutTimes = text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, '');
  expect(withoutTimes).not.toMatch(IPV4);
  expect(withoutTimes).not.toMatch(IPV6);
  for (const ip of seededIps) expect(text.includes(ip)).toBe(false);
}

describe('anonymised statistics', () => {
  useSqliteHome();
  it('are rolled up before the purge, survive it, suppress small cells, hold no IP, and are not counted twice', async () => {
    const now = new Date();
    const events = seedEvents(now);
    insertEvents(store(), events);
    const cutoff30 = Math.floor(now.getTime() / 1000) - 30 * DAY_S;

    const purge = await runCli(['purge', '--json'], { env });
    expect(purge.code).toBe(0);
    // The raw rows before the cut-off are gone; their statistics are there, exactly, from whole days.
    expect(queryStore(store(), 'SELECT id FROM firewall_events WHERE datetime < ?', cutoff30)).toHaveLength(0);
    const expected30 = expectedEventCells(events, cutoff30);
    expect(expected30.length).toBeGreaterThan(0);
    expect(readCells()).toEqual(expected30);
    // Every (day, zone) with a row before the cut-off – the cut-off's own day included, whole.
    expect(queryStore<{ n: number }>(store(), "SELECT COUNT(*) AS n FROM stats_rollups WHERE dataset = 'firewall_events'")[0]!.n).toBe(
      countUnits(events, cutoff30),
    );
    // Suppressed: CN (50 events, 1 IP) and DE (3 IPs) never stored; nothing below min_count.
    expect(readCells().filter((c) => c.country === 'CN' || c.country === 'DE')).toEqual([]);
    for (const cell of readCells()) {
      expect(cell.count).toBeGreaterThanOrEqual(MIN_COUNT);
      expect(cell.distinct_ips).toBeGreaterThanOrEqual(MIN_COUNT);
    }
    const partialDay = cutoff30 - (cutoff30 % DAY_S);
    const krPartial = readCells().find((c) => c.day === partialDay && c.zone_id === ZONE_ID && c.country === 'KR');
    expect(krPartial).toMatchObject({ count: 40, distinct_ips: 20 });

    // A re-run changes nothing; a later cut-off (retention 29d) finishes the partial day without counting it again.
    expect((await runCli(['purge'], { env })).code).toBe(0);
    expect(readCells()).toEqual(expected30);
    writeConfig(home, `retention:\n  firewall_events: 29d\n  http_analytics: 30d\nstatistics:\n  min_count: ${MIN_COUNT}\n`);
    expect((await runCli(['purge'], { env })).code).toBe(0);
    const cutoff29 = cutoff30 + DAY_S;
    expect(queryStore(store(), 'SELECT id FROM firewall_events WHERE datetime < ?', cutoff29)).toHaveLength(0);
    expect(readCells()).toEqual(expectedEventCells(events, cutoff29));
    expect(readCells().find((c) => c.day === partialDay && c.zone_id === ZONE_ID && c.country === 'KR')).toEqual(krPartial);

    // No IP anywhere in the statistics tables nor in any output format.
    const seededIps = [...new Set(events.map((e) => e.ip))];
    const raw = queryStore<Record<string, unknown>>(store(), 'SELECT * FROM stats_daily')
      .concat(queryStore(store(), 'SELECT * FROM stats_rollups'))
      .map((row) => JSON.stringify(row))
      .join('\n');
    expectNoIp(raw, seededIps);
    for (const format of ['table', 'json', 'csv']) {
      const out = await runCli(['stats', '--format', format], { env });
      expect(out.code).toBe(0);
      expectNoIp(out.stdout, seededIps);
    }
    const json = JSON.parse((await runCli(['stats', '--format', 'json'], { env })).stdout);
    expect(json.cells).toHaveLength(readCells().length);
    expect(json.min_count).toBe(MIN_COUNT);
    expect(json.suppressed_cells).toBe(countUnits(events, cutoff30 + DAY_S) * 2);
    expect(json.cells[0]).toEqual({
      day: new Date(readCells()[0]!.day * 1000).toISOString().slice(0, 10),
      dataset: 'firewall_events',
      zone_id: readCells()[0]!.zone_id,
      zone_name: readCells()[0]!.zone_id === ZONE_ID ? 'luxeret.com' : null,
      country: readCells()[0]!.country,
      unit: 'events',
      count: readCells()[0]!.count,
      distinct_ips: readCells()[0]!.distinct_ips,
    });
    for (const cell of json.cells) expect(cell.count >= MIN_COUNT && cell.distinct_ips >= MIN_COUNT).toBe(true);
  });

  it('--from/--to select whole UTC days; bad times are usage errors', async () => {
    const now = new Date();
    insertEvents(store(), seedEvents(now));
    expect((await runCli(['purge'], { env })).code).toBe(0);
    const all = JSON.parse((await runCli(['stats', '--format', 'json'], { env })).stdout).cells as { day: string }[];
    const days = [...new Set(all.map((c) => c.day))].sort();
    const from = `${days[2]}T12:00:00Z`;
    const to = `${days[5]}T00:00:00Z`;
    const some = JSON.parse((await runCli(['stats', '--format', 'json', '--from', from, '--to', to], { env })).stdout).cells as { day: string }[];
    expect([...new Set(some.map((c) => c.day))]).toEqual(days.slice(2, 5));
    const csv = (await runCli(['stats', '--format', 'csv', '--from', from, '--to', to], { env })).stdout;
    expect(csv.split('\r\n')[0]).toBe('day,dataset,zone_id,zone_name,country,unit,count,distinct_ips');
    expect(csv.trimEnd().split('\r\n')).toHaveLength(some.length + 1);
    const bad = await runCli(['stats', '--from', 'yesterday'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from');
  });

  it('roll up request counts from HTTP analytics, with distinct IPs only where the rows carried them', async () => {
    const now = new Date();
    const nowS = Math.floor(now.getTime() / 1000);
    const day = nowS - (nowS % DAY_S) - 40 * DAY_S;
    const rows = [];
    for (let h = 0; h < 24; h++) {
      const hour = new Date((day + h * 3600) * 1000);
      for (let i = 0; i < 10; i++) rows.push({ zone: ZONE_ID, hour, ip: `198.51.100.${i}`, country: 'KR', requests: 3 });
      rows.push({ zone: ZONE_ID, hour, ip: '', country: 'JP', requests: 40 });
      rows.push({ zone: ZONE_ID, hour, ip: '198.51.100.200', country: 'FR', requests: 100 });
    }
    insertAnalytics(store(), rows);
    expect((await runCli(['purge'], { env })).code).toBe(0);
    expect(queryStore(store(), 'SELECT id FROM http_analytics')).toHaveLength(0);
    expect(readCells('http_analytics')).toEqual([
      { dataset: 'http_analytics', day, zone_id: ZONE_ID, country: 'JP', count: 24 * 40, distinct_ips: null },
      { dataset: 'http_analytics', day, zone_id: ZONE_ID, country: 'KR', count: 24 * 10 * 3, distinct_ips: 10 },
    ]);
    const table = (await runCli(['stats'], { env })).stdout;
    expect(table).toContain('960 requests');
    expect(table).toContain('(not known)');
    expectNoIp(table, ['198.51.100.200', '198.51.100.1']);
  });
});

describeEachStore('statistics and subject erasure', (kind) => {
  let target: StoreHome;
  beforeEach(async () => {
    target = await startStoreHome(kind, { config: `zones:\n  - id: "${ZONE_ID}"\n    name: luxeret.com\n${CONFIG}` });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await target.close();
  });
  const cellsOf = async (dataset: string) =>
    (await target.rows<Cell>('SELECT dataset, day, zone_id, country, count, distinct_ips FROM stats_daily WHERE dataset = ?', dataset)).sort(byKey);

  it('rolls up the complete days of an erased subject first; the day still being collected is not rolled up', async () => {
    // Noon UTC, so "today" has room for rows before now whenever the test runs.
    const realS = Math.floor(Date.now() / 1000);
    const today = realS - (realS % DAY_S);
    const nowS = today + DAY_S / 2;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nowS * 1000);
    const at = (s: number) => new Date(s * 1000);
    const events: SeedEvent[] = [];
    for (let i = 0; i < 12; i++) events.push({ zone: ZONE_ID, at: at(today - 3 * DAY_S + 600 + i), ray: `old${i}`, ip: `198.18.0.${i % 6}`, country: 'KR' });
    for (let i = 0; i < 6; i++) events.push({ zone: ZONE_ID, at: at(Math.min(today + i, nowS - 120)), ray: `new${i}`, ip: `198.18.0.${i}`, country: 'KR' });
    await seedPortEvents(target.port, events);
    // Request analytics of the same past day: 6 addresses in KR, and a country-only JP row (its visitors unknown).
    const hour = at(today - 3 * DAY_S + 3600);
    await seedAnalytics(target.port, [
      ...Array.from({ length: 6 }, (_, i) => ({ zone: ZONE_ID, hour, ip: `198.18.0.${i}`, country: 'KR', requests: 3 })),
      { zone: ZONE_ID, hour, ip: '', country: 'JP', requests: 40 },
    ]);
    const erase = await runCli(['subject', 'erase', '--ip', '198.18.0.1'], { env: target.env });
    expect(erase.code).toBe(0);
    expect(await target.rows("SELECT id FROM firewall_events WHERE client_ip = '198.18.0.1'")).toEqual([]);
    expect(await target.rows("SELECT id FROM http_analytics WHERE client_ip = '198.18.0.1'")).toEqual([]);
    // The erased visitor's past day is counted whole (they were among its 6 IPs); today is left for its purge.
    expect(await cellsOf('firewall_events')).toEqual([
      { dataset: 'firewall_events', day: today - 3 * DAY_S, zone_id: ZONE_ID, country: 'KR', count: 12, distinct_ips: 6 },
    ]);
    expect(await cellsOf('http_analytics')).toEqual([
      { dataset: 'http_analytics', day: today - 3 * DAY_S, zone_id: ZONE_ID, country: 'JP', count: 40, distinct_ips: null },
      { dataset: 'http_analytics', day: today - 3 * DAY_S, zone_id: ZONE_ID, country: 'KR', count: 18, distinct_ips: 6 },
    ]);
    expect(await target.rows('SELECT dataset, day, rolled_up_for FROM stats_rollups ORDER BY dataset')).toEqual([
      { dataset: 'firewall_events', day: today - 3 * DAY_S, rolled_up_for: 'subject-erase' },
      { dataset: 'http_analytics', day: today - 3 * DAY_S, rolled_up_for: 'subject-erase' },
    ]);
    expectNoIp(JSON.stringify(await target.rows('SELECT * FROM stats_daily')), ['198.18.0.1']);

    // `stats` reads them back from either store; --from past the day leaves none.
    const json = JSON.parse((await runCli(['stats', '--format', 'json'], { env: target.env })).stdout);
    const day = new Date((today - 3 * DAY_S) * 1000).toISOString().slice(0, 10);
    expect(json.cells).toEqual([
      { day, dataset: 'firewall_events', zone_id: ZONE_ID, zone_name: 'luxeret.com', country: 'KR', unit: 'events', count: 12, distinct_ips: 6 },
      { day, dataset: 'http_analytics', zone_id: ZONE_ID, zone_name: 'luxeret.com', country: 'JP', unit: 'requests', count: 40, distinct_ips: null },
      { day, dataset: 'http_analytics', zone_id: ZONE_ID, zone_name: 'luxeret.com', country: 'KR', unit: 'requests', count: 18, distinct_ips: 6 },
    ]);
    const later = await runCli(['stats', '--format', 'json', '--from', new Date((today - 2 * DAY_S) * 1000).toISOString()], { env: target.env });
    expect(JSON.parse(later.stdout).cells).toEqual([]);

    // A second erasure from the same day counts nothing twice: the day is rolled up already.
    expect((await runCli(['subject', 'erase', '--ip', '198.18.0.2'], { env: target.env })).code).toBe(0);
    expect(await cellsOf('firewall_events')).toHaveLength(1);
    expect(await target.rows('SELECT 1 FROM stats_rollups')).toHaveLength(2);
  });
});

describe('statistics and the purge transaction', () => {
  useSqliteHome();
  it('a purge that fails before its outcome entry commits leaves no statistics and no deletion; the re-run is exact', async () => {
    const now = new Date();
    const events = seedEvents(now);
    insertEvents(store(), events);
    // Make the outcome entry (the last write of the deletion's transaction) fail, as a crash or full disk would.
    const db = new Database(store());
    db.exec(`CREATE TRIGGER fail_outcome BEFORE INSERT ON audit_log WHEN NEW.entry LIKE '%"purge.outcome"%'
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    db.close();
    const failed = await runCli(['purge'], { env });
    expect(failed.code).not.toBe(0);
    expect(countEvents()).toBe(events.length);
    expect(queryStore(store(), 'SELECT * FROM stats_daily')).toEqual([]);
    expect(queryStore(store(), 'SELECT * FROM stats_rollups')).toEqual([]);

    const fix = new Database(store());
    fix.exec('DROP TRIGGER fail_outcome');
    fix.close();
    expect((await runCli(['purge'], { env })).code).toBe(0);
    const cutoff = Math.floor(now.getTime() / 1000) - 30 * DAY_S;
    expect(readCells()).toEqual(expectedEventCells(events, cutoff));
    expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
  });

  /** Resolves once the audit log holds an entry of `event` (polled through a second, read-only connection). */
  async function waitForEntry(event: string, child: { exitCode: number | null }): Promise<void> {
    const reader = new Database(store(), { readonly: true });
    const query = reader.prepare('SELECT COUNT(*) AS n FROM audit_log WHERE entry LIKE ?');
    try {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && child.exitCode === null) {
        if ((query.get(`%"${event}"%`) as { n: number }).n > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      reader.close();
    }
  }

  // Kill points: just as the first deletion's transaction begins, inside it, and between the two locations.
  it.each([
    ['purge.intent', 0],
    ['purge.intent', 60],
    ['purge.outcome', 0],
  ] as const)('SIGKILL after the first %s (+%d ms): statistics and deletion are all-or-nothing; the re-run is exact', async (event, delayMs) => {
    const now = new Date();
    const events = seedEvents(now, 3);
    insertEvents(store(), events);
    const child = spawn(process.execPath, sourceCliArgs(['purge', '--quiet']), { env: childEnv(env), stdio: 'ignore' });
    const done = new Promise((resolve) => child.on('exit', resolve));
    await waitForEntry(event, child);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    child.kill('SIGKILL');
    await done;
    // Whatever instant the kill hit: the firewall events were rolled up if and only if they were deleted.
    const rolledUp = queryStore<{ n: number }>(store(), "SELECT COUNT(*) AS n FROM stats_rollups WHERE dataset = 'firewall_events'")[0]!.n;
    expect(rolledUp === 0).toBe(countEvents() === events.length);

    expect((await runCli(['purge'], { env })).code).toBe(0);
    const cutoff = Math.floor(now.getTime() / 1000) - 30 * DAY_S;
    expect(readCells()).toEqual(expectedEventCells(events, cutoff));
    expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
  });
});
