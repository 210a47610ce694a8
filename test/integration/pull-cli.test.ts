import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addFirewallEvents, addHttpRequests, addZone, generateFirewallEvents, generateHttpRequests } from '@luxeret/cloudflare-emulator';
import { readMeta } from '../../src/store/db.js';
import { countFirewallEvents, listFirewallEventKeys } from '../../src/store/firewall-events.js';
import { readAllPullStates } from '../../src/store/pull-state.js';
import { runCli } from '../helpers/cli.js';
import { eventKey, startPullFixture, TOKEN, withPort, type PullFixture } from './pull-fixture.js';
import { describeEachStore } from '../helpers/store-kinds.js';
import { childEnv } from '../helpers/child-env.js';
import { sourceCliArgs } from '../helpers/source-cli.js';

const HOUR = 3_600_000;
let fixture: PullFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function seededZone(f: PullFixture, count = 4000) {
  const now = Date.now();
  const zone = addZone(f.emulator.state, { name: 'shop.example.com', plan: 'business' });
  zone.graphqlOverrides.firewallEventsAdaptive = { maxPageSize: 200 };
  const events = generateFirewallEvents({
    seed: 21,
    from: new Date(now - 30 * HOUR),
    to: new Date(now - 5 * 60_000),
    count,
    bursts: [{ at: new Date(now - 3 * HOUR), size: 700 }],
    sharedRayIds: 10,
  });
  addFirewallEvents(f.emulator.state, zone.id, events);
  addHttpRequests(f.emulator.state, zone.id, generateHttpRequests({ seed: 2, from: new Date(now - 48 * HOUR), to: new Date(now), clientsPerHour: 10 }));
  f.writeConfig([{ id: zone.id, name: 'shop' }]);
  return { zone, events };
}

describe('luxeret-privacy pull (CLI)', () => {
  it('exits 2 naming the key when the config is wrong, and asks Cloudflare nothing', async () => {
    fixture = await startPullFixture();
    fixture.writeConfig([{ id: 'a'.repeat(32) }], 'retention:\n  firewall_events: 30x');
    const result = await fixture.pull();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('retention.firewall_events');
    expect(fixture.emulator.requests).toHaveLength(0);
  });

  it('exits 3 on a wrong token and stores nothing', async () => {
    fixture = await startPullFixture();
    seededZone(fixture);
    const result = await fixture.pull(['--json'], 'wrong-token-000000000000');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/refused|not authorized|Unauthorized|Invalid/i);
    const db = fixture.openDb();
    expect(countFirewallEvents(db)).toBe(0);
    expect(db.prepare('SELECT COUNT(*) AS n FROM http_analytics').get()).toEqual({ n: 0 });
    expect(readAllPullStates(db)).toEqual([]);
    expect(readMeta(db, 'last_pull_at')).toBeUndefined();
    db.close();
  });

  it('never lets the token reach stdout, stderr or any file under LUXERET_HOME', async () => {
    fixture = await startPullFixture();
    const { zone } = seededZone(fixture, 1500);
    const runs = [
      await fixture.pull(),
      await fixture.pull(['--json', '--since', '2h']),
      await fixture.pull(['--debug', '--zone', zone.id]),
      await runInvalidZone(fixture),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 3]);
    for (const run of runs) {
      expect(run.stdout).not.toContain(TOKEN);
      expect(run.stderr).not.toContain(TOKEN);
    }
    const needle = Buffer.from(TOKEN);
    const files = filesUnder(fixture.home);
    expect(files.some((f) => f.endsWith('luxeret.db'))).toBe(true);
    for (const file of files) expect(readFileSync(file).includes(needle), file).toBe(false);
  });

  it('exits 4 when some zones fail, after pulling the others; progress only on a TTY', async () => {
    fixture = await startPullFixture();
    const { zone } = seededZone(fixture, 800);
    const other = addZone(fixture.emulator.state, { name: 'other.example.com', plan: 'pro' });
    fixture.emulator.state.tokens.get(TOKEN)!.zoneIds = [zone.id];
    fixture.writeConfig([
      { id: zone.id, name: 'shop' },
      { id: other.id, name: 'other' },
    ]);
    const result = await runCli(['pull'], { env: fixture.env(), cwd: fixture.home, tty: true });
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/shop .*firewall_events .*ok/);
    expect(result.stdout).toMatch(/other .*failed/);
    expect(result.stderr).toContain(`zone ${other.id}`);
    expect(result.stderr).toMatch(/rows · window \d+\/\d+/);
    const db = fixture.openDb();
    expect(countFirewallEvents(db, zone.id)).toBeGreaterThan(0);
    db.close();
  });

  it('re-reads the configured pull.overlap and reports the late rows it found in --json', async () => {
    fixture = await startPullFixture();
    const now = Date.now();
    const zone = addZone(fixture.emulator.state, { name: 'late.example.com', plan: 'business' });
    const events = generateFirewallEvents({ seed: 31, from: new Date(now - 2 * HOUR), to: new Date(now - 1000), count: 3000 });
    addFirewallEvents(fixture.emulator.state, zone.id, events);
    // 30 minutes: more than the default 10, so rows 10–20 minutes old that the 20-minute lag hid are found only
    // if the configured value is the one used.
    fixture.writeConfig([{ id: zone.id }], 'pull:\n  overlap: 30m');
    fixture.emulator.state.behaviour.ingestionLagMaxMs = 20 * 60_000;
    const first = await fixture.pull(['--json']);
    expect(first.code).toBe(0);
    const hidden = events.filter((e) => Date.parse(e.datetime) < now - 10 * 60_000 && Date.parse(e.datetime) >= now - 20 * 60_000).length;
    expect(hidden).toBeGreaterThan(0);

    fixture.emulator.state.behaviour.ingestionLagMaxMs = 0; // the lag has passed for every row
    const second = await fixture.pull(['--json']);
    expect(second.code).toBe(0);
    const json = JSON.parse(second.stdout) as { zones: { datasets: { dataset: string; late_rows: number; new: number; settled_to: string }[] }[] };
    const fw = json.zones[0]!.datasets.find((d) => d.dataset === 'firewall_events')!;
    const db = fixture.openDb();
    const stored = listFirewallEventKeys(db, zone.id);
    db.close();
    expect(stored).toHaveLength(events.length);
    expect(fw.late_rows).toBe(fw.new);
    expect(fw.late_rows).toBeGreaterThan(0);
    expect(Date.parse(fw.settled_to)).toBeLessThanOrEqual(Date.now() - 30 * 60_000);
  });

  it('exits 2 for an unknown --zone or an unreadable --since', async () => {
    fixture = await startPullFixture();
    seededZone(fixture, 10);
    expect((await fixture.pull(['--zone', 'nope'])).code).toBe(2);
    const since = await fixture.pull(['--since', 'yesterday-ish']);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('--since');
  });
});

// A run killed at any instant leaves whole pages with the pull state they vouch for; on PostgreSQL its session, and
// with it the run lock, ends with the process.
describeEachStore('luxeret-privacy pull killed half-way', (kind) => {
  it('resumes with no gap and no duplicate after SIGKILL', async () => {
    fixture = await startPullFixture({ faults: { seed: 3, graphql: { latency: 1, latencyMs: 60 } } }, kind);
    const { zone, events } = seededZone(fixture, 6000);
    const child = spawn(process.execPath, sourceCliArgs(['pull']), {
      cwd: fixture.home,
      env: childEnv({ HOME: fixture.home, ...fixture.env() }),
      stdio: 'ignore',
    });
    let hasExited = false;
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.on('exit', (_code, signal) => {
        hasExited = true;
        done(signal);
      }),
    );
    const graphqlSeen = () => fixture!.emulator.requests.filter((r) => r.kind === 'graphql').length;
    // Kill once a first page has been committed (each page commits with its pull state).
    const committed = () => withPort(fixture!.openPort, (store) => store.countFirewallEvents(zone.id));
    while ((graphqlSeen() < 12 || (await committed()) === 0) && !hasExited) await new Promise((tick) => setTimeout(tick, 10));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const partial = await committed();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(events.length);

    const result = await fixture.pull(['--json']);
    expect(result.code).toBe(0);
    const stored = await withPort(fixture.openPort, (store) => store.listFirewallEventKeys(zone.id));
    expect(stored).toHaveLength(events.length);
    expect(new Set(stored)).toEqual(new Set(events.map(eventKey)));
  });
});

/** A pull of a zone the token cannot see: a failure whose messages must not carry the token either. */
async function runInvalidZone(f: PullFixture) {
  return f.pull(['--debug', '--zone', 'b'.repeat(32)]);
}
