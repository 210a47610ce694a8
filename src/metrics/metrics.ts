import type { Gauge } from 'prom-client';
import type { InventoryLocation } from '../inventory/inventory.js';
import type { DriftCheck, DriftFinding, DriftRuleKey } from '../policy/policy-drift.js';

/**
 * The metrics file (issue 15): Prometheus text exposition for node_exporter's textfile collector, written after every
 * `pull`, `purge` and `inventory`. Every value is derived here from the run's result and the store; the CLI reads
 * those and writes the file. Labels are location ids, zone ids, datasets, commands and drift kinds: never an IP.
 */

export const METRIC_COMMANDS = ['pull', 'purge', 'inventory'] as const;
export type MetricCommand = (typeof METRIC_COMMANDS)[number];

/** The drift findings that are contradictions (a check in state `drift`), each a `kind` label value. */
export const DRIFT_KINDS = ['logpull_on', 'logpush_client_ip', 'overdue', 'purge_never', 'purge_stale'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** The checks that ask Cloudflare: `unknown` after a run that did not read its log settings, so carried instead. */
const CLOUDFLARE_RULES: readonly DriftRuleKey[] = ['logpullRetention', 'logpushClientIp'];

/** One command's last run; times in unix seconds. */
export interface RunRecord {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly exitCode: number;
  /** The end of the last run that exited 0, undefined until one did. */
  readonly lastSuccessAt: number | undefined;
}

/** What one run cannot know by itself and is carried from run to run (in the store's meta): last runs and totals. */
export interface CarriedMetrics {
  readonly runs: Partial<Record<MetricCommand, RunRecord>>;
  /** Records deleted by purges, per location id, since the first run that wrote metrics. */
  readonly deletedTotal: Readonly<Record<string, number>>;
  /** Cloudflare requests and 429 answers, per command, since the first run that wrote metrics. */
  readonly cloudflare: Partial<Record<MetricCommand, { readonly requests: number; readonly rateLimited: number }>>;
  /** Contradictions of the Cloudflare checks as the last run that read Cloudflare's log settings found them. */
  readonly cloudflareDrift: Partial<Record<DriftKind, number>>;
}

export const NO_CARRIED_METRICS: CarriedMetrics = { runs: {}, deletedTotal: {}, cloudflare: {}, cloudflareDrift: {} };

/** What a run tells the metrics; `store` is undefined when the store could not be read (only the run is recorded). */
export interface RunMetricsInput {
  readonly command: MetricCommand;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly exitCode: number;
  /** This run's Cloudflare requests and 429s. */
  readonly cloudflare: { readonly requests: number; readonly rateLimited: number };
  /** Records this run's purge deleted, per location (nothing for a dry run or another command). */
  readonly deleted: readonly { readonly location: string; readonly deleted: number }[];
  readonly store: StoreFacts | undefined;
}

/** What the store holds after the run, as the inventory sees it. */
export interface StoreFacts {
  /** Locations with status `ok` count; others (not readable, failed) are left out rather than reported as 0. */
  readonly locations: readonly InventoryLocation[];
  /** Retention of our store's locations, in seconds. */
  readonly retentionSeconds: readonly { readonly location: string; readonly seconds: number }[];
  /** The newest time each (zone, dataset) pull has covered, unix seconds. */
  readonly pullCoverage: readonly { readonly zoneId: string; readonly dataset: string; readonly coveredTo: number }[];
  readonly lastPurgeAt: Date | undefined;
  readonly drift: readonly DriftCheck[];
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** The carried state after this run: its last-run record, totals advanced, Cloudflare drift updated when it was read. */
export function advanceCarriedMetrics(previous: CarriedMetrics, input: RunMetricsInput): CarriedMetrics {
  const before = previous.runs[input.command];
  const endedAt = seconds(input.endedAt);
  const run: RunRecord = {
    startedAt: seconds(input.startedAt),
    endedAt,
    exitCode: input.exitCode,
    lastSuccessAt: input.exitCode === 0 ? endedAt : before?.lastSuccessAt,
  };
  const deletedTotal = { ...previous.deletedTotal };
  for (const { location, deleted } of input.deleted) deletedTotal[location] = (deletedTotal[location] ?? 0) + deleted;
  const counted = previous.cloudflare[input.command];
  const cloudflare = {
    ...previous.cloudflare,
    [input.command]: {
      requests: (counted?.requests ?? 0) + input.cloudflare.requests,
      rateLimited: (counted?.rateLimited ?? 0) + input.cloudflare.rateLimited,
    },
  };
  let cloudflareDrift = previous.cloudflareDrift;
  const cloudflareChecks = input.store?.drift.filter((check) => CLOUDFLARE_RULES.includes(check.rule)) ?? [];
  if (cloudflareChecks.length > 0 && cloudflareChecks.every((check) => check.state !== 'unknown')) {
    cloudflareDrift = countContradictionKinds(cloudflareChecks);
  }
  return { runs: { ...previous.runs, [input.command]: run }, deletedTotal, cloudflare, cloudflareDrift };
}

/** Contradictions per kind: local checks from this run, Cloudflare checks as last read (carried). */
export function countDriftKinds(carried: CarriedMetrics, drift: readonly DriftCheck[]): Record<DriftKind, number> {
  const local = countContradictionKinds(drift.filter((check) => !CLOUDFLARE_RULES.includes(check.rule)));
  return Object.fromEntries(DRIFT_KINDS.map((kind) => [kind, (local[kind] ?? 0) + (carried.cloudflareDrift[kind] ?? 0)])) as Record<DriftKind, number>;
}

function countContradictionKinds(checks: readonly DriftCheck[]): Partial<Record<DriftKind, number>> {
  const counts: Partial<Record<DriftKind, number>> = {};
  for (const check of checks) {
    if (check.state !== 'drift') continue;
    for (const finding of check.findings) if (isDriftKind(finding)) counts[finding.kind] = (counts[finding.kind] ?? 0) + 1;
  }
  return counts;
}

function isDriftKind(finding: DriftFinding): finding is Extract<DriftFinding, { kind: DriftKind }> {
  return (DRIFT_KINDS as readonly string[]).includes(finding.kind);
}

/**
 * The exposition text for `carried` (already advanced by this run) and this run's store facts, from a registry of
 * its own (never prom-client's global one, which would mix in whatever else registered there). prom-client is loaded
 * here, by the runs that write a metrics file.
 */
export async function renderMetrics(carried: CarriedMetrics, input: RunMetricsInput): Promise<string> {
  const { Counter, Gauge, Registry } = await import('prom-client');
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers: [registry] });

  const started = gauge('luxeret_last_run_start_timestamp_seconds', 'When the last run of the command started (unix time).', ['command']);
  const ended = gauge('luxeret_last_run_end_timestamp_seconds', 'When the last run of the command ended (unix time).', ['command']);
  const exitCode = gauge('luxeret_last_run_exit_code', 'Exit code of the last run of the command (README "Exit codes"; 0 done).', ['command']);
  const succeeded = gauge('luxeret_last_success_timestamp_seconds', 'When the last run of the command that exited 0 ended (unix time).', ['command']);
  for (const command of METRIC_COMMANDS) {
    const run = carried.runs[command];
    if (run === undefined) continue;
    started.set({ command }, run.startedAt);
    ended.set({ command }, run.endedAt);
    exitCode.set({ command }, run.exitCode);
    if (run.lastSuccessAt !== undefined) succeeded.set({ command }, run.lastSuccessAt);
  }

  const deleted = counter('luxeret_deleted_records_total', 'Records deleted by purges, per location, across runs.', ['location']);
  for (const [location, total] of Object.entries(carried.deletedTotal)) deleted.inc({ location }, total);
  const requests = counter('luxeret_cloudflare_requests_total', 'Requests sent to the Cloudflare API (REST and GraphQL), per command, across runs.', [
    'command',
  ]);
  const rateLimited = counter('luxeret_cloudflare_rate_limited_total', 'Cloudflare API answers 429 (rate limited), per command, across runs.', ['command']);
  for (const command of METRIC_COMMANDS) {
    const counts = carried.cloudflare[command];
    if (counts === undefined) continue;
    requests.inc({ command }, counts.requests);
    rateLimited.inc({ command }, counts.rateLimited);
  }

  const store = input.store;
  if (store !== undefined) renderStoreMetrics(gauge, carried, store, input.endedAt);
  return registry.metrics();
}

type GaugeFactory = <L extends string>(name: string, help: string, labelNames: readonly L[]) => Gauge<L>;

function renderStoreMetrics(gauge: GaugeFactory, carried: CarriedMetrics, store: StoreFacts, now: Date): void {
  const records = gauge('luxeret_records', 'Records held per location (our store, and what Cloudflare keeps).', ['location', 'kind']);
  const pastRetention = gauge('luxeret_records_past_retention', 'Records past retention per location: what a purge would delete now.', ['location', 'kind']);
  const onHold = gauge('luxeret_records_on_hold', 'Records past retention kept by an active legal hold, per location.', ['location', 'kind']);
  const oldestAge = gauge('luxeret_oldest_record_age_seconds', 'Age of the oldest record per location, when the file was written.', ['location', 'kind']);
  for (const location of store.locations) {
    if (location.status !== 'ok') continue;
    const labels = { location: location.id, kind: location.kind };
    records.set(labels, location.records);
    pastRetention.set(labels, location.pastRetention);
    onHold.set(labels, location.held);
    if (location.oldest !== undefined) oldestAge.set(labels, Math.max(0, seconds(now) - seconds(location.oldest)));
  }
  const retention = gauge('luxeret_retention_seconds', 'Retention of our store per location, from the config.', ['location']);
  for (const { location, seconds: value } of store.retentionSeconds) retention.set({ location }, value);
  const covered = gauge('luxeret_pull_covered_until_timestamp_seconds', 'The newest time the pull has covered, per zone and dataset (unix time).', [
    'zone',
    'dataset',
  ]);
  for (const state of store.pullCoverage) covered.set({ zone: state.zoneId, dataset: state.dataset }, state.coveredTo);
  const lastPurge = gauge('luxeret_last_purge_timestamp_seconds', 'When a purge last completed, from the store (unix time).', []);
  if (store.lastPurgeAt !== undefined) lastPurge.set(seconds(store.lastPurgeAt));
  const drift = gauge('luxeret_policy_drift_findings', 'Open policy-drift contradictions by kind (Cloudflare ones as the last inventory read them).', ['kind']);
  for (const [kind, count] of Object.entries(countDriftKinds(carried, store.drift))) drift.set({ kind }, count);
}

/** The carried state as kept in the store's meta. */
export function serialiseCarriedMetrics(carried: CarriedMetrics): string {
  return JSON.stringify(carried);
}

/** The carried state from the store's meta; anything unreadable starts afresh rather than failing the run. */
export function parseCarriedMetrics(text: string | undefined): CarriedMetrics {
  if (text === undefined) return NO_CARRIED_METRICS;
  try {
    const value = JSON.parse(text) as Partial<CarriedMetrics> | null;
    if (value === null || typeof value !== 'object') return NO_CARRIED_METRICS;
    return {
      runs: value.runs ?? {},
      deletedTotal: value.deletedTotal ?? {},
      cloudflare: value.cloudflare ?? {},
      cloudflareDrift: value.cloudflareDrift ?? {},
    };
  } catch {
    return NO_CARRIED_METRICS;
  }
}
