import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { addFirewallEvents, addToken, addZone, generateFirewallEvents, startEmulator, type Emulator } from '@luxeret/cloudflare-emulator';
import { createPgStorePort } from '../../src/store/postgres/adapter.js';
import { openPgStore } from '../../src/store/postgres/connection.js';
import { makeTempDir } from '../helpers/cli.js';
import { childEnv } from '../helpers/child-env.js';
import { sourceCliArgs } from '../helpers/source-cli.js';
import { describePg, TEST_DATABASE_URL } from './pg-test-store.js';

const TOKEN = 'cfut_multihost_0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const HOUR = 3_600_000;

interface Host {
  readonly name: string;
  readonly home: string;
  readonly schema: string;
  readonly cleanup: () => void;
}

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Issue 13's multi-host test: separate processes with their own LUXERET_HOME (so their own signing keys) share
 * one PostgreSQL schema, as two cron hosts would.
 */
describePg('two hosts, one PostgreSQL store (separate processes)', () => {
  let emulator: Emulator;
  let zoneId: string;
  let heldIp: string;
  const schemas: string[] = [];
  const hosts: Host[] = [];

  beforeEach(async () => {
    emulator = await startEmulator();
    addToken(emulator.state, { value: TOKEN, permissions: ['Analytics Read'] });
    const zone = addZone(emulator.state, { name: 'shop.example.com', plan: 'business' });
    zone.graphqlOverrides.firewallEventsAdaptive = { maxPageSize: 250 };
    zoneId = zone.id;
    const now = Date.now();
    const events = generateFirewallEvents({ seed: 13, from: new Date(now - 40 * HOUR), to: new Date(now - 10 * 60_000), count: 3_000 });
    addFirewallEvents(emulator.state, zone.id, events);
    // An address seen only before the retention cut-off (24 h): the one the police asked to keep.
    const recent = new Set(events.filter((e) => Date.parse(e.datetime) >= now - 30 * HOUR).map((e) => e.clientIP));
    heldIp = events.find((e) => Date.parse(e.datetime) < now - 30 * HOUR && !recent.has(e.clientIP))!.clientIP;
  });

  afterEach(async () => {
    await emulator.close();
    for (const host of hosts.splice(0)) host.cleanup();
    for (const schema of schemas.splice(0)) {
      const store = openPgStore(TEST_DATABASE_URL, schema);
      await store.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => store.close());
    }
  });

  function newHost(name: string, schema: string): Host {
    const temp = makeTempDir(`luxeret-${name}-`);
    const host = { name, home: temp.dir, schema, cleanup: temp.cleanup };
    writeRetention(host, '2d');
    hosts.push(host);
    return host;
  }

  /** A pull never ingests what is already past retention: pull at 2d, then shorten to 1d for the purge. */
  function writeRetention(host: { home: string; schema: string }, retention: string): void {
    writeFileSync(
      join(host.home, 'config.yaml'),
      `zones:\n  - id: "${zoneId}"\n    name: shop\nstore_schema: ${host.schema}\nretention:\n  firewall_events: ${retention}\n  http_analytics: ${retention}\n`,
    );
  }

  function cli(host: Host, argv: readonly string[], options: { token?: boolean } = {}): Promise<Result> {
    const env = childEnv({
      LUXERET_HOME: host.home,
      LUXERET_CONFIG: join(host.home, 'config.yaml'),
      LUXERET_DATABASE_URL: TEST_DATABASE_URL,
      CLOUDFLARE_BASE_URL: emulator.baseUrl,
      ...(options.token === false ? {} : { CLOUDFLARE_API_TOKEN: TOKEN }),
    });
    const child = spawn(process.execPath, sourceCliArgs(argv), { env, cwd: host.home, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  /** Runs until it is not refused by the other host's lock (exit 6); returns every attempt's exit code. */
  async function untilNotLocked(host: Host, argv: readonly string[], options: { token?: boolean } = {}): Promise<{ codes: number[]; last: Result }> {
    const codes: number[] = [];
    for (;;) {
      const result = await cli(host, argv, options);
      codes.push(result.code);
      if (result.code !== 6) return { codes, last: result };
    }
  }

  async function eventKeys(schema: string): Promise<string[]> {
    const port = createPgStorePort(openPgStore(TEST_DATABASE_URL, schema));
    try {
      return (await port.listFirewallEventKeys(zoneId)).sort();
    } finally {
      await port.close();
    }
  }

  // About 15 CLI processes, one after another where the lock makes them so: minutes on a loaded 2-core machine.
  it('pull and purge concurrently end as one host alone; one purge at a time; a hold from A binds B; the chain verifies with both keys', async () => {
    const shared = `lux_test_${randomBytes(6).toString('hex')}`;
    const alone = `lux_test_${randomBytes(6).toString('hex')}`;
    schemas.push(shared, alone);
    const hostA = newHost('host-a', shared);
    const hostB = newHost('host-b', shared);
    const single = newHost('single', alone);
    for (const host of [hostA, hostB, single]) expect((await cli(host, ['init'])).stderr).not.toMatch(/error/i);

    // The hold is added on A, the purge that must honour it runs on B (and A).
    const hold = await cli(hostA, ['hold', 'add', '--ip', `${heldIp}/32`, '--reason', 'Police request', '--reference', 'KNPA-13']);
    expect(hold.code, hold.stderr).toBe(0);
    // B signs entries of its own too (with its own key): a hold on an address no event has.
    const other = await cli(hostB, ['hold', 'add', '--ip', '2001:db8::13/128', '--reason', 'Court order', '--reference', 'SEOUL-13']);
    expect(other.code, other.stderr).toBe(0);
    expect((await cli(single, ['hold', 'add', '--ip', `${heldIp}/32`, '--reason', 'Police request', '--reference', 'KNPA-13'])).code).toBe(0);

    const pulls = await Promise.all([untilNotLocked(hostA, ['pull']), untilNotLocked(hostB, ['pull'])]);
    for (const pull of pulls) expect(pull.last.code, pull.last.stderr).toBe(0);
    expect((await cli(single, ['pull'])).code).toBe(0);
    // The single host pulls after the pair, so its retention cut-off (1 d before its pull) is seconds later and may
    // leave out an event at the edge that the pair kept: compare from the latest cut-off either could have had on.
    const latestCutoff = Math.floor(Date.now() / 1000) - 86_400;
    const sinceCutoff = (keys: string[]) => keys.filter((key) => Number(key.split('|')[0]) >= latestCutoff);
    const pulledShared = await eventKeys(shared);
    expect(new Set(pulledShared).size).toBe(pulledShared.length);
    expect(sinceCutoff(pulledShared)).toEqual(sinceCutoff(await eventKeys(alone)));

    const sharedHeld = async () => {
      const direct = openPgStore(TEST_DATABASE_URL, shared);
      try {
        return Number((await direct.pool.query<{ n: string }>('SELECT count(*) AS n FROM firewall_events WHERE client_ip = $1', [heldIp])).rows[0]!.n);
      } finally {
        await direct.close();
      }
    };
    const heldBefore = await sharedHeld();
    expect(heldBefore).toBeGreaterThan(0);
    for (const host of [hostA, hostB, single]) writeRetention(host, '1d');
    // Every purge below cuts at 1 d before it runs: no earlier than this, no later than the check after them.
    const earliestPurgeCutoff = Math.floor(Date.now() / 1000) - 86_400;
    const purges = await Promise.all([
      untilNotLocked(hostA, ['purge', '--json'], { token: false }),
      untilNotLocked(hostB, ['purge', '--json'], { token: false }),
    ]);
    for (const purge of purges) expect(purge.last.code, purge.last.stderr).toBe(0);
    const alonePurge = await cli(single, ['purge', '--json'], { token: false });
    expect(alonePurge.code, alonePurge.stderr).toBe(0);
    // The single host purged last, so its cut-off was seconds later: compare from the latest cut-off either had.
    const latestPurgeCutoff = Math.floor(Date.now() / 1000) - 86_400;
    const keys = await eventKeys(shared);
    const afterCutoff = (list: string[]) => list.filter((key) => Number(key.split('|')[0]) >= latestPurgeCutoff);
    expect(afterCutoff(keys)).toEqual(afterCutoff(await eventKeys(alone)));
    expect(afterCutoff(keys).length).toBeGreaterThan(0);
    // Before the earliest cut-off only the held address's events are left.
    const unheldOld = openPgStore(TEST_DATABASE_URL, shared);
    try {
      const { rows } = await unheldOld.pool.query<{ n: string }>('SELECT count(*) AS n FROM firewall_events WHERE datetime < $1 AND client_ip <> $2', [
        earliestPurgeCutoff,
        heldIp,
      ]);
      expect(Number(rows[0]!.n)).toBe(0);
    } finally {
      await unheldOld.close();
    }

    // The held address's events, all from before the cut-off, are still there.
    const port = createPgStorePort(openPgStore(TEST_DATABASE_URL, shared));
    const direct = openPgStore(TEST_DATABASE_URL, shared);
    try {
      expect(await sharedHeld()).toBe(heldBefore);
      const entries = await port.readAuditEntries();
      // Exactly one purge at a time: each purge run's entries are contiguous in the chain.
      const purgeRuns = entries.filter((e) => e.command === 'purge' && e.run_id !== null).map((e) => e.run_id);
      const runsInOrder = purgeRuns.filter((run, i) => i === 0 || purgeRuns[i - 1] !== run);
      expect(new Set(runsInOrder).size).toBe(runsInOrder.length);
    } finally {
      await port.close();
      await direct.close();
    }

    const keyA = join(hostA.home, 'keys', 'audit-public-key.pem');
    const keyB = join(hostB.home, 'keys', 'audit-public-key.pem');
    const both = await cli(hostA, ['audit', 'verify', '--public-key', keyA, '--public-key', keyB]);
    expect(both.code, both.stdout + both.stderr).toBe(0);
    const onlyA = await cli(hostA, ['audit', 'verify', '--public-key', keyA]);
    expect(onlyA.code).toBe(1);
  }, 300_000);
});
