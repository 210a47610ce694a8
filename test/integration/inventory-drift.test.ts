import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoData, startEmulator, type Emulator } from '@luxeret/cloudflare-emulator';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { readMetricsFile } from '../helpers/prometheus.js';

const TOKEN = 'cfut_drifttest_0a1b2c3d4e5f60718293a4b5c6d7e8f9';

let emulator: Emulator | undefined;
let cleanup = () => {};
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  cleanup();
});

interface DriftJson {
  drift: { contradictions: number; checks: { rule: string; state: string; findings: { kind: string; zone_id?: string }[] }[] };
}

type DoctorJson = { checks: { name: string; status: string; detail: string }[] };

describe('inventory --fail-on-drift', () => {
  it('exits 1 on the demo data set (Logpull retention on, Logpush jobs with ClientIP) and 0 once the drift is gone in the emulator', async () => {
    emulator = await startEmulator();
    const demo = seedDemoData(emulator.state, { now: new Date(), tokenValue: TOKEN });
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    const configPath = join(temp.dir, 'config.yaml');
    const env = { LUXERET_HOME: join(temp.dir, 'home'), LUXERET_CONFIG: configPath, CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl };
    const zones = demo.zones.map((zone) => `  - id: "${zone.id}"\n    name: "${zone.name}"\n`).join('');
    writeFileSync(
      configPath,
      `account_id: "${demo.accountId}"\nzones:\n${zones}retention:\n  firewall_events: 2d\n  http_analytics: 2d\n  access_rules: 2d\n  list_items: 2d\nmanaged_lists: ["abuse_ips"]\nsafety: { max_deletes: 1000 }\n`,
    );
    const cli = (argv: string[]) => runCli(argv, { env, cwd: temp.dir });
    for (const step of [['init'], ['pull'], ['purge']]) expect((await cli(step)).code, step.join(' ')).toBe(0);

    // Without the flag the answer is the inventory itself: drift is for the report to show.
    expect((await cli(['inventory', '--quiet'])).code).toBe(0);
    const metricsPath = join(temp.dir, 'luxeret.prom');
    const requestsBefore = emulator.requests.length;
    const drifting = await cli(['inventory', '--fail-on-drift', '--quiet', '--format', 'json', '--metrics-file', metricsPath]);
    expect(drifting.code).toBe(1);
    expect(drifting.stderr).toBe('');
    const json = JSON.parse(drifting.stdout) as DriftJson;
    const enterprise = demo.zones.filter((zone) => zone.plan === 'enterprise').map((zone) => zone.id);
    expect(enterprise.length).toBeGreaterThan(0);
    const logpull = json.drift.checks.find((check) => check.rule === 'logpull_retention');
    expect(logpull?.state).toBe('drift');
    expect(logpull?.findings.map((finding) => finding.zone_id)).toEqual(enterprise);
    expect(json.drift.contradictions).toBe(json.drift.checks.filter((c) => c.state === 'drift').reduce((sum, c) => sum + c.findings.length, 0));
    // The purge just ran and took everything past retention: those checks are in order.
    expect(json.drift.checks.filter((check) => check.rule === 'purge_stale' || check.rule === 'overdue_data').map((check) => check.state)).toEqual([
      'ok',
      'ok',
    ]);
    // The metrics file counts the same contradictions and the REST requests the inventory sent.
    let metrics = readMetricsFile(metricsPath);
    expect(metrics.value('luxeret_last_run_exit_code', { command: 'inventory' })).toBe(1);
    expect(metrics.value('luxeret_policy_drift_findings', { kind: 'logpull_on' })).toBe(enterprise.length);
    expect(metrics.value('luxeret_cloudflare_requests_total', { command: 'inventory' })).toBe(emulator.requests.length - requestsBefore);
    // A local-only run cannot read Cloudflare's log settings: it carries what the last inventory found.
    expect((await cli(['inventory', '--local-only', '--quiet', '--metrics-file', metricsPath])).code).toBe(0);
    metrics = readMetricsFile(metricsPath);
    expect(metrics.value('luxeret_policy_drift_findings', { kind: 'logpull_on' })).toBe(enterprise.length);
    // Text mode says so on stderr unless --quiet.
    expect((await cli(['inventory', '--fail-on-drift'])).stderr).toMatch(/policy drift: \d+ contradictions? \(.*logpull_on \d/);

    // doctor --fail-on-drift fails the same way, as one check naming the kinds.
    const doctor = await cli(['doctor', '--fail-on-drift', '--json']);
    expect(doctor.code).toBe(1);
    const driftCheck = (JSON.parse(doctor.stdout) as DoctorJson).checks.find((check) => check.name === 'policy drift');
    expect(driftCheck).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^\d+ contradiction\(s\): logpull_on \d/) });

    // The operator turns Logpull retention off and removes the Logpush jobs: no contradiction is left.
    for (const zone of emulator.state.zones.values()) {
      zone.logRetention = false;
      zone.logpushJobs.clear();
    }
    for (const account of emulator.state.accounts.values()) account.logpushJobs.clear();
    const clean = await cli(['inventory', '--fail-on-drift', '--quiet', '--format', 'json', '--metrics-file', metricsPath]);
    expect(clean.code).toBe(0);
    const after = JSON.parse(clean.stdout) as DriftJson;
    expect(after.drift.contradictions).toBe(0);
    expect(after.drift.checks.map((check) => check.state)).toEqual(['ok', 'ok', 'ok', 'ok']);
    metrics = readMetricsFile(metricsPath);
    expect(metrics.samples('luxeret_policy_drift_findings').filter((sample) => sample.value !== 0)).toEqual([]);
    const cleanDoctor = JSON.parse((await cli(['doctor', '--fail-on-drift', '--json'])).stdout) as DoctorJson;
    expect(cleanDoctor.checks.find((check) => check.name === 'policy drift')).toMatchObject({ status: 'pass', detail: 'no contradiction' });
  }, 120_000);
});
