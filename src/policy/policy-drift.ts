import type { LocationId } from '../inventory/inventory.js';
import { DRIFT_GRACE_DAYS } from './tolerances.js';

/**
 * Where what is held or configured contradicts Luxeret's privacy policy (룩세렛 개인정보 처리방침, 2024-08-04). Pure:
 * the CLI gathers the facts (store counts, meta, Cloudflare log settings) and this decides.
 */

const DAY_MS = 86_400_000;

/** The four checks; the report catalogue (report/messages) quotes the policy clause and names each. */
export type DriftRuleKey = 'logpullRetention' | 'logpushClientIp' | 'overdueData' | 'purgeStale';

/** A local location's records older than its retention plus the grace period, legal holds excluded. */
export interface OverdueFact {
  readonly locationId: LocationId;
  /** The retention rule as written (`30d`). */
  readonly retention: string;
  readonly count: number;
}

/** Structurally the `LogRetention` of a Cloudflare objects snapshot, plus the zone's name when known. */
export interface LogRetentionFact {
  readonly zoneId: string;
  readonly zoneName?: string | undefined;
  readonly flag: boolean;
}

/** Structurally a `LogpushJob` of a Cloudflare objects snapshot (destination already redacted). */
export interface LogpushJobFact {
  readonly id: number | string;
  readonly name: string;
  readonly dataset: string;
  readonly enabled: boolean;
  readonly destination: string;
  readonly fields: readonly string[];
  readonly shipsClientIp: boolean;
}

/**
 * Cloudflare's log settings as read. `*Unreadable`: why a scope could not be read (token, failure);
 * `*NotAvailable`: scopes whose plan lacks the feature (below Enterprise), so nothing is kept or shipped there.
 */
export interface LogSettingsFacts {
  readonly retention: readonly LogRetentionFact[];
  readonly logpushJobs: readonly LogpushJobFact[];
  readonly retentionUnreadable: readonly string[];
  readonly logpushUnreadable: readonly string[];
  readonly retentionNotAvailable: readonly string[];
  readonly logpushNotAvailable: readonly string[];
}

export interface PolicyDriftInput {
  readonly now: Date;
  readonly lastPurgeAt: Date | undefined;
  readonly overdue: readonly OverdueFact[];
  /** Undefined when this run did not read Cloudflare's log settings at all. */
  readonly logSettings: LogSettingsFacts | undefined;
}

export type DriftFinding =
  | { readonly kind: 'logpull_on'; readonly zoneId: string; readonly zoneName: string | undefined }
  | { readonly kind: 'logpull_off'; readonly zoneId: string; readonly zoneName: string | undefined }
  | { readonly kind: 'not_available'; readonly scope: string }
  | { readonly kind: 'logpush_client_ip'; readonly job: LogpushJobFact }
  | { readonly kind: 'overdue'; readonly locationId: LocationId; readonly retention: string; readonly count: number }
  | { readonly kind: 'purge_never' }
  | { readonly kind: 'purge_stale'; readonly lastPurgeAt: Date; readonly days: number }
  | { readonly kind: 'purge_recent'; readonly lastPurgeAt: Date; readonly days: number }
  | { readonly kind: 'not_read'; readonly reason: string | undefined };

export type DriftState = 'ok' | 'drift' | 'unknown';

export interface DriftCheck {
  readonly rule: DriftRuleKey;
  readonly state: DriftState;
  /** The contradictions for `drift`; what is known for `ok`/`unknown`. */
  readonly findings: readonly DriftFinding[];
}

/** The four checks, always in the same order, each `ok`, `drift` or `unknown`. */
export function buildPolicyDrift(input: PolicyDriftInput): DriftCheck[] {
  return [checkLogpull(input.logSettings), checkLogpush(input.logSettings), checkOverdue(input.overdue), checkPurge(input.lastPurgeAt, input.now)];
}

/** How many contradictions (findings of checks in `drift`) there are. */
export function countContradictions(checks: readonly DriftCheck[]): number {
  return checks.reduce((sum, check) => sum + (check.state === 'drift' ? check.findings.length : 0), 0);
}

const STATE_ORDER: Record<DriftState, number> = { drift: 0, unknown: 1, ok: 2 };

/** Contradictions first, then what could not be checked, then what is in order; the check order within each. */
export function sortChecks(checks: readonly DriftCheck[]): DriftCheck[] {
  return checks
    .map((check, i) => ({ check, i }))
    .sort((a, b) => STATE_ORDER[a.check.state] - STATE_ORDER[b.check.state] || a.i - b.i)
    .map(({ check }) => check);
}

function checkLogpull(settings: LogSettingsFacts | undefined): DriftCheck {
  const rule = 'logpullRetention';
  if (settings === undefined) return { rule, state: 'unknown', findings: [{ kind: 'not_read', reason: undefined }] };
  const on = settings.retention.filter((fact) => fact.flag);
  if (on.length > 0) return { rule, state: 'drift', findings: on.map((fact) => ({ kind: 'logpull_on', zoneId: fact.zoneId, zoneName: fact.zoneName })) };
  const known: DriftFinding[] = [
    ...settings.retention.map((fact): DriftFinding => ({ kind: 'logpull_off', zoneId: fact.zoneId, zoneName: fact.zoneName })),
    ...settings.retentionNotAvailable.map((scope): DriftFinding => ({ kind: 'not_available', scope })),
  ];
  if (settings.retentionUnreadable.length > 0) {
    return { rule, state: 'unknown', findings: [...settings.retentionUnreadable.map((reason): DriftFinding => ({ kind: 'not_read', reason })), ...known] };
  }
  return { rule, state: 'ok', findings: known };
}

function checkLogpush(settings: LogSettingsFacts | undefined): DriftCheck {
  const rule = 'logpushClientIp';
  if (settings === undefined) return { rule, state: 'unknown', findings: [{ kind: 'not_read', reason: undefined }] };
  // A disabled job ships nothing today, but it is one toggle away and still names ClientIP: listed all the same.
  const shipping = settings.logpushJobs.filter((job) => job.shipsClientIp);
  if (shipping.length > 0) return { rule, state: 'drift', findings: shipping.map((job) => ({ kind: 'logpush_client_ip', job })) };
  const known = settings.logpushNotAvailable.map((scope): DriftFinding => ({ kind: 'not_available', scope }));
  if (settings.logpushUnreadable.length > 0) {
    return { rule, state: 'unknown', findings: [...settings.logpushUnreadable.map((reason): DriftFinding => ({ kind: 'not_read', reason })), ...known] };
  }
  return { rule, state: 'ok', findings: known };
}

function checkOverdue(overdue: readonly OverdueFact[]): DriftCheck {
  const late = overdue.filter((fact) => fact.count > 0);
  return {
    rule: 'overdueData',
    state: late.length > 0 ? 'drift' : 'ok',
    findings: late.map((fact) => ({ kind: 'overdue', locationId: fact.locationId, retention: fact.retention, count: fact.count })),
  };
}

function checkPurge(lastPurgeAt: Date | undefined, now: Date): DriftCheck {
  const rule = 'purgeStale';
  if (lastPurgeAt === undefined) return { rule, state: 'drift', findings: [{ kind: 'purge_never' }] };
  const ageMs = now.getTime() - lastPurgeAt.getTime();
  const days = Math.floor(Math.max(0, ageMs) / DAY_MS);
  if (ageMs > DRIFT_GRACE_DAYS * DAY_MS) return { rule, state: 'drift', findings: [{ kind: 'purge_stale', lastPurgeAt, days }] };
  return { rule, state: 'ok', findings: [{ kind: 'purge_recent', lastPurgeAt, days }] };
}
