import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DESTRUCTION_METHODS } from '../../src/policy/destruction-methods.js';
import { toBytes } from '../../src/policy/network.js';
import { toFirewallRecord } from '../helpers/store-home.js';
import type { StorePort } from '../../src/store/port.js';
import { runCli } from '../helpers/cli.js';
import pg from 'pg';
import { describeEachStore } from '../helpers/store-kinds.js';
import { schemaOf, useStoreHome } from '../helpers/purge-store-home.js';
import type { StoreHome } from '../helpers/store-home.js';
import { describePg, policeHold, TEST_DATABASE_URL } from '../postgres/pg-test-store.js';
import { insertAnalytics, insertEvents, queryStore, ZONE_ID, type SeedEvent, useInitialisedHome } from '../helpers/store.js';
import { childEnv } from '../helpers/child-env.js';
import { sourceCliArgs } from '../helpers/source-cli.js';

const DAY = 86_400_000;
const RETENTION = 'retention:\n  firewall_events: 30d\n  http_analytics: 30d\n';
// The SQLite-only tests' home (file scans, child processes killed mid-run).
let home: string;
let env: Record<string, string>;

const ip = (i: number) => `198.18.${(i >> 8) & 255}.${i & 255}`;

/** Events aged 0..59 days, one per (day, i), with known IPs: old ones from 198.18.x, recent ones from 192.0.2.x. */
function seed(now: Date, perDay = 20): SeedEvent[] {
  const events: SeedEvent[] = [];
  for (let day = 0; day < 60; day++) {
    for (let i = 0; i < perDay; i++) {
      const n = day * perDay + i;
      events.push({
        zone: ZONE_ID,
        at: new Date(now.getTime() - day * DAY - 3_600_000),
        ray: `ray${n.toString(16).padStart(12, '0')}`,
        ip: day < 30 ? `192.0.2.${i}` : i % 10 === 9 ? `2001:db8:dead:beef::${n.toString(16)}` : ip(n),
        country: ['KR', 'US', 'CN', 'DE'][i % 4]!,
      });
    }
  }
  return events;
}

const countEvents = () => queryStore<{ n: number }>(store(), 'SELECT COUNT(*) AS n FROM firewall_events')[0]!.n;
const store = () => join(home, 'luxeret.db');

const hourOf = (at: Date) => Math.floor(at.getTime() / 3_600_000) * 3_600;

describeEachStore('purge', (kind) => {
  let made: StoreHome;
  let port: StorePort;
  let env: Record<string, string>;
  useStoreHome(kind, RETENTION, (home) => ({ port, env } = made = home));

  const seedEvents = (events: readonly SeedEvent[]) => port.insertFirewallEvents(events.map(toFirewallRecord));
  const countStored = () => port.countLocationRows('local/firewall-events');
  const storedIps = () => made.rows<{ client_ip: string }>('SELECT client_ip FROM firewall_events').then((rows) => rows.map((r) => r.client_ip));
  const readRollUps = async () => {
    const rows = await made.rows<{ units: number; cells: number; suppressed: number }>(
      "SELECT COUNT(*) AS units, COALESCE(SUM(cells), 0) AS cells, COALESCE(SUM(suppressed_cells), 0) AS suppressed FROM stats_rollups WHERE dataset = 'firewall_events'",
    );
    return { units: Number(rows[0]!.units), cells: Number(rows[0]!.cells), suppressedCells: Number(rows[0]!.suppressed) };
  };

  it('deletes exactly what the dry run planned, keeps held records, and audits without raw IPs', async () => {
    const now = new Date();
    const events = seed(now);
    await seedEvents(events);
    await port.upsertHttpAnalytics([
      { zoneId: ZONE_ID, hour: hourOf(new Date(now.getTime() - 40 * DAY)), clientIp: '198.18.200.1', clientCountry: 'KR', requests: 5 },
      { zoneId: ZONE_ID, hour: hourOf(new Date(now.getTime() - 2 * DAY)), clientIp: '192.0.2.1', clientCountry: 'KR', requests: 7 },
    ]);
    const heldIp = ip(30 * 20 + 5);
    await port.insertHold(policeHold({ network: `${heldIp}/32`, createdAt: new Date(now.getTime() - 60_000) }));

    const dry = await runCli(['purge', '--dry-run', '--json'], { env });
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    const expectedDeleted = events.filter((e) => e.at.getTime() < now.getTime() - 30 * DAY && e.ip !== heldIp).length;
    expect(plan.dry_run).toBe(true);
    expect(plan.locations[0]).toMatchObject({ id: 'local/firewall-events', planned: expectedDeleted, held: 1, deleted: 0 });
    expect(plan.locations[1]).toMatchObject({ id: 'local/http-analytics', planned: 1, held: 0 });
    expect(await countStored()).toBe(events.length);
    const auditBefore = (await port.readAuditEntries()).length;

    const real = await runCli(['purge', '--json'], { env });
    expect(real.stderr).not.toContain('could not lodge');
    expect(real.code).toBe(0);
    const result = JSON.parse(real.stdout);
    expect(result.locations.map((l: { planned: number }) => l.planned)).toEqual(plan.locations.map((l: { planned: number }) => l.planned));
    expect(result.locations[0]).toMatchObject({ deleted: expectedDeleted, held: 1, failed: 0 });
    expect(await countStored()).toBe(events.length - expectedDeleted);
    expect((await storedIps()).filter((address) => address === heldIp)).toHaveLength(1);

    const audit = await port.readAuditLines();
    expect(audit.length).toBeGreaterThan(auditBefore);
    const log = audit.join('\n');
    expect(log).toContain('purge.outcome');
    expect(log).not.toMatch(/198\.18\.|192\.0\.2\./);
    const outcomes = (await port.readAuditEntries()).filter((e) => e.event === 'purge.outcome');
    expect(outcomes.map((e) => e.location)).toEqual(['local/firewall-events', 'local/http-analytics']);
    for (const entry of outcomes) {
      if (kind === 'sqlite') expect(entry.details?.['method']).toBe(DESTRUCTION_METHODS.localSecure);
      else expect(entry.details?.['method']).toMatch(/^PostgreSQL: (partition dropped|rows deleted \+ vacuumed)/);
    }
    expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
  });

  it('changes nothing on a dry run with --as-of, and refuses --as-of without it', async () => {
    const now = new Date();
    await seedEvents(seed(now, 2));
    const auditBefore = await port.readAuditLines();
    const yearEnd = new Date(now.getTime() + 20 * DAY).toISOString();
    const dry = await runCli(['purge', '--dry-run', '--as-of', yearEnd, '--json'], { env });
    expect(JSON.parse(dry.stdout).locations[0].planned).toBe(2 * 50);
    expect(await port.readAuditLines()).toEqual(auditBefore);
    expect(await port.readMeta('last_purge_at')).toBeUndefined();
    const refused = await runCli(['purge', '--as-of', yearEnd], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--as-of');
    const bad = await runCli(['purge', '--dry-run', '--as-of', 'next tuesday'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--as-of: "next tuesday"');
    expect(await countStored()).toBe(120);
  });

  it('purges exactly the newly expired records when retention is shortened between runs', async () => {
    const now = new Date();
    await seedEvents(seed(now, 3));
    expect(JSON.parse((await runCli(['purge', '--json'], { env })).stdout).locations[0].deleted).toBe(30 * 3);
    made.writeConfig('retention:\n  firewall_events: 10d\n');
    expect(JSON.parse((await runCli(['purge', '--json'], { env })).stdout).locations[0].deleted).toBe(20 * 3);
    expect(await countStored()).toBe(10 * 3);
  });

  it('rolls up the statistics of the days it purges, once, before they go', async () => {
    const now = new Date();
    await seedEvents(seed(now, 40));
    expect((await runCli(['purge'], { env })).code).toBe(0);
    // 30 UTC days hold a row past the cut-off; each has 10 events from 10 IPs in each of 4 countries: publishable.
    expect(await readRollUps()).toEqual({ units: 30, cells: 30 * 4, suppressedCells: 0 });
    const daily = await made.rows<{ n: number }>("SELECT SUM(count) AS n FROM stats_daily WHERE dataset = 'firewall_events'");
    expect(Number(daily[0]!.n)).toBe(30 * 40);
    expect(await countStored()).toBe(30 * 40);
    // A second purge counts nothing again.
    expect((await runCli(['purge'], { env })).code).toBe(0);
    expect((await readRollUps()).units).toBe(30);
  });

  it('refuses to purge when the clock is earlier than the newest stored event', async () => {
    await seedEvents([{ zone: ZONE_ID, at: new Date(Date.now() + 3 * DAY), ray: 'future', ip: '192.0.2.9', country: 'KR' }]);
    const result = await runCli(['purge'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('earlier than the newest stored event');
    expect(await countStored()).toBe(1);
  });

  it('a second concurrent purge exits 6 and changes nothing', async () => {
    await seedEvents(seed(new Date(), 5));
    const lock = await port.acquireRunLock('purge', new Date());
    try {
      const second = await runCli(['purge'], { env });
      expect(second.code).toBe(6);
      expect(second.stderr).toContain('holds the lock');
      expect(await countStored()).toBe(300);
    } finally {
      await lock.release();
    }
  });
});

describePg('purge on PostgreSQL: whole days dropped, the boundary day deleted in and VACUUMed', () => {
  let made: StoreHome;
  let port: StorePort;
  let env: Record<string, string>;
  useStoreHome('postgres', RETENTION, (home) => ({ port, env } = made = home));

  it('SIGKILL inside the deleting transaction rolls all of it back; the re-run reconciles the intent and ends exact', async () => {
    const now = new Date();
    const events = seed(now, 5);
    await port.insertFirewallEvents(events.map(toFirewallRecord));
    const survivors = events.filter((e) => e.at.getTime() >= now.getTime() - 30 * DAY).length;
    // Another session reads the oldest day: the purge's ACCESS EXCLUSIVE lock on the days it drops waits for it,
    // so the child is held inside its transaction, after its intent entry committed.
    const oldest = events.reduce((min, e) => Math.min(min, Math.floor(e.at.getTime() / 1000)), Number.MAX_SAFE_INTEGER);
    const reader = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schemaOf(made.target)}` });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query(`SELECT count(*) FROM firewall_events WHERE datetime = ${oldest}`);
      const child = spawn(process.execPath, sourceCliArgs(['purge', '--quiet']), { env: childEnv(env), stdio: 'ignore' });
      let exitCode: number | null | undefined;
      const exited = new Promise((resolve) => child.on('exit', (code) => resolve((exitCode = code))));
      let waiting = false;
      for (let i = 0; i < 600 && !waiting && exitCode === undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        // Asked outside the reader's transaction: the activity view is a snapshot per transaction.
        const locks = await made.rows<{ n: string }>(
          "SELECT count(*)::text AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND l.mode = 'AccessExclusiveLock' AND a.application_name LIKE 'luxeret%'",
        );
        waiting = Number(locks[0]!.n) > 0;
      }
      expect(waiting, `the child exited ${String(exitCode)} before waiting`).toBe(true);
      expect((await port.readAuditEntries()).map((e) => e.event)).toContain('purge.intent');
      child.kill('SIGKILL');
      await exited;
    } finally {
      await reader.query('ROLLBACK');
      await reader.end();
    }
    // The killed run's session ends with its process: nothing of its transaction was deleted, no outcome written.
    for (let i = 0; i < 100; i++) {
      const sessions = await made.rows<{ n: string }>("SELECT count(*)::text AS n FROM pg_stat_activity WHERE application_name LIKE 'luxeret-privacy purge%'");
      if (Number(sessions[0]!.n) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await port.countLocationRows('local/firewall-events')).toBe(events.length);
    expect((await port.readAuditEntries()).map((e) => e.event)).not.toContain('purge.outcome');

    const rerun = await runCli(['purge', '--json'], { env });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout).reconciled).toBe(1);
    expect(await port.countLocationRows('local/firewall-events')).toBe(survivors);
    const entries = await port.readAuditEntries();
    for (const intent of entries.filter((e) => e.event === 'purge.intent')) {
      expect(entries.some((e) => e.run_id === intent.run_id && e.event !== 'purge.intent')).toBe(true);
    }
    expect(entries.filter((e) => e.event === 'purge.reconciled')).toHaveLength(1);
  }, 60_000);

  it('says so when VACUUM cannot remove the deleted rows yet because an older snapshot can still see them', async () => {
    const now = Date.now();
    const cutoffSeconds = Math.ceil((now - 30 * DAY) / 1000);
    const boundaryDay = cutoffSeconds - (cutoffSeconds % 86_400);
    // Rows on the cut-off's own day, before it: deleted from the boundary partition, not dropped with it.
    await port.insertFirewallEvents([toFirewallRecord({ zone: ZONE_ID, at: new Date(boundaryDay * 1000), ray: 'boundary', ip: '198.18.0.1', country: 'KR' })]);
    const reader = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schemaOf(made.target)}` });
    await reader.connect();
    try {
      // Another session's snapshot, taken before the purge, still sees the rows the purge deletes.
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await reader.query('SELECT count(*) FROM firewall_events');
      const result = await runCli(['purge', '--json'], { env });
      expect(result.code).toBe(0);
      const events = JSON.parse(result.stdout).locations[0];
      expect(events).toMatchObject({ deleted: 1 });
      expect(events.notes.join('\n')).toMatch(/VACUUM could not remove 1 deleted rows of firewall_events_p\d{8} yet/);
    } finally {
      await reader.query('ROLLBACK');
      await reader.end();
    }
  });

  it('records per partition how it went in the audit outcome, and leaves the boundary day VACUUMed', async () => {
    const now = new Date();
    const testCutoff = Math.ceil((now.getTime() - 30 * DAY) / 1000);
    // Every hour from 33 days ago to 27 days ago, and the last second of each of those days: three whole days past
    // the cut-off, the cut-off's own day (which keeps at least its last second, whatever the time of day the test
    // runs at), and days after it.
    const first = testCutoff - (testCutoff % 86_400) - 3 * 86_400;
    const times = [...Array.from({ length: 7 * 24 }, (_, h) => first + h * 3_600), ...Array.from({ length: 7 }, (_, d) => first + d * 86_400 + 86_399)];
    const events = times.map((t, i) => ({ zone: ZONE_ID, at: new Date(t * 1000), ray: `ray${i}`, ip: `198.18.0.${i % 200}`, country: 'KR' }));
    await port.insertFirewallEvents(events.map(toFirewallRecord));
    const dayName = (day: number) => `firewall_events_p${new Date(day * 1000).toISOString().slice(0, 10).replace(/-/g, '')}`;

    const result = await runCli(['purge', '--json'], { env });
    expect(result.code).toBe(0);
    const outcome = (await port.readAuditEntries()).find((e) => e.event === 'purge.outcome' && e.location === 'local/firewall-events')!;
    // The expectations follow the purge's own cut-off (a moment after the test's; the store rounds it up to a second).
    const cutoffSeconds = Math.ceil(Date.parse(String(outcome.details?.['cutoff'])) / 1000);
    expect(cutoffSeconds - testCutoff).toBeLessThan(60);
    const boundaryDay = cutoffSeconds - (cutoffSeconds % 86_400);
    const days = Array.from({ length: 7 }, (_, d) => first + d * 86_400);
    const inDay = (day: number, before = day + 86_400) => times.filter((t) => t >= day && t < before).length;
    const boundaryDeleted = inDay(boundaryDay, cutoffSeconds);
    expect(JSON.parse(result.stdout).locations[0]).toMatchObject({ deleted: times.filter((t) => t < cutoffSeconds).length, failed: 0 });
    expect(outcome.details?.['method']).toBe(DESTRUCTION_METHODS.pgDroppedAndVacuumed);
    expect(outcome.details?.['partitions']).toEqual([
      ...days.filter((day) => day < boundaryDay).map((day) => ({ partition: dayName(day), method: 'partition-dropped', deleted: inDay(day), held: 0 })),
      ...(boundaryDeleted > 0 ? [{ partition: dayName(boundaryDay), method: 'rows-deleted', deleted: boundaryDeleted, held: 0 }] : []),
    ]);
    expect(days.filter((day) => day < boundaryDay).length).toBeGreaterThanOrEqual(3);
    // The dropped days are gone as tables; the boundary day keeps only its rows from the cut-off on.
    const partitions = await made.rows<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('firewall_events') ORDER BY 1",
    );
    expect(partitions.map((p) => p.name)).toEqual(days.filter((day) => day >= boundaryDay).map(dayName));
    const oldest = await made.rows<{ t: string | null }>(`SELECT min(datetime)::text AS t FROM ${dayName(boundaryDay)}`);
    expect(oldest[0]!.t).not.toBeNull();
    expect(Number(oldest[0]!.t)).toBeGreaterThanOrEqual(cutoffSeconds);
    // VACUUM ran on the boundary partition after the commit (the statistics view may lag a moment behind).
    if (boundaryDeleted === 0) return; // the cut-off fell on the day's first second: nothing deleted there to VACUUM
    let vacuums = 0;
    for (let i = 0; i < 50 && vacuums === 0; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      const rows = await made.rows<{ n: string }>(
        `SELECT vacuum_count::text AS n FROM pg_stat_user_tables WHERE schemaname = '${schemaOf(made.target)}' AND relname = '${dayName(boundaryDay)}'`,
      );
      vacuums = Number(rows[0]?.n ?? 0);
    }
    expect(vacuums).toBeGreaterThan(0);
  });
});

describe('purge on SQLite with secure_delete', () => {
  useInitialisedHome(RETENTION, (made) => ({ home, env } = made));

  it('leaves no purged IP in any file of LUXERET_HOME, as text or packed bytes', async () => {
    const now = new Date();
    insertEvents(store(), seed(now, 50));
    const purged = seed(now, 50)
      .filter((e) => e.at.getTime() < now.getTime() - 30 * DAY)
      .map((e) => e.ip);
    expect(JSON.parse((await runCli(['purge', '--json'], { env })).stdout).locations[0].deleted).toBe(purged.length);
    const files = listFiles(home);
    expect(files.some((f) => f.endsWith('luxeret.db'))).toBe(true);
    const contents = files.map((f) => readFileSync(f));
    const v6 = purged.filter((address) => address.includes(':'));
    expect(v6.length).toBeGreaterThan(50);
    for (const address of purged) {
      for (const bytes of contents) expect(bytes.includes(Buffer.from(address))).toBe(false);
    }
    // Packed: all IPv6 (16 bytes never match by chance) and a few IPv4 (4 bytes could, rarely, in binary pages).
    for (const address of [...v6, ...purged.filter((a) => !a.includes(':')).slice(0, 10)]) {
      const packed = Buffer.from(toBytes(address));
      for (const bytes of contents) expect(bytes.includes(packed)).toBe(false);
    }
    // The retained recent IPs are still there: the search would find a present address.
    expect(contents.some((bytes) => bytes.includes(Buffer.from('192.0.2.7')))).toBe(true);
  });
});

describe('purge under concurrency and crashes', () => {
  useInitialisedHome(RETENTION, (made) => ({ home, env } = made));
  function spawnPurge(): { done: Promise<number | null>; kill: () => void } {
    const child = spawn(process.execPath, sourceCliArgs(['purge', '--quiet']), { env: childEnv(env), stdio: 'ignore' });
    return { done: new Promise((resolve) => child.on('exit', (code) => resolve(code))), kill: () => child.kill('SIGKILL') };
  }

  const auditEvents = (): string[] => {
    try {
      return queryStore<{ entry: string }>(store(), 'SELECT entry FROM audit_log ORDER BY seq').map((r) => (JSON.parse(r.entry) as { event: string }).event);
    } catch {
      return []; // the store is mid-write by the child; look again
    }
  };
  const KILL_POINTS: [string, () => boolean][] = [
    ['once the lock is taken', () => existsSync(join(home, 'luxeret.lock'))],
    ['after the first intent, during its delete', () => auditEvents().includes('purge.intent')],
    ['after the first outcome', () => auditEvents().includes('purge.outcome')],
    ['after the second intent', () => auditEvents().filter((e) => e === 'purge.intent').length >= 2],
  ];

  it.each(KILL_POINTS)('SIGKILL %s, then a re-run ends exact and verifiable', async (_, isReached) => {
    const now = new Date();
    const events = seed(now, 2000);
    insertEvents(store(), events);
    insertAnalytics(store(), [{ zone: ZONE_ID, hour: new Date(now.getTime() - 40 * DAY), ip: '198.18.200.1', country: 'KR', requests: 5 }]);
    const survivors = events.filter((e) => e.at.getTime() >= now.getTime() - 30 * DAY).length;
    const first = spawnPurge();
    let exited = false;
    void first.done.then(() => (exited = true));
    for (let i = 0; i < 2000 && !exited && !isReached(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(exited).toBe(false); // the kill lands mid-run, not after the child finished
    first.kill();
    await first.done;
    const rerun = await runCli(['purge', '--json'], { env });
    expect(rerun.code).toBe(0);
    expect(countEvents()).toBe(survivors);
    expect(queryStore(store(), 'SELECT 1 FROM http_analytics')).toHaveLength(0);
    const verify = await runCli(['audit', 'verify', '--json'], { env });
    expect(JSON.parse(verify.stdout).ok).toBe(true);
    expect(verify.code).toBe(0);
    const entries = queryStore<{ entry: string }>(store(), 'SELECT entry FROM audit_log').map(
      (r) => JSON.parse(r.entry) as { event: string; run_id: string | null },
    );
    for (const intent of entries.filter((e) => e.event === 'purge.intent')) {
      expect(entries.some((e) => e.run_id === intent.run_id && e.event !== 'purge.intent')).toBe(true);
    }
    // Another run finds nothing left to do.
    expect(JSON.parse((await runCli(['purge', '--json'], { env })).stdout).locations.map((l: { planned: number }) => l.planned)).toEqual([0, 0]);
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}
