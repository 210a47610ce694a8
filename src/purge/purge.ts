import { randomUUID } from 'node:crypto';
import type { AuditSigner } from '../audit/log.js';
import type { Config } from '../config/config.js';
import { hashPolicy } from '../config/load.js';
import { SafetyLimitError, UsageError } from '../errors.js';
import { checkServerClock } from '../policy/tolerances.js';
import type { ServerClockSample } from '../cloudflare/server-clock.js';
import { DESTRUCTION_METHODS, selectLocalPurgeMethod } from '../policy/destruction-methods.js';
import type { LocationPurgeOutcome, ReclaimedSpace, StorePort, StoreSession } from '../store/port.js';
import { deletePlanned, planLocalPurge, type LocalPlan } from './local.js';
import {
  describeCloudflareLocation,
  executeCloudflarePurge,
  fetchPurgeSnapshot,
  planCloudflarePurge,
  reconcileCloudflareIntents,
  writeFoldedActivity,
  type CloudflarePlan,
} from './cloudflare.js';
import type { CloudflareWriteDeps } from '../cloudflare/objects/delete.js';
import { reclaimAndRecord } from './reclaim.js';
import { selectOpenIntents } from '../audit/open-intents.js';
import { selectPurgeOutcome } from './outcome.js';
import type { LocationPurge, PurgeNote, PurgeProgress, PurgeResult } from './types.js';
import { countArchiveDeletes, executeArchivePurge, planArchives, reconcileArchiveIntents, type ArchiveClientFactory } from './archives.js';
import { describeArchiveLocation, type ArchivePlanEntry } from './archive-location.js';
import { createScanBudget } from '../archives/scan-archive.js';

export interface PurgeDeps {
  /** The store (SQLite or the shared PostgreSQL schema); the caller holds the run lock. */
  readonly store: StorePort;
  readonly config: Config;
  /** Needed only for a real purge: a dry run writes nothing, not even to the audit log. */
  readonly signer: (() => AuditSigner | Promise<AuditSigner>) | undefined;
  readonly now: () => Date;
  readonly onProgress?: (progress: PurgeProgress) => void;
  /** Access to Cloudflare for the Cloudflare-held objects; undefined skips that part (no token, nothing configured). */
  readonly cloudflare?: CloudflareWriteDeps | undefined;
  /** An independent clock: the `Date` of a Cloudflare response (no token needed); undefined when none answered. */
  readonly readServerClock?: () => Promise<ServerClockSample | undefined>;
  // --- archives (issue 14)
  /** Opens an S3 client for a configured Logpush archive; undefined skips the archives. */
  readonly openArchiveClient?: ArchiveClientFactory | undefined;
}

export interface PurgeOptions {
  readonly dryRun: boolean;
  /** Plan as if it were this time (dry runs only): "what will be purged by year end?" */
  readonly asOf?: Date;
  /** Go ahead even when the Cloudflare part plans more deletions than `safety.max_deletes`. */
  readonly force?: boolean;
  /** Purge locally even when no independent clock could be reached; the audit outcome records the clock as unverified. */
  readonly trustClock?: boolean;
}

const COMMAND = 'purge';
/** Store meta key prefix of an archive's remembered scan verdicts (src/archives/scan-memory.ts), by archive name. */
const ARCHIVE_SCAN_MEMORY_KEY = 'archive_scan_memory:';

/** Plans, then (unless a dry run) deletes what has outlived its purpose, recording intent before and outcome after. */
export async function purgeExpired(deps: PurgeDeps, options: PurgeOptions): Promise<PurgeResult> {
  const { store, config } = deps;
  const now = deps.now();
  if (options.asOf && !options.dryRun) throw new UsageError('--as-of is allowed only with --dry-run');
  await assertClockIsSane(store, now);
  const asOf = options.asOf ?? now;
  const policyHash = hashPolicy(config);
  const holds = await store.readHolds();

  if (options.dryRun) {
    const plans = await planLocalPurge(store, config, holds, asOf);
    const cloudflare = deps.cloudflare ? await planCloudflare(deps, deps.cloudflare, holds, asOf) : undefined;
    const cloudflareLocations = cloudflare ? [describeCloudflareLocation(cloudflare.rules), describeCloudflareLocation(cloudflare.items)] : [];
    const archives = await planConfiguredArchives(deps, holds, asOf, { remember: false });
    const locations = [...plans.map((plan) => describe(plan, 0)), ...cloudflareLocations, ...archives.map((entry) => describeArchiveLocation(entry))];
    return { dryRun: true, asOf, policyHash, reconciled: 0, locations, outcome: selectPurgeOutcome(locations) };
  }

  const signer = await requireSigner(deps);
  let reconciled = await reconcileOpenIntents(store, signer, policyHash);
  const runId = randomUUID();
  let cloudflare: CloudflarePlan | undefined;
  if (deps.cloudflare) {
    reconciled += await reconcileCloudflareIntents(deps.cloudflare.client, store, signer, policyHash);
    cloudflare = await planCloudflare(deps, deps.cloudflare, holds, now);
  }
  reconciled += deps.openArchiveClient && config.archives.length > 0 ? await reconcileArchiveIntents(store, signer, policyHash) : 0;
  const archives = await planConfiguredArchives(deps, holds, now, { remember: true });
  const archiveDeletes = countArchiveDeletes(archives);
  const maxDeletes = config.safety.maxDeletes;
  const total = (cloudflare?.total ?? 0) + archiveDeletes;
  if (total > maxDeletes && options.force !== true) {
    const parts = [
      ...(cloudflare ? [`${cloudflare.rules.toDelete.length} access rules`, `${cloudflare.items.toDelete.length} list items`] : []),
      ...(archives.length > 0 ? [`${archiveDeletes} archive objects`] : []),
    ];
    throw new SafetyLimitError(
      `The plan would delete ${total} ${!cloudflare ? 'objects in the Logpush archives' : archives.length > 0 ? 'objects in Cloudflare and the Logpush archives' : 'Cloudflare objects'} (${parts.join(', ')}), more than safety.max_deletes=${maxDeletes}; refusing, nothing was deleted`,
      { hint: 'Check the plan with `luxeret-privacy purge --dry-run`, then raise safety.max_deletes or run with --force.' },
    );
  }
  // A clock ahead moves every cut-off forward and deletes young data: check it against Cloudflare's before deleting.
  const clockCheck = await verifyClock(deps, options);
  const plans = await planLocalPurge(store, config, holds, asOf);
  const locations: LocationPurge[] = [];
  const outcomes: LocationPurgeOutcome[] = [];
  for (const plan of plans) {
    deps.onProgress?.({ location: plan.location.id, phase: 'delete', done: 0, total: plan.counts.expired });
    // Evidence for the Cloudflare purpose rule is folded out of the events before they go (see cloudflare-purpose.ts).
    const beforeDelete =
      plan.location.id === 'local/firewall-events'
        ? async (tx: StoreSession) => {
            if (cloudflare) await writeFoldedActivity(tx, cloudflare, now);
            await tx.recordEventsPurgedBefore(plan.cutoff);
          }
        : undefined;
    if (beforeDelete && plan.counts.expired === 0 && cloudflare) {
      const folded = cloudflare;
      await store.transaction((tx) => writeFoldedActivity(tx, folded, now));
    }
    const purged = await purgeLocation(deps, signer, plan, { runId, policyHash, asOf, clockCheck, beforeDelete });
    locations.push(purged.location);
    if (purged.outcome) outcomes.push(purged.outcome);
    deps.onProgress?.({ location: plan.location.id, phase: 'done', done: plan.counts.expired, total: plan.counts.expired });
  }
  if (deps.cloudflare && cloudflare) {
    locations.push(
      ...(await executeCloudflarePurge(deps.cloudflare, { store, signer, policyHash, purgeRunId: runId, now, onProgress: deps.onProgress }, cloudflare)),
    );
  }
  if (deps.openArchiveClient && archives.length > 0) {
    locations.push(
      ...(await executeArchivePurge(
        { store, signer, policyHash, purgeRunId: runId, open: deps.openArchiveClient, onProgress: deps.onProgress, now, readNow: deps.now },
        archives,
      )),
    );
  }
  // PostgreSQL: VACUUM of the partitions rows were deleted from is part of the recorded method, so always. SQLite:
  // always when secure_delete is on, not only when this run deleted: a run killed after its delete committed left
  // this undone.
  const reclaimed: ReclaimedSpace[] = [];
  if (config.secureDelete || store.kind === 'postgres') {
    deps.onProgress?.({ location: 'local', phase: 'reclaim' });
    reclaimed.push(...(await reclaimAndRecord(store, signer, { runId, policyHash }, outcomes)));
  }
  await store.writeMeta('last_purge_at', now.toISOString());
  const noted = noteUnreclaimed(locations, outcomes, reclaimed);
  return { dryRun: false, asOf, policyHash, reconciled, locations: noted, outcome: selectPurgeOutcome(noted) };
}

async function purgeLocation(
  deps: PurgeDeps,
  signer: AuditSigner,
  plan: LocalPlan,
  run: { runId: string; policyHash: string; asOf: Date; clockCheck: ClockCheck; beforeDelete: ((tx: StoreSession) => Promise<void>) | undefined },
): Promise<{ location: LocationPurge; outcome?: LocationPurgeOutcome }> {
  const { store } = deps;
  const { expired: planned, held } = plan.counts;
  if (planned === 0) return { location: describe(plan, 0) };
  const common = { command: COMMAND, run_id: run.runId, location: plan.location.id, retention_rule: plan.rule, policy_hash: run.policyHash };
  await store.appendAuditEntry(signer, {
    ...common,
    event: 'purge.intent',
    counts: { planned, held },
    details: { cutoff: plan.cutoff.toISOString(), ...recordSpan(plan) },
  });
  // The deletion, the statistics of what it deletes and its outcome entry commit together, or none of them does.
  // No other writer commits in between (SQLite: BEGIN IMMEDIATE; PostgreSQL: the audit head and rows it locks).
  const outcome = await store.transaction(async (tx) => {
    // The holds as they are now, inside the write transaction: a hold added since the plan is honoured, and none
    // can be added between this read and the commit (on PostgreSQL this locks the audit head first, so a hold
    // another host commits is seen here or waits until this commits).
    const holdsNow = await tx.readHolds();
    await run.beforeDelete?.(tx);
    const before = await tx.countLocationRows(plan.location.id);
    // Anonymised statistics of the days being purged, counted from their raw rows before they go.
    const rollUp = await tx.rollUpBeforePurge({ minCount: deps.config.statistics.minCount, now: run.asOf }, plan.location.id, plan.cutoff);
    const purged = await deletePlanned(tx, plan, holdsNow, run.asOf);
    await rollUp.finish();
    const count = purged.deleted;
    const method = selectLocalPurgeMethod(
      store.kind,
      deps.config.secureDelete,
      purged.partitions.map((p) => p.method),
    );
    await tx.appendAuditEntry(signer, {
      ...common,
      event: 'purge.outcome',
      counts: { planned, deleted: count, held: held + planned - count, failed: 0, before, after: before - count },
      details: {
        cutoff: plan.cutoff.toISOString(),
        clock_check: run.clockCheck,
        method: DESTRUCTION_METHODS[method],
        ...(store.kind === 'postgres' && {
          partitions: purged.partitions.map((p) => ({ partition: p.partition, method: p.method, deleted: p.deleted, held: p.held })),
        }),
        ...recordSpan(plan),
      },
    });
    return purged;
  });
  return { location: { ...describe(plan, outcome.deleted), held: held + planned - outcome.deleted }, outcome };
}

/**
 * An intent with no outcome means its run died before the deletion committed (deletion and outcome are one
 * transaction), so nothing of it was applied: record that, and let this run's plan do the work.
 */
async function reconcileOpenIntents(store: StorePort, signer: AuditSigner, policyHash: string): Promise<number> {
  const open = selectOpenIntents(await store.readOpenRunEntries()).filter((entry) => entry.command === COMMAND && entry.location?.startsWith('local/'));
  for (const intent of open) {
    await store.appendAuditEntry(signer, {
      event: 'purge.reconciled',
      command: COMMAND,
      run_id: intent.run_id,
      location: intent.location,
      counts: { deleted: 0 },
      retention_rule: intent.retention_rule,
      policy_hash: policyHash,
      reason: `run ${intent.run_id ?? '?'} stopped before its deletion committed (intent #${intent.seq}); nothing of it was applied, this run re-plans`,
    });
  }
  return open.length;
}

/**
 * Deleted rows VACUUM could not remove yet (an older transaction on the server can still see them) are said, not
 * hidden: they stay in the partition's pages until a later VACUUM (autovacuum) or the partition's drop.
 */
function noteUnreclaimed(
  locations: readonly LocationPurge[],
  outcomes: readonly LocationPurgeOutcome[],
  reclaimed: readonly ReclaimedSpace[],
): LocationPurge[] {
  return locations.map((location) => {
    const partitions = new Set(outcomes.filter((o) => o.location === location.id).flatMap((o) => o.partitions.map((p) => p.partition)));
    const notes = reclaimed
      .filter((space) => space.notYetRemovable > 0 && partitions.has(space.partition))
      .map((space): PurgeNote => ({
        code: 'verbatim',
        text: `VACUUM could not remove ${space.notYetRemovable} deleted rows of ${space.partition} yet: an older transaction on the server can still see them; a later VACUUM (autovacuum) or the partition's drop removes them`,
      }));
    return notes.length === 0 ? location : { ...location, notes: [...location.notes, ...notes] };
  });
}

/** How the clock of a real run was checked, as its audit outcome records it. */
type ClockCheck = 'cloudflare' | 'unverified';

/**
 * Only Cloudflare's `Date` can show a clock that is ahead (stored data and past runs only show one behind). Without
 * an answer the purge needs --trust-clock, and its outcome says the clock was unverified.
 */
async function verifyClock(deps: PurgeDeps, options: PurgeOptions): Promise<ClockCheck> {
  // With a token the plan's own (paced) responses already told the time; else one unauthenticated request does.
  const sample = deps.cloudflare?.serverClock() ?? (await deps.readServerClock?.());
  if (sample) {
    const problem = checkServerClock(sample);
    if (problem) throw new UsageError(problem, { hint: 'Fix the system clock (NTP) and run again. Nothing was deleted.' });
    return 'cloudflare';
  }
  if (options.trustClock === true) return 'unverified';
  throw new UsageError("Could not check the system clock against Cloudflare's (no response from the API); refusing to purge", {
    hint: 'Check network access to the Cloudflare API, or check the clock yourself and run with --trust-clock (recorded in the audit log). Nothing was deleted.',
  });
}

/** A purge with a clock behind the data or a past run would keep what it should delete, or worse after a jump: refuse. */
async function assertClockIsSane(store: StorePort, now: Date): Promise<void> {
  const newest = await store.readNewestEventTime();
  const lastPurge = await store.readMeta('last_purge_at');
  const lastPullSeconds = Math.max(0, ...(await store.readAllPullStates()).map((state) => state.lastPullAt));
  const marks: [string, Date | undefined][] = [
    ['the newest stored event', newest],
    ['the last purge', lastPurge === undefined ? undefined : new Date(lastPurge)],
    ['the last pull', lastPullSeconds > 0 ? new Date(lastPullSeconds * 1000) : undefined],
  ];
  for (const [what, at] of marks) {
    if (at && at.getTime() > now.getTime() + 60_000) {
      throw new UsageError(`The system clock (${now.toISOString()}) is earlier than ${what} (${at.toISOString()}); refusing to purge`, {
        hint: 'Fix the system clock (NTP) and run again. Nothing was changed.',
      });
    }
  }
}

async function planCloudflare(
  deps: PurgeDeps,
  cloudflare: CloudflareWriteDeps,
  holds: Parameters<typeof planCloudflarePurge>[3],
  at: Date,
): Promise<CloudflarePlan> {
  deps.onProgress?.({ location: 'cloudflare', phase: 'plan' });
  const objects = await fetchPurgeSnapshot(cloudflare.client, deps.config, deps.now);
  return planCloudflarePurge(deps.store, deps.config, objects, holds, at);
}

/**
 * The configured Logpush archives, listed and planned at `at`; none without a client factory. A dry run scans too
 * (GetObject only), so its plan is the one a real run would make, within the same safety.archive_scan_budget.
 */
async function planConfiguredArchives(
  deps: PurgeDeps,
  holds: Parameters<typeof planArchives>[2],
  at: Date,
  options: { readonly remember: boolean },
): Promise<ArchivePlanEntry[]> {
  if (!deps.openArchiveClient || deps.config.archives.length === 0) return [];
  const budget = createScanBudget(deps.config.safety.archiveScanBudget.bytes);
  // What earlier scans found held is recalled by every run; only a real one records what it found (a dry run changes nothing).
  const { store } = deps;
  const memory = {
    read: (name: string) => store.readMeta(`${ARCHIVE_SCAN_MEMORY_KEY}${name}`),
    write: options.remember ? (name: string, text: string) => store.writeMeta(`${ARCHIVE_SCAN_MEMORY_KEY}${name}`, text) : () => Promise.resolve(),
  };
  return planArchives(deps.config.archives, deps.openArchiveClient, holds, at, budget, deps.onProgress, memory);
}

function requireSigner(deps: PurgeDeps): AuditSigner | Promise<AuditSigner> {
  if (!deps.signer) throw new UsageError('A real purge needs the audit signing key');
  return deps.signer();
}

function recordSpan(plan: LocalPlan): Record<string, string | null> {
  return {
    oldest_record: plan.counts.oldestExpired?.toISOString() ?? null,
    newest_record: plan.counts.newestExpired?.toISOString() ?? null,
  };
}

function describe(plan: LocalPlan, deleted: number): LocationPurge {
  return {
    id: plan.location.id,
    kind: 'local',
    rule: plan.rule,
    cutoff: plan.cutoff,
    planned: plan.counts.expired,
    deleted,
    held: plan.counts.held,
    failed: 0,
    notes: [],
  };
}
