import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addFirewallEvents, addHttpRequests, addZone, generateFirewallEvents, generateHttpRequests } from '@luxeret/cloudflare-emulator';
import { runCli } from '../helpers/cli.js';
import { readMetricsFile } from '../helpers/prometheus.js';
import { describeEachStore } from '../helpers/store-kinds.js';
import { testClock, type VirtualClock } from '../helpers/virtual-clock.js';
import { startPullFixture, withPort, type PullFixture } from './pull-fixture.js';

const HOUR_MS = 3_600_000;
const DAY_S = 86_400;
/** README "Metrics": the example alerts' thresholds. */
const PURGE_OVERDUE_S = 5 * DAY_S;
const PULL_STALE_S = 6 * 3_600;

let fixture: PullFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** The CLI's clock on whole seconds (the store keeps seconds), `offsetMs` ahead of the test clock. */
function wholeSecondClock(offsetMs = 0): VirtualClock {
  return { now: () => Math.floor((testClock.now() + offsetMs) / 1000) * 1000, sleep: testClock.sleep };
}

describeEachStore('--metrics-file after pull, purge and inventory', (kind) => {
  it('writes Prometheus text whose values match the store, carries last runs and deletions across runs, and shows an overdue purge', async () => {
    fixture = await startPullFixture({}, kind);
    const f = fixture;
    const now = Date.now();
    const zone = addZone(f.emulator.state, { name: 'shop.example.com', plan: 'business' });
    addFirewallEvents(
      f.emulator.state,
      zone.id,
      generateFirewallEvents({ seed: 7, from: new Date(now - 30 * HOUR_MS), to: new Date(now - 60_000), count: 1500 }),
    );
    addHttpRequests(f.emulator.state, zone.id, generateHttpRequests({ seed: 8, from: new Date(now - 40 * HOUR_MS), to: new Date(now), clientsPerHour: 6 }));
    // A pull stores only what is inside retention: 2 days now, 1 day (as the demo does) before the purge.
    const writeRetention = (days: number) =>
      f.writeConfig([{ id: zone.id, name: 'shop' }], `retention:\n  firewall_events: ${days}d\n  http_analytics: ${days}d`);
    writeRetention(2);
    const metricsPath = join(f.home, 'luxeret.prom');
    const cli = (argv: string[], clock = wholeSecondClock(), env: Record<string, string | undefined> = f.env()) =>
      runCli([...argv, '--metrics-file', metricsPath], { env, cwd: f.home, clock });

    // pull: the run, the store's counts, the pull's coverage, the requests it sent.
    const requestsBefore = f.emulator.requests.length;
    const pulled = await cli(['pull']);
    expect(pulled.code, pulled.stderr).toBe(0);
    let metrics = readMetricsFile(metricsPath);
    const pullEnd = metrics.value('luxeret_last_run_end_timestamp_seconds', { command: 'pull' })!;
    expect(metrics.value('luxeret_last_run_exit_code', { command: 'pull' })).toBe(0);
    expect(metrics.value('luxeret_last_run_start_timestamp_seconds', { command: 'pull' })).toBeLessThanOrEqual(pullEnd);
    expect(metrics.value('luxeret_last_success_timestamp_seconds', { command: 'pull' })).toBe(pullEnd);
    const cutoff = new Date((pullEnd - 2 * DAY_S) * 1000);
    const dayCutoff = new Date((pullEnd - DAY_S) * 1000);
    const facts = await withPort(f.openPort, async (port) => ({
      events: await port.countLocationRows('local/firewall-events'),
      analytics: await port.countLocationRows('local/http-analytics'),
      pastEvents: (await port.countExpired('local/firewall-events', cutoff, undefined)).expired,
      pastAnalytics: (await port.countExpired('local/http-analytics', cutoff, undefined)).expired,
      states: await port.readAllPullStates(),
      oldest: (await port.readFirewallEventsSummary()).oldest,
      pastDay: (await port.countExpired('local/firewall-events', dayCutoff, undefined)).expired,
    }));
    expect(facts.events).toBeGreaterThan(1000);
    expect(metrics.value('luxeret_records', { location: 'local/firewall-events' })).toBe(facts.events);
    expect(metrics.value('luxeret_records', { location: 'local/http-analytics' })).toBe(facts.analytics);
    expect(metrics.value('luxeret_records_past_retention', { location: 'local/firewall-events' })).toBe(facts.pastEvents);
    expect(metrics.value('luxeret_records_past_retention', { location: 'local/http-analytics' })).toBe(facts.pastAnalytics);
    expect(metrics.value('luxeret_records_on_hold', { location: 'local/firewall-events' })).toBe(0);
    expect(metrics.value('luxeret_oldest_record_age_seconds', { location: 'local/firewall-events' })).toBe(pullEnd - facts.oldest!.getTime() / 1000);
    expect(metrics.value('luxeret_retention_seconds', { location: 'local/firewall-events' })).toBe(2 * DAY_S);
    expect(facts.states).toHaveLength(2);
    for (const state of facts.states) {
      expect(metrics.value('luxeret_pull_covered_until_timestamp_seconds', { zone: zone.id, dataset: state.dataset })).toBe(state.coveredTo);
    }
    const pullRequests = f.emulator.requests.length - requestsBefore;
    expect(metrics.value('luxeret_cloudflare_requests_total', { command: 'pull' })).toBe(pullRequests);
    expect(metrics.value('luxeret_cloudflare_rate_limited_total', { command: 'pull' })).toBe(0);
    expect(metrics.value('luxeret_policy_drift_findings', { kind: 'purge_never' })).toBe(1);
    expect(metrics.samples('luxeret_deleted_records_total')).toEqual([]);

    // purge: what it deleted is what was past retention; the pull's last run is still in the file.
    writeRetention(1);
    expect(facts.pastDay).toBeGreaterThan(0);
    // Without a token the purge works on our store alone (this token may only read analytics).
    const purged = await cli(['purge'], wholeSecondClock(), { ...f.env(), CLOUDFLARE_API_TOKEN: undefined });
    expect(purged.code, purged.stderr).toBe(0);
    metrics = readMetricsFile(metricsPath);
    const purgeEnd = metrics.value('luxeret_last_run_end_timestamp_seconds', { command: 'purge' })!;
    expect(metrics.value('luxeret_last_run_exit_code', { command: 'purge' })).toBe(0);
    expect(metrics.value('luxeret_last_run_end_timestamp_seconds', { command: 'pull' })).toBe(pullEnd);
    const after = await withPort(f.openPort, async (port) => ({
      events: await port.countLocationRows('local/firewall-events'),
      analytics: await port.countLocationRows('local/http-analytics'),
      lastPurgeAt: await port.readMeta('last_purge_at'),
      // The file is written as the run ends, a moment after the purge's own cut-off: a record may have crossed it since.
      past: (await port.countExpired('local/firewall-events', new Date((purgeEnd - DAY_S) * 1000), undefined)).expired,
    }));
    const deletedEvents = metrics.value('luxeret_deleted_records_total', { location: 'local/firewall-events' })!;
    expect(deletedEvents).toBe(facts.events - after.events);
    expect(deletedEvents).toBeGreaterThanOrEqual(facts.pastDay);
    expect(metrics.value('luxeret_deleted_records_total', { location: 'local/http-analytics' })).toBe(facts.analytics - after.analytics);
    expect(metrics.value('luxeret_records', { location: 'local/firewall-events' })).toBe(after.events);
    expect(metrics.value('luxeret_records_past_retention', { location: 'local/firewall-events' })).toBe(after.past);
    expect(after.past).toBeLessThan(deletedEvents / 10);
    expect(metrics.value('luxeret_last_purge_timestamp_seconds')).toBe(Math.floor(new Date(after.lastPurgeAt!).getTime() / 1000));
    expect(purgeEnd - metrics.value('luxeret_last_purge_timestamp_seconds')!).toBeLessThan(60);
    expect(metrics.value('luxeret_policy_drift_findings', { kind: 'purge_never' })).toBe(0);

    // inventory: the counters carry over; nothing is overdue right after a purge.
    const inventory = await cli(['inventory', '--local-only', '--quiet']);
    expect(inventory.code, inventory.stderr).toBe(0);
    metrics = readMetricsFile(metricsPath);
    expect(metrics.value('luxeret_last_run_exit_code', { command: 'inventory' })).toBe(0);
    expect(metrics.value('luxeret_deleted_records_total', { location: 'local/firewall-events' })).toBe(deletedEvents);
    expect(metrics.value('luxeret_last_run_end_timestamp_seconds', { command: 'purge' })).toBe(purgeEnd);
    expect(metrics.value('luxeret_records', { location: 'local/firewall-events' })).toBe(after.events);
    const inventoryEnd = metrics.value('luxeret_last_run_end_timestamp_seconds', { command: 'inventory' })!;
    expect(inventoryEnd - metrics.value('luxeret_last_purge_timestamp_seconds')!).toBeLessThan(PURGE_OVERDUE_S);
    for (const kind of ['overdue', 'purge_never', 'purge_stale']) expect(metrics.value('luxeret_policy_drift_findings', { kind })).toBe(0);

    // The purge timer is disabled for 6 days; an inventory then (a daily timer of its own) shows it.
    const sixDaysLater = wholeSecondClock(6 * DAY_S * 1000);
    const late = await cli(['inventory', '--local-only', '--quiet'], sixDaysLater);
    expect(late.code, late.stderr).toBe(0);
    metrics = readMetricsFile(metricsPath);
    const lateEnd = metrics.value('luxeret_last_run_end_timestamp_seconds', { command: 'inventory' })!;
    expect(lateEnd - inventoryEnd).toBeGreaterThanOrEqual(6 * DAY_S);
    // What the example alerts evaluate, with Prometheus' time() at the moment the file was written.
    expect(lateEnd - metrics.value('luxeret_last_purge_timestamp_seconds')!).toBeGreaterThan(PURGE_OVERDUE_S);
    for (const state of facts.states) {
      expect(lateEnd - metrics.value('luxeret_pull_covered_until_timestamp_seconds', { zone: zone.id, dataset: state.dataset })!).toBeGreaterThan(PULL_STALE_S);
    }
    expect(metrics.value('luxeret_policy_drift_findings', { kind: 'purge_stale' })).toBe(1);
    expect(metrics.value('luxeret_records_past_retention', { location: 'local/firewall-events' })).toBe(after.events);
    expect(metrics.value('luxeret_deleted_records_total', { location: 'local/firewall-events' })).toBe(deletedEvents);

    // Written atomically: no temporary file is left beside it; and no address is in it.
    expect(readdirSync(f.home).filter((name) => name.includes('luxeret.prom'))).toEqual(['luxeret.prom']);
    expect(readFileSync(metricsPath, 'utf8')).not.toMatch(/\b\d{1,3}(\.\d{1,3}){3}\b|[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}/i);
    expect(existsSync(metricsPath)).toBe(true);
  }, 120_000);
});

describe('--metrics-file when a run fails or the file cannot be written', () => {
  it('records a failed run with its exit code, takes metrics.file from the config, and never changes the exit code', async () => {
    fixture = await startPullFixture();
    const f = fixture;
    const zone = addZone(f.emulator.state, { name: 'shop.example.com', plan: 'business' });
    // metrics.file is relative to the config file's directory.
    f.writeConfig([{ id: zone.id }], 'metrics:\n  file: metrics/luxeret.prom');
    mkdirSync(join(f.home, 'metrics'));
    const denied = await runCli(['pull'], { env: f.env('not-a-valid-token'), cwd: tmpdir() });
    expect(denied.code).toBe(3);
    const metrics = readMetricsFile(join(f.home, 'metrics', 'luxeret.prom'));
    expect(metrics.value('luxeret_last_run_exit_code', { command: 'pull' })).toBe(3);
    expect(metrics.value('luxeret_last_success_timestamp_seconds', { command: 'pull' })).toBeUndefined();
    expect(metrics.value('luxeret_cloudflare_requests_total', { command: 'pull' })).toBeGreaterThan(0);
    expect(metrics.value('luxeret_records', { location: 'local/firewall-events' })).toBe(0);

    // A directory that does not exist: the run's own exit code stands, and stderr says why there is no file.
    const missing = join(f.home, 'no-such-dir', 'luxeret.prom');
    const inventory = await runCli(['inventory', '--local-only', '--metrics-file', missing], { env: f.env(), cwd: f.home });
    expect(inventory.code).toBe(0);
    expect(inventory.stderr).toContain(`could not write the metrics file ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });
});
