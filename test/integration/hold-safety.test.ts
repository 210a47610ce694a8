import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { childEnv } from '../helpers/child-env.js';
import { insertAnalytics, queryStore } from '../helpers/store.js';
import { addHolds, DAY, emulatorObjectIds, seedCloudflare, startPurgeHome, ZONE_Z, type PurgeHome } from './purge-cloudflare-fixture.js';

let ctx: PurgeHome;
beforeEach(async () => {
  ctx = await startPurgeHome(5000);
});
afterEach(() => ctx.close());
const store = () => join(ctx.home, 'luxeret.db');

describe('a hold in any spelling keeps what it names', () => {
  it('holds written as IPv4-mapped/compatible IPv6 keep the IPv4 rule and list item through dry run and purge', async () => {
    const fixture = seedCloudflare(ctx.emulator, store(), new Date());
    await addHolds(ctx.env, fixture);
    for (const ip of ['::ffff:203.0.113.10', '::FFFF:c612:101', '::198.51.100.0/120']) {
      expect((await runCli(['hold', 'add', '--ip', ip, '--reason', 'Police request'], { env: ctx.env })).code).toBe(0);
    }
    const dry = JSON.parse((await runCli(['purge', '--dry-run', '--json'], { env: ctx.env })).stdout) as {
      locations: { id: string; planned: number; held: number }[];
    };
    expect(dry.locations.find((l) => l.id === 'cloudflare/access-rules')).toMatchObject({ planned: fixture.expectedRuleDeletes.length - 2, held: 3 });
    expect(dry.locations.find((l) => l.id === 'cloudflare/list-items')).toMatchObject({ planned: fixture.expectedItemDeletes.length - 1, held: 2 });
    expect((await runCli(['purge'], { env: ctx.env })).code).toBe(0);
    const after = emulatorObjectIds(ctx.emulator);
    expect(after.rules).toEqual(expect.arrayContaining([fixture.ids['old_block'], fixture.ids['old_range']]));
    expect(after.items).toContain(fixture.ids['item_old']);
  });

  it('keeps an hourly analytics row when its hour overlaps the hold range, though its start lies before it', async () => {
    seedCloudflare(ctx.emulator, store(), new Date());
    const hour = new Date(Math.floor((Date.now() - 40 * DAY) / 3_600_000) * 3_600_000);
    insertAnalytics(store(), [
      { zone: ZONE_Z, hour, ip: '198.18.9.9', country: 'KR', requests: 3 },
      { zone: ZONE_Z, hour: new Date(hour.getTime() - 3_600_000), ip: '198.18.9.9', country: 'KR', requests: 4 },
    ]);
    const from = new Date(hour.getTime() + 30 * 60_000).toISOString();
    const to = new Date(hour.getTime() + 45 * 60_000).toISOString();
    expect((await runCli(['hold', 'add', '--ip', '198.18.9.9', '--from', from, '--to', to, '--reason', 'Police request'], { env: ctx.env })).code).toBe(0);
    expect((await runCli(['purge'], { env: ctx.env })).code).toBe(0);
    const left = queryStore<{ hour: number }>(store(), 'SELECT hour FROM http_analytics');
    expect(left).toEqual([{ hour: hour.getTime() / 1000 }]);
  });
});

describe('time options and bad input', () => {
  it('reads a bare --until as midnight UTC by default and in the configured zone otherwise, echoing the instant', async () => {
    const utc = await runCli(['hold', 'add', '--ip', '203.0.113.7', '--until', '2027-06-01', '--reason', 'Police request', '--json'], { env: ctx.env });
    expect(utc.code).toBe(0);
    expect(utc.stderr).toContain('--until 2027-06-01 read as 2027-06-01T00:00:00.000Z (UTC)');
    expect(JSON.parse(utc.stdout).until).toBe('2027-06-01T00:00:00.000Z');
    appendFileSync(join(ctx.home, 'config.yaml'), 'timezone: Asia/Seoul\n');
    const seoul = await runCli(['hold', 'add', '--ip', '203.0.113.7', '--until', '2027-06-01', '--reason', 'Police request', '--json'], { env: ctx.env });
    expect(seoul.stderr).toContain('read as 2027-05-31T15:00:00.000Z (Asia/Seoul)');
    expect(JSON.parse(seoul.stdout).until).toBe('2027-05-31T15:00:00.000Z');
    const explicit = await runCli(['hold', 'add', '--ip', '203.0.113.7', '--until', '2027-06-01T00:00:00Z', '--reason', 'Police request', '--json'], {
      env: ctx.env,
    });
    expect(explicit.stderr).not.toContain('read as');
    expect(JSON.parse(explicit.stdout).until).toBe('2027-06-01T00:00:00.000Z');
  });

  it.each([
    ['an IP in the reason (mapped)', ['hold', 'add', '--ip', '203.0.113.7', '--reason', 'see ::ffff:203.0.113.7 in the log']],
    ['an IP in the reason (with port)', ['hold', 'add', '--ip', '203.0.113.7', '--reason', 'client=203.0.113.7:443']],
    ['a malformed time', ['hold', 'add', '--ip', '203.0.113.7', '--until', '2027-02-30', '--reason', 'Police request']],
    ['escape sequences in the reason', ['hold', 'add', '--ip', '203.0.113.7', '--reason', 'case \u001b[2J\u001b]0;TITLE\u0007\u001b[31mRED']],
    ['a line break in the reference', ['hold', 'add', '--ip', '203.0.113.7', '--reason', 'Police request', '--reference', 'KNPA\nforged line']],
    ['a time in no known form', ['purge', '--dry-run', '--as-of', 'tomorrow']],
    ['an absurd duration', ['pull', '--since', '200000000d']],
  ])('%s: exit 2 with a message naming it, nothing changed', async (_name, argv) => {
    const before = queryStore<{ n: number }>(store(), 'SELECT COUNT(*) AS n FROM audit_log')[0]!.n;
    const result = await runCli(argv, { env: ctx.env });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('bug');
    expect(queryStore<{ n: number }>(store(), 'SELECT COUNT(*) AS n FROM audit_log')[0]!.n).toBe(before);
  });

  it('an absurd retention is a configuration error (exit 2), not a crash', async () => {
    writeFileSync(join(ctx.home, 'config.yaml'), 'retention:\n  firewall_events: 200000000d\n');
    const result = await runCli(['purge', '--dry-run'], { env: ctx.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('retention.firewall_events');
  });
});

describe('hold add while another run writes the store', () => {
  it('waits for a write transaction longer than the old 5 s busy timeout, then records the hold (not exit 70)', async () => {
    seedCloudflare(ctx.emulator, store(), new Date());
    // Another process holds the write lock for 6.5 s, as a purge's delete and page reclaim on a large store can.
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(store())});
      db.exec('BEGIN IMMEDIATE');
      process.stdout.write('locked\\n');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 6500);
    `;
    const holder = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((done) => holder.once('exit', done));
    await new Promise<void>((locked) => holder.stdout.once('data', () => locked()));
    const added = await runCli(['hold', 'add', '--ip', '198.51.100.77', '--reason', 'Police request', '--json'], { env: ctx.env });
    await exited;
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(queryStore<{ n: number }>(store(), "SELECT COUNT(*) AS n FROM holds WHERE network LIKE '198.51.100.77%'")[0]!.n).toBeGreaterThan(0);
  }, 20_000);
});

describe('hold add refuses times that cannot be meant', () => {
  it.each([
    ['an --until already past', ['--until', '2025-01-01T00:00:00Z'], /--until .* is not in the future/],
    ['an offset past +14:00', ['--until', '2027-06-01T00:00+25:00'], /--until: "2027-06-01T00:00\+25:00" is not an ISO-8601 time/],
  ])('%s: exit 2, no hold', async (_name, extra, message) => {
    const result = await runCli(['hold', 'add', '--ip', '198.51.100.88', '--reason', 'Police request', ...extra], { env: ctx.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect((await runCli(['hold', 'list', '--json'], { env: ctx.env })).stdout).not.toContain('198.51.100.88');
  });
});
