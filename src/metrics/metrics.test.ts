import { describe, expect, it } from 'vitest';
import { buildPolicyDrift } from '../policy/policy-drift.js';
import { advanceCarriedMetrics, NO_CARRIED_METRICS, parseCarriedMetrics, renderMetrics, serialiseCarriedMetrics, type RunMetricsInput } from './metrics.js';

const now = new Date('2026-03-01T03:30:09Z');
const purge: RunMetricsInput = {
  command: 'purge',
  startedAt: new Date('2026-03-01T03:30:00Z'),
  endedAt: now,
  exitCode: 0,
  cloudflare: { requests: 3, rateLimited: 1 },
  deleted: [{ location: 'local/firewall-events', deleted: 5 }],
  store: undefined,
};

describe('metrics', () => {
  it('renders the run and the carried totals, without the store facts when the store could not be read', async () => {
    expect(await renderMetrics(advanceCarriedMetrics(NO_CARRIED_METRICS, purge), purge)).toMatchInlineSnapshot(`
      "# HELP luxeret_last_run_start_timestamp_seconds When the last run of the command started (unix time).
      # TYPE luxeret_last_run_start_timestamp_seconds gauge
      luxeret_last_run_start_timestamp_seconds{command="purge"} 1772335800

      # HELP luxeret_last_run_end_timestamp_seconds When the last run of the command ended (unix time).
      # TYPE luxeret_last_run_end_timestamp_seconds gauge
      luxeret_last_run_end_timestamp_seconds{command="purge"} 1772335809

      # HELP luxeret_last_run_exit_code Exit code of the last run of the command (README "Exit codes"; 0 done).
      # TYPE luxeret_last_run_exit_code gauge
      luxeret_last_run_exit_code{command="purge"} 0

      # HELP luxeret_last_success_timestamp_seconds When the last run of the command that exited 0 ended (unix time).
      # TYPE luxeret_last_success_timestamp_seconds gauge
      luxeret_last_success_timestamp_seconds{command="purge"} 1772335809

      # HELP luxeret_deleted_records_total Records deleted by purges, per location, across runs.
      # TYPE luxeret_deleted_records_total counter
      luxeret_deleted_records_total{location="local/firewall-events"} 5

      # HELP luxeret_cloudflare_requests_total Requests sent to the Cloudflare API (REST and GraphQL), per command, across runs.
      # TYPE luxeret_cloudflare_requests_total counter
      luxeret_cloudflare_requests_total{command="purge"} 3

      # HELP luxeret_cloudflare_rate_limited_total Cloudflare API answers 429 (rate limited), per command, across runs.
      # TYPE luxeret_cloudflare_rate_limited_total counter
      luxeret_cloudflare_rate_limited_total{command="purge"} 1
      "
    `);
  });

  it('adds deletions and requests to the carried totals and keeps the last success of a failed run', () => {
    const first = advanceCarriedMetrics(NO_CARRIED_METRICS, purge);
    const failed = { ...purge, exitCode: 4, endedAt: new Date('2026-03-02T03:30:00Z'), deleted: [{ location: 'local/firewall-events', deleted: 2 }] };
    const second = advanceCarriedMetrics(parseCarriedMetrics(serialiseCarriedMetrics(first)), failed);
    expect(second.deletedTotal).toEqual({ 'local/firewall-events': 7 });
    expect(second.cloudflare.purge).toEqual({ requests: 6, rateLimited: 2 });
    expect(second.runs.purge).toEqual({ startedAt: 1772335800, endedAt: 1772422200, exitCode: 4, lastSuccessAt: 1772335809 });
    expect(parseCarriedMetrics('not json')).toEqual(NO_CARRIED_METRICS);
  });

  it('counts contradictions by kind; the Cloudflare checks are carried from the last run that read them', async () => {
    const logSettings = {
      retention: [{ zoneId: 'z'.repeat(32), zoneName: 'shop', flag: true }],
      logpushJobs: [],
      retentionUnreadable: [],
      logpushUnreadable: [],
      retentionNotAvailable: [],
      logpushNotAvailable: [],
    };
    const store = (read: boolean) => ({
      locations: [],
      retentionSeconds: [],
      pullCoverage: [],
      lastPurgeAt: undefined,
      drift: buildPolicyDrift({ now, lastPurgeAt: undefined, overdue: [], logSettings: read ? logSettings : undefined }),
    });
    const inventory: RunMetricsInput = { ...purge, command: 'inventory', deleted: [], store: store(true) };
    const carried = advanceCarriedMetrics(NO_CARRIED_METRICS, inventory);
    const pull: RunMetricsInput = { ...purge, command: 'pull', deleted: [], store: store(false) };
    const text = await renderMetrics(advanceCarriedMetrics(carried, pull), pull);
    expect(text).toContain('luxeret_policy_drift_findings{kind="logpull_on"} 1\n');
    expect(text).toContain('luxeret_policy_drift_findings{kind="purge_never"} 1\n');
    expect(text).toContain('luxeret_policy_drift_findings{kind="logpush_client_ip"} 0\n');
  });
});
