import { randomUUID } from 'node:crypto';
import type { AuditSigner } from '../audit/log.js';
import { DELETE_BATCH, openObjectDeleter, type ArchiveDeleteReport } from '../archives/delete-objects.js';
import { applyArchiveScans, planArchivePurge, splitNewlyHeld } from '../archives/purge-plan.js';
import type { ArchiveClient } from '../archives/read-archive.js';
import type { BucketProtection } from '../archives/bucket-protection.js';
import { deleteArchiveVersions, type VersionDeleteReport } from '../archives/delete-versions.js';
import { listArchiveForPurge } from '../archives/list-for-purge.js';
import { selectLatestLockEnd, selectLockedObjects, type ObjectLockSetting } from '../archives/object-lock.js';
import { formatArchiveLocation } from '../archives/archive-url.js';
import { scanUndeterminedObjects, type ScanBudget } from '../archives/scan-archive.js';
import { buildRecall, parseScanMemory, rememberScans, serialiseScanMemory } from '../archives/scan-memory.js';
import type { ArchiveConfig } from '../config/archives.js';
import { selectActiveHolds, type Hold } from '../policy/holds.js';
import { DESTRUCTION_METHODS } from '../policy/destruction-methods.js';
import type { StorePort } from '../store/port.js';
import { selectOpenIntents, selectProgressOf } from '../audit/open-intents.js';
import { buildArchivePurgeLocationId, describeArchiveLocation, verbatim, type ArchivePlanEntry } from './archive-location.js';
import type { LocationPurge, PurgeProgress } from './types.js';

const COMMAND = 'purge';
/** What a Logpush archive's lines hold (firewall events and HTTP requests). */
const ARCHIVE_ITEMS = ['ip_address', 'country', 'time', 'ray_id', 'host', 'action', 'rule'];

/** Opens an S3 client for an archive (credentials from the run's environment); the caller destroys it. */
export type ArchiveClientFactory = (archive: ArchiveConfig) => Promise<ArchiveClient>;

/** Where the scan verdicts of each archive are remembered between runs (the store's meta, by archive name). */
export interface ArchiveScanMemoryStore {
  read(archiveName: string): Promise<string | undefined>;
  write(archiveName: string, text: string): Promise<void>;
}

/**
 * Lists every configured archive and plans its purge at `at`; the objects past retention that overlap an IP or
 * country hold in time are scanned (GetObject), oldest first, while `scanBudget` lasts. Reads only; deletes nothing.
 */
export async function planArchives(
  archives: readonly ArchiveConfig[],
  open: ArchiveClientFactory,
  holds: readonly Hold[],
  at: Date,
  scanBudget: ScanBudget,
  onProgress?: (progress: PurgeProgress) => void,
  memory?: ArchiveScanMemoryStore,
): Promise<ArchivePlanEntry[]> {
  const entries: ArchivePlanEntry[] = [];
  const holdIds = new Set(selectActiveHolds(holds, at).map((hold) => hold.id));
  for (const archive of archives) {
    const location = buildArchivePurgeLocationId(archive.name);
    onProgress?.({ location, phase: 'plan' });
    const client = await open(archive);
    try {
      const listing = await listArchiveForPurge(client, archive, at);
      const cutoff = new Date(at.getTime() - archive.retention.ms);
      if (listing.kind === 'failed') entries.push({ kind: 'failed', archive, reason: listing.reason, code: listing.code, cutoff });
      else if (listing.kind === 'refused')
        entries.push({ kind: 'failed', archive, reason: 'denied', code: listing.code, cutoff, permission: listing.permission });
      else {
        const plan = planArchivePurge(listing.objects, archive.retention.ms, holds, at);
        const remembered = parseScanMemory(await memory?.read(archive.name));
        const scans =
          plan.toScan.length === 0
            ? undefined
            : await scanUndeterminedObjects(
                client,
                archive.location.bucket,
                plan,
                holds,
                at,
                scanBudget,
                (done, total) => onProgress?.({ location, phase: 'scan', done, total }),
                buildRecall(remembered, holds, at),
              );
        const next = rememberScans(remembered, plan.toScan, scans ?? new Map(), holds, at);
        if (remembered.held.length > 0 || next.held.length > 0) await memory?.write(archive.name, serialiseScanMemory(next));
        // The lock is applied to what the scans left deletable too.
        entries.push(withObjectLock({ kind: 'planned', archive, plan: scans ? applyArchiveScans(plan, scans) : plan, holdIds }, listing.protection, at));
      }
    } finally {
      client.destroy();
    }
  }
  return entries;
}

/** Leaves out of the deletion the objects the bucket's default retention still keeps (predicted, so not even tried). */
function withObjectLock(entry: Extract<ArchivePlanEntry, { kind: 'planned' }>, protection: BucketProtection, at: Date): ArchivePlanEntry {
  if (protection.versioning === 'none') return entry;
  const { toDelete, locked } = selectLockedObjects(entry.plan.toDelete, protection.lock, at);
  const bytes = { ...entry.plan.bytes, toDelete: entry.plan.bytes.toDelete - locked.bytes };
  return { ...entry, plan: { ...entry.plan, toDelete, bytes }, protection, ...(locked.count > 0 ? { locked } : {}) };
}

/**
 * How many objects the plans would delete, counted against safety.max_deletes: in a versioned bucket every version
 * and delete marker is a deletion of its own.
 */
export function countArchiveDeletes(entries: readonly ArchivePlanEntry[]): number {
  return entries.reduce(
    (n, entry) => n + (entry.kind === 'planned' ? entry.plan.toDelete.reduce((m, object) => m + Math.max(1, object.versions?.length ?? 0), 0) : 0),
    0,
  );
}

export interface ArchiveRun {
  readonly store: StorePort;
  readonly signer: AuditSigner;
  readonly policyHash: string;
  readonly purgeRunId: string;
  readonly open: ArchiveClientFactory;
  readonly onProgress?: ((progress: PurgeProgress) => void) | undefined;
  /** The run's time: a version whose lock ends before it is not kept by that lock. */
  readonly now: Date;
  /** The clock holds are judged by when they are read again before each deletion batch. */
  readonly readNow: () => Date;
}

/**
 * Deletes each archive's planned objects between an intent and an outcome audit entry. The entries carry counts,
 * bytes and the dates of the first and last object, never keys. A refused deletion fails its objects (recorded),
 * and the other archives go on.
 */
export async function executeArchivePurge(run: ArchiveRun, entries: readonly ArchivePlanEntry[]): Promise<LocationPurge[]> {
  const locations: LocationPurge[] = [];
  for (const entry of entries) {
    if (entry.kind === 'failed' || entry.plan.toDelete.length === 0) {
      locations.push(describeArchiveLocation(entry));
      continue;
    }
    locations.push(await purgeArchive(run, entry));
  }
  return locations;
}

async function purgeArchive(run: ArchiveRun, entry: Extract<ArchivePlanEntry, { kind: 'planned' }>): Promise<LocationPurge> {
  const { archive, plan } = entry;
  const location = buildArchivePurgeLocationId(archive.name);
  const objects = plan.toDelete;
  const ends = objects.map((object) => object.end.getTime());
  const common = {
    command: COMMAND,
    run_id: randomUUID(),
    location,
    retention_rule: `archives.${archive.name}.retention=${archive.retention.text}`,
    policy_hash: run.policyHash,
  };
  const span = {
    where: formatArchiveLocation(archive.location),
    // reduce, not Math.min(...ends): spreading a year of objects (> ~125,000) overflows the call stack.
    oldest_record: new Date(ends.reduce((a, b) => Math.min(a, b))).toISOString(),
    newest_record: new Date(ends.reduce((a, b) => Math.max(a, b))).toISOString(),
    first_object_date: objects[0]!.end.toISOString(),
    last_object_date: objects[objects.length - 1]!.end.toISOString(),
    items: ARCHIVE_ITEMS,
  };
  const scanCounts: Record<string, number> = plan.scan
    ? {
        scanned: plan.scan.scanned,
        scanned_bytes: plan.scan.scannedBytes,
        held_by_scan: plan.scan.heldByScan,
        held_remembered: plan.scan.heldRemembered,
        deletable_by_scan: plan.scan.clearedByScan,
        not_scanned_budget: plan.scan.overBudget,
      }
    : {};
  const method = DESTRUCTION_METHODS.archiveDeleteObjects;
  const versioned = entry.protection !== undefined && entry.protection.versioning !== 'none';
  await run.store.appendAuditEntry(run.signer, {
    ...common,
    event: 'archive.delete.intent',
    counts: {
      planned: objects.length,
      planned_bytes: plan.bytes.toDelete,
      held: plan.held,
      undetermined: plan.undetermined,
      ...(versioned ? { locked: entry.locked?.count ?? 0, planned_versions: countVersions(objects) } : {}),
      ...scanCounts,
    },
    details: {
      purge_run_id: run.purgeRunId,
      cutoff: plan.cutoff.toISOString(),
      method,
      ...span,
      ...(versioned ? { versioning: entry.protection?.versioning } : {}),
    },
  });
  const sizes = new Map(objects.map((object) => [object.key, object.size]));
  const bytesOf = (keys: readonly string[]): number => keys.reduce((n, key) => n + (sizes.get(key) ?? 0), 0);
  const versionCounts = new Map(objects.map((object) => [object.key, object.versions?.length ?? 0]));
  // What the deletion has confirmed gone so far, written as it goes: a run killed before its outcome leaves these
  // counts (never keys) for the next run's reconciliation and the ledger.
  const recordProgress = async (confirmed: ConfirmedProgress): Promise<void> => {
    await run.store.appendAuditEntry(run.signer, {
      ...common,
      event: 'archive.delete.progress',
      counts: {
        planned: objects.length,
        deleted: confirmed.gone.length,
        deleted_bytes: bytesOf(confirmed.gone),
        batches: confirmed.batches,
        ...(versioned ? { deleted_versions: confirmed.gone.reduce((n, key) => n + (versionCounts.get(key) ?? 0), 0) } : {}),
      },
      details: { purge_run_id: run.purgeRunId, archive: archive.name },
    });
  };
  const client = await run.open(archive);
  let deletion;
  try {
    deletion = await deleteUnlessNewlyHeld(run, entry, client, location, recordProgress);
  } finally {
    client.destroy();
  }
  const { report, keptByNewHold } = deletion;
  const lockedNow = { count: report.locked.length, until: selectLatestLockEnd(report.locked.flatMap((l) => l.until ?? [])) };
  const failedKeys = report.failed.map((f) => f.key);
  const codes = new Map<string, number>();
  for (const failure of report.failed) codes.set(failure.code, (codes.get(failure.code) ?? 0) + 1);
  await run.store.appendAuditEntry(run.signer, {
    ...common,
    event: 'archive.delete.outcome',
    counts: {
      planned: objects.length,
      deleted: report.gone.length,
      held: plan.held,
      undetermined: plan.undetermined + keptByNewHold.length,
      failed: failedKeys.length,
      planned_bytes: plan.bytes.toDelete,
      deleted_bytes: bytesOf(report.gone),
      held_bytes: plan.bytes.held + plan.bytes.undetermined + bytesOf(keptByNewHold),
      failed_bytes: bytesOf(failedKeys),
      requests: report.requests,
      ...scanCounts,
      kept_by_new_hold: keptByNewHold.length,
      ...(versioned
        ? {
            planned_versions: countVersions(objects),
            locked: (entry.locked?.count ?? 0) + report.locked.length,
            locked_bytes: (entry.locked?.bytes ?? 0) + bytesOf(report.locked.map((l) => l.key)),
          }
        : {}),
    },
    details: {
      purge_run_id: run.purgeRunId,
      cutoff: plan.cutoff.toISOString(),
      method,
      ...span,
      relist: { checked: objects.length - keptByNewHold.length, still_present: failedKeys.length, passed: failedKeys.length === 0 },
      failure_codes: Object.fromEntries(codes),
      ...(plan.scan && Object.keys(plan.scan.failures).length > 0 ? { scan_failure_codes: plan.scan.failures } : {}),
      ...(report.refused ? { refused: `the credentials lack ${report.refused.permission}` } : {}),
    },
  });
  const where = formatArchiveLocation(archive.location);
  const deletionNotes = report.refused
    ? [
        verbatim(
          `${where}: refused, nothing in it deleted: the credentials lack ${report.refused.permission} (${report.refused.code}), which purging a versioned bucket needs` +
            (entry.protection?.lock.kind === 'unknown'
              ? `, or an object lock keeps the versions (its configuration could not be read: s3:GetBucketObjectLockConfiguration, ${entry.protection.lock.code})`
              : ''),
        ),
      ]
    : failedKeys.length > 0
      ? [
          verbatim(
            `${failedKeys.length} object(s) not deleted: ${[...codes].map(([code, n]) => `${code} ×${n}`).join(', ')} (the credentials need ${versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject'})`,
          ),
        ]
      : [];
  const notes = [
    ...deletionNotes,
    ...(keptByNewHold.length > 0
      ? [verbatim(`${keptByNewHold.length} object(s) overlap a hold added during this run and were kept as undetermined (not scanned); a later run decides`)]
      : []),
  ];
  return describeArchiveLocation(entry, {
    deleted: report.gone.length,
    failed: failedKeys.length,
    keptByNewHold: keptByNewHold.length,
    notes,
    locked: lockedNow,
  });
}

/** The keys a run's deletion has confirmed gone so far, and how many of its batches were confirmed. */
interface ConfirmedProgress {
  readonly gone: readonly string[];
  readonly batches: number;
}

/** Confirmed batches between two progress entries: one entry per confirming listing of an unversioned bucket. */
const PROGRESS_EVERY_BATCHES = 2;

/**
 * Deletes the planned objects (every version, in a versioned bucket) a batch at a time, reading the holds again
 * just before each batch: an object that a hold added since the plan overlaps in time is left out (kept,
 * undetermined; not scanned again), so a hold placed while the run scans or deletes is honoured by every batch
 * not sent yet. A versioned bucket that refuses a batch whole is not tried further. Every second confirmed batch
 * that deleted something more is recorded (`recordProgress`) before the next is sent.
 */
async function deleteUnlessNewlyHeld(
  run: ArchiveRun,
  entry: Extract<ArchivePlanEntry, { kind: 'planned' }>,
  client: ArchiveClient,
  location: string,
  recordProgress: (confirmed: ConfirmedProgress) => Promise<void>,
): Promise<{ report: ArchiveDeletion; keptByNewHold: string[] }> {
  const { archive, protection } = entry;
  const objects = [...entry.plan.toDelete].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const gone: string[] = [];
  const failed: { key: string; code: string }[] = [];
  const locked: ArchiveDeletion['locked'][number][] = [];
  const keptByNewHold: string[] = [];
  let refused: ArchiveDeletion['refused'];
  /** Set once a versioned bucket refused a batch whole: the later ones are not tried. */
  let refusedCode: string | undefined;
  let requests = 0;
  let sent = 0;
  let confirmedBatches = 0;
  let recorded = { gone: 0, batches: 0 };
  const versioned = protection !== undefined && protection.versioning !== 'none';
  // Unversioned: each batch's deletion is confirmed by a listing after it, two batches to a listing (one page).
  const deleter = openObjectDeleter(client, archive.location.bucket);
  const asDeletion = (report: ArchiveDeleteReport): ArchiveDeletion => ({ ...report, locked: [], refused: undefined });
  // Versioned: each batch's confirming listing starts after a key an earlier one saw still there, not at the prefix.
  let presentKey: string | undefined;
  const deleteVersions = async (toDelete: typeof objects, lock: ObjectLockSetting): Promise<ArchiveDeletion> => {
    const report = await deleteArchiveVersions(client, archive.location.bucket, toDelete, lock, run.now, undefined, presentKey);
    presentKey = report.presentKey;
    return report;
  };
  run.onProgress?.({ location, phase: 'delete', done: 0, total: objects.length });
  for (let i = 0; i < objects.length; i += DELETE_BATCH) {
    const batch = objects.slice(i, i + DELETE_BATCH);
    const { kept, toDelete } = splitNewlyHeld(batch, await run.store.readHolds(), entry.holdIds, run.readNow());
    keptByNewHold.push(...kept.map((object) => object.key));
    if (refusedCode !== undefined) {
      for (const object of toDelete) failed.push({ key: object.key, code: refusedCode });
    } else if (toDelete.length > 0) {
      const report: ArchiveDeletion = versioned
        ? await deleteVersions(toDelete, protection.lock)
        : asDeletion(await deleter.delete(toDelete.map((object) => object.key)));
      gone.push(...report.gone);
      failed.push(...report.failed);
      locked.push(...report.locked);
      requests += report.requests;
      refusedCode = report.refused?.code;
      // "Refused, nothing in it deleted" only while that is true.
      if (report.refused && gone.length === 0 && locked.length === 0) refused = report.refused;
      sent += 1;
      // A versioned batch is confirmed by its own listing; the unversioned deleter reports once it has listed.
      if (versioned || report.gone.length + report.failed.length > 0) confirmedBatches = sent;
      if (confirmedBatches - recorded.batches >= PROGRESS_EVERY_BATCHES && gone.length > recorded.gone) {
        await recordProgress({ gone, batches: confirmedBatches });
        recorded = { gone: gone.length, batches: confirmedBatches };
      }
    }
    run.onProgress?.({ location, phase: 'delete', done: Math.min(i + DELETE_BATCH, objects.length), total: objects.length });
  }
  if (!versioned) {
    const last = await deleter.confirm();
    gone.push(...last.gone);
    failed.push(...last.failed);
    requests += last.requests;
  }
  return { report: { gone, failed, locked, refused, requests }, keptByNewHold };
}

/**
 * An archive intent without an outcome: the run died while deleting. Which of its objects went is not known here
 * (keys are never recorded), but how many is, up to its last progress entry: the counts of the objects its deleter
 * had confirmed gone. The reconciliation carries those totals (a ledger row when there are any); objects deleted
 * after that confirmation are not counted. This run's fresh plan deletes what is left (S3 ignores missing keys).
 */
export async function reconcileArchiveIntents(store: StorePort, signer: AuditSigner, policyHash: string): Promise<number> {
  const entries = await store.readOpenRunEntries();
  const open = selectOpenIntents(entries).filter((entry) => entry.command === COMMAND && entry.event === 'archive.delete.intent');
  for (const intent of open) {
    // Each progress entry carries the run's totals so far: the last one is what was confirmed.
    const progress = selectProgressOf(entries, intent);
    const last = progress.at(-1);
    const confirmed = last?.counts ?? {};
    const deleted = confirmed['deleted'] ?? 0;
    const stopped = `run ${intent.run_id ?? '?'} stopped before its outcome (intent #${intent.seq})`;
    await store.appendAuditEntry(signer, {
      event: 'archive.delete.reconciled',
      command: COMMAND,
      run_id: intent.run_id,
      location: intent.location,
      counts: {
        planned: intent.counts?.['planned'] ?? 0,
        deleted,
        ...(last === undefined
          ? {}
          : {
              deleted_bytes: confirmed['deleted_bytes'] ?? 0,
              ...(confirmed['deleted_versions'] === undefined ? {} : { deleted_versions: confirmed['deleted_versions'] }),
              confirmed_batches: confirmed['batches'] ?? 0,
            }),
        progress_entries: progress.length,
      },
      retention_rule: intent.retention_rule,
      policy_hash: policyHash,
      reason:
        last === undefined
          ? `${stopped}; what it deleted is not counted, this run re-lists and re-plans the rest`
          : `${stopped} after confirming ${deleted} object(s) deleted (progress #${last.seq}); any deleted after that are not counted, this run re-lists and re-plans the rest`,
      details: {
        ...(typeof intent.details?.['purge_run_id'] === 'string' ? { purge_run_id: intent.details['purge_run_id'] } : {}),
        interrupted: true,
        ...(last === undefined ? {} : { last_progress_seq: last.seq }),
      },
    });
  }
  return open.length;
}

/** What either deletion did: the versioned one adds what a lock kept and a refusal of the whole archive. */
type ArchiveDeletion = Pick<VersionDeleteReport, 'gone' | 'failed' | 'locked' | 'refused' | 'requests'>;

function countVersions(objects: readonly { readonly versions?: readonly unknown[] | undefined }[]): number {
  return objects.reduce((n, object) => n + (object.versions?.length ?? 0), 0);
}
