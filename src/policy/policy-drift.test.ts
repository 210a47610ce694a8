import { describe, expect, it } from 'vitest';
import { DRIFT_GRACE_DAYS } from './tolerances.js';
import { buildPolicyDrift, countContradictions, sortChecks, type LogSettingsFacts, type PolicyDriftInput } from './policy-drift.js';

const NOW = new Date('2025-03-01T00:00:00Z');
const DAY_MS = 86_400_000;

const NO_LOGS: LogSettingsFacts = {
  retention: [],
  logpushJobs: [],
  retentionUnreadable: [],
  logpushUnreadable: [],
  retentionNotAvailable: [],
  logpushNotAvailable: [],
};

function input(overrides: Partial<PolicyDriftInput> = {}): PolicyDriftInput {
  return { now: NOW, lastPurgeAt: new Date(NOW.getTime() - DAY_MS), overdue: [], logSettings: NO_LOGS, ...overrides };
}

function check(result: ReturnType<typeof buildPolicyDrift>, rule: string) {
  return result.find((c) => c.rule === rule)!;
}

describe('buildPolicyDrift', () => {
  it('finds nothing when everything is in order, in a fixed order of checks', () => {
    const result = buildPolicyDrift(input());
    expect(result.map((c) => [c.rule, c.state])).toEqual([
      ['logpullRetention', 'ok'],
      ['logpushClientIp', 'ok'],
      ['overdueData', 'ok'],
      ['purgeStale', 'ok'],
    ]);
    expect(countContradictions(result)).toBe(0);
  });

  it.each([
    ['never ran', undefined, 'drift', 'purge_never'],
    ['exactly 5 days ago', new Date(NOW.getTime() - DRIFT_GRACE_DAYS * DAY_MS), 'ok', 'purge_recent'],
    ['5 days and 1 ms ago', new Date(NOW.getTime() - DRIFT_GRACE_DAYS * DAY_MS - 1), 'drift', 'purge_stale'],
    ['4 days 23 h ago', new Date(NOW.getTime() - DRIFT_GRACE_DAYS * DAY_MS + 3_600_000), 'ok', 'purge_recent'],
    ['in the future (clock skew)', new Date(NOW.getTime() + DAY_MS), 'ok', 'purge_recent'],
  ])('purge %s → %s', (_name, lastPurgeAt, state, kind) => {
    const purge = check(buildPolicyDrift(input({ lastPurgeAt })), 'purgeStale');
    expect(purge.state).toBe(state);
    expect(purge.findings[0]?.kind).toBe(kind);
  });

  it('reports the days since a stale purge', () => {
    const purge = check(buildPolicyDrift(input({ lastPurgeAt: new Date(NOW.getTime() - 9.5 * DAY_MS) })), 'purgeStale');
    expect(purge.findings).toEqual([{ kind: 'purge_stale', lastPurgeAt: new Date(NOW.getTime() - 9.5 * DAY_MS), days: 9 }]);
  });

  it('lists each location with overdue records, and only those', () => {
    const overdue = [
      { locationId: 'local/firewall-events', retention: '30d', count: 12 },
      { locationId: 'local/http-analytics', retention: '7d', count: 0 },
    ] as const;
    const result = buildPolicyDrift(input({ overdue }));
    expect(check(result, 'overdueData')).toEqual({
      rule: 'overdueData',
      state: 'drift',
      findings: [{ kind: 'overdue', locationId: 'local/firewall-events', retention: '30d', count: 12 }],
    });
    expect(countContradictions(result)).toBe(1);
  });

  it('is "not checked" for Cloudflare log settings this run did not read', () => {
    const result = buildPolicyDrift(input({ logSettings: undefined }));
    expect(check(result, 'logpullRetention').state).toBe('unknown');
    expect(check(result, 'logpushClientIp').state).toBe('unknown');
  });

  it('flags zones with Logpull retention on, and Logpush jobs shipping ClientIP (enabled or not)', () => {
    const job = (id: number, shipsClientIp: boolean, enabled = true) => ({
      id,
      name: `job${id}`,
      dataset: 'http_requests',
      enabled,
      destination: 's3://bucket/…',
      fields: shipsClientIp ? ['ClientIP', 'RayID'] : ['RayID'],
      shipsClientIp,
    });
    const logSettings: LogSettingsFacts = {
      ...NO_LOGS,
      retention: [
        { zoneId: 'z1', zoneName: 'shop.luxeret.com', flag: true },
        { zoneId: 'z2', flag: false },
      ],
      logpushJobs: [job(1, true), job(2, false), job(3, true, false)],
    };
    const result = buildPolicyDrift(input({ logSettings }));
    expect(check(result, 'logpullRetention').findings).toEqual([{ kind: 'logpull_on', zoneId: 'z1', zoneName: 'shop.luxeret.com' }]);
    expect(check(result, 'logpushClientIp').findings.map((f) => (f.kind === 'logpush_client_ip' ? f.job.id : undefined))).toEqual([1, 3]);
    expect(countContradictions(result)).toBe(3);
  });

  it('is "not checked" when a scope could not be read, unless a contradiction was found anyway', () => {
    const unreadable = { ...NO_LOGS, retentionUnreadable: ['zone z2: needs Logs Read'], logpushUnreadable: ['account a: needs Logs Write'] };
    const result = buildPolicyDrift(input({ logSettings: unreadable }));
    expect(check(result, 'logpullRetention').state).toBe('unknown');
    expect(check(result, 'logpushClientIp').state).toBe('unknown');
    const withOn = buildPolicyDrift(input({ logSettings: { ...unreadable, retention: [{ zoneId: 'z1', flag: true }] } }));
    expect(check(withOn, 'logpullRetention').state).toBe('drift');
  });

  it('is ok where the plan lacks Logpull/Logpush, naming the scopes', () => {
    const result = buildPolicyDrift(input({ logSettings: { ...NO_LOGS, retentionNotAvailable: ['zone z1'], logpushNotAvailable: ['zone z1'] } }));
    expect(check(result, 'logpullRetention')).toEqual({ rule: 'logpullRetention', state: 'ok', findings: [{ kind: 'not_available', scope: 'zone z1' }] });
  });
});

describe('sortChecks', () => {
  it('puts contradictions first, then unchecked, then ok, keeping the order within each', () => {
    const result = buildPolicyDrift(input({ logSettings: undefined, lastPurgeAt: undefined }));
    expect(sortChecks(result).map((c) => c.rule)).toEqual(['purgeStale', 'logpullRetention', 'logpushClientIp', 'overdueData']);
  });
});
