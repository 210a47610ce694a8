import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toBytes } from '../../src/policy/network.js';
import { runCli } from '../helpers/cli.js';
import { insertAnalytics, insertEvents, queryStore, writeConfig, ZONE_ID, type SeedEvent, useInitialisedHome } from '../helpers/store.js';
import { childEnv } from '../helpers/child-env.js';
import { sourceCliArgs } from '../helpers/source-cli.js';

const DAY = 86_400_000;
let home: string;
let env: Record<string, string>;
useInitialisedHome('retention:\n  firewall_events: 30d\n  http_analytics: 30d\n', (made) => ({ home, env } = made));

const store = () => join(home, 'luxeret.db');
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

describe('purge', () => {
  it('deletes exactly what the dry run planned, keeps held records, and audits without raw IPs', async () => {
    const now = new Date();
    const events = seed(now);
    insertEvents(store(), events);
    insertAnalytics(store(), [
      { zone: ZONE_ID, hour: new Date(now.getTime() - 40 * DAY), ip: '198.18.200.1', country: 'KR', requests: 5 },
      { zone: ZONE_ID, hour: new Date(now.getTime() - 2 * DAY), ip: '192.0.2.1', country: 'KR', requests: 7 },
    ]);
    const heldIp = ip(30 * 20 + 5);
    const hold = await runCli(['hold', 'add', '--ip', `${heldIp}/32`, '--reason', 'Police request', '--reference', 'KNPA-1'], { env });
    expect(hold.code).toBe(0);

    const dry = await runCli(['purge', '--dry-run', '--json'], { env });
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    const expectedDeleted = events.filter((e) => e.at.getTime() < now.getTime() - 30 * DAY && e.ip !== heldIp).length;
    expect(plan.dry_run).toBe(true);
    expect(plan.locations[0]).toMatchObject({ id: 'local/firewall-events', planned: expectedDeleted, held: 1, deleted: 0 });
    expect(plan.locations[1]).toMatchObject({ id: 'local/http-analytics', planned: 1, held: 0 });
    expect(countEvents()).toBe(events.length);
    const auditBefore = queryStore<{ n: number }>(store(), 'SELECT COUNT(*) AS n FROM audit_log')[0]!.n;

    const real = await runCli(['purge', '--json'], { env });
    expect(real.code).toBe(0);
    const result = JSON.parse(real.stdout);
    expect(result.locations.map((l: { planned: number }) => l.planned)).toEqual(plan.locations.map((l: { planned: number }) => l.planned));
    expect(result.locations[0]).toMatchObject({ deleted: expectedDeleted, held: 1, failed: 0 });
    expect(countEvents()).toBe(events.length - expectedDeleted);
    expect(queryStore(store(), 'SELECT client_ip FROM firewall_events WHERE client_ip = ?', heldIp)).toHaveLength(1);

    const audit = queryStore<{ entry: string }>(store(), 'SELECT entry FROM audit_log ORDER BY seq');
    expect(audit.length).toBeGreaterThan(auditBefore);
    const log = audit.map((a) => a.entry).join('\n');
    expect(log).toContain('purge.outcome');
    expect(log).not.toMatch(/198\.18\.|192\.0\.2\./);
    expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
  });

  it('changes nothing on a dry run with --as-of, and refuses --as-of without it', async () => {
    const now = new Date();
    insertEvents(store(), seed(now, 2));
    const before = readFileSync(store());
    const yearEnd = new Date(now.getTime() + 20 * DAY).toISOString();
    const dry = await runCli(['purge', '--dry-run', '--as-of', yearEnd, '--json'], { env });
    expect(JSON.parse(dry.stdout).locations[0].planned).toBe(2 * 50);
    expect(readFileSync(store()).equals(before)).toBe(true);
    const refused = await runCli(['purge', '--as-of', yearEnd], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--as-of');
    const bad = await runCli(['purge', '--dry-run', '--as-of', 'next tuesday'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--as-of: "next tuesday"');
    expect(countEvents()).toBe(120);
  });

  it('purges exactly the newly expired records when retention is shortened between runs', async () => {
    const now = new Date();
    insertEvents(store(), seed(now, 3));
    expect(JSON.parse((await runCli(['purge', '--json'], { env })).stdout).locations[0].deleted).toBe(30 * 3);
    writeConfig(home, 'retention:\n  firewall_events: 10d\n');
    expect(JSON.parse((await runCli(['purge', '--json'], { env })).stdout).locations[0].deleted).toBe(20 * 3);
    expect(countEvents()).toBe(10 * 3);
  });

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

  it('refuses to purge when the clock is earlier than the newest stored event', async () => {
    insertEvents(store(), [{ zone: ZONE_ID, at: new Date(Date.now() + 3 * DAY), ray: 'future', ip: '192.0.2.9', country: 'KR' }]);
    const result = await runCli(['purge'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('earlier than the newest stored event');
    expect(countEvents()).toBe(1);
  });
});

describe('purge under concurrency and crashes', () => {
  function spawnPurge(): { done: Promise<number | null>; kill: () => void } {
    const child = spawn(process.execPath, sourceCliArgs(['purge', '--quiet']), { env: childEnv(env), stdio: 'ignore' });
    return { done: new Promise((resolve) => child.on('exit', (code) => resolve(code))), kill: () => child.kill('SIGKILL') };
  }

  it('a second concurrent purge exits 6 and changes nothing', async () => {
    insertEvents(store(), seed(new Date(), 5));
    const { acquireLock } = await import('../../src/store/lock.js');
    const lock = acquireLock(join(home, 'luxeret.lock'), 'purge', new Date());
    try {
      const second = await runCli(['purge'], { env });
      expect(second.code).toBe(6);
      expect(second.stderr).toContain('Another luxeret-privacy run holds the lock');
      expect(countEvents()).toBe(300);
    } finally {
      lock.release();
    }
  });

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
