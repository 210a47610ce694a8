import type { ArchivePermission, BucketProtection } from '../archives/bucket-protection.js';
import { selectLatestLockEnd, type LockedUntil } from '../archives/object-lock.js';
import type { ArchivePurgePlan } from '../archives/purge-plan.js';
import type { ArchiveFailure } from '../archives/read-archive.js';
import { isDeniedCode } from '../archives/s3-errors.js';
import { formatArchiveLocation } from '../archives/archive-url.js';
import type { ArchiveConfig } from '../config/archives.js';
import { formatByteSize } from '../config/byte-size.js';
import type { ArchiveLocationId } from '../inventory/inventory.js';
import type { LocationPurge, PurgeNote } from './types.js';

// How an archive's purge plan and outcome read in the purge result: counts, and notes on scans, locks and refusals.

/** One archive's plan, or why it could not be listed (then nothing of it is touched). */
export type ArchivePlanEntry =
  | {
      readonly kind: 'planned';
      readonly archive: ArchiveConfig;
      readonly plan: ArchivePurgePlan;
      /** Versioning and object lock of the bucket (every version of a purged key is deleted). */
      readonly protection?: BucketProtection;
      /** Past retention and not held, but the bucket's default retention still keeps a version: not tried. */
      readonly locked?: { readonly count: number; readonly bytes: number; readonly until: Date | undefined };
      /** The holds active when the plan was made: any other found before a deletion keeps what it overlaps. */
      readonly holdIds: ReadonlySet<string>;
    }
  | {
      readonly kind: 'failed';
      readonly archive: ArchiveConfig;
      readonly reason: ArchiveFailure;
      readonly code: string;
      readonly cutoff: Date;
      /** Refused because the credentials lack what a versioned bucket needs: nothing of it is touched. */
      readonly permission?: ArchivePermission;
    };

export function buildArchivePurgeLocationId(name: string): ArchiveLocationId {
  return `archive/${name}`;
}

/** One archive's plan (and outcome) as the purge result shows it. */
export function describeArchiveLocation(
  entry: ArchivePlanEntry,
  outcome?: {
    deleted: number;
    failed: number;
    keptByNewHold: number;
    notes: readonly PurgeNote[];
    locked?: { count: number; until: LockedUntil | undefined };
  },
): LocationPurge {
  const base = {
    id: buildArchivePurgeLocationId(entry.archive.name),
    kind: 'archive' as const,
    rule: `archives.${entry.archive.name}.retention=${entry.archive.retention.text}`,
  };
  if (entry.kind === 'failed') {
    return {
      ...base,
      cutoff: entry.cutoff,
      planned: 0,
      deleted: 0,
      held: 0,
      failed: 0,
      undetermined: 0,
      incomplete: true,
      notes: [
        verbatim(
          entry.permission === undefined
            ? `${formatArchiveLocation(entry.archive.location)}: could not be listed (${entry.reason}, ${entry.code}); not purged`
            : `${formatArchiveLocation(entry.archive.location)}: refused, nothing in it deleted: the credentials lack ${entry.permission} (${entry.code}), which purging a versioned bucket needs`,
        ),
      ],
    };
  }
  const { plan } = entry;
  const notes: PurgeNote[] = noteScans(plan);
  const lockedCount = (entry.locked?.count ?? 0) + (outcome?.locked?.count ?? 0);
  if (lockedCount > 0) {
    const until = selectLatestLockEnd([...(entry.locked?.until ? [entry.locked.until] : []), ...(outcome?.locked?.until ? [outcome.locked.until] : [])]);
    const when =
      until === undefined ? '(its date could not be read)' : until === 'legal_hold' ? 'until the legal hold is lifted' : `until ${until.toISOString()}`;
    notes.push(verbatim(`${lockedCount} object(s) kept by the bucket's lock ${when}`));
  }
  return {
    ...base,
    cutoff: plan.cutoff,
    planned: plan.toDelete.length,
    deleted: outcome?.deleted ?? 0,
    held: plan.held + lockedCount,
    failed: outcome?.failed ?? 0,
    undetermined: plan.undetermined + (outcome?.keptByNewHold ?? 0),
    ...(plan.scan
      ? { scanned: { objects: plan.scan.scanned, bytes: plan.scan.scannedBytes, held: plan.scan.heldByScan, deletable: plan.scan.clearedByScan } }
      : {}),
    // Objects the credentials may not read (no s3:GetObject) stay undetermined on every run: a partial run (exit 4)
    // tells cron, where a budget that ran out (the next run goes on) does not.
    ...(isScanDenied(plan) ? { incomplete: true } : {}),
    notes: [...notes, ...(outcome?.notes ?? [])],
  };
}

function isScanDenied(plan: ArchivePurgePlan): boolean {
  return Object.keys(plan.scan?.failures ?? {}).some((key) => key.startsWith('read_failed:') && isDeniedCode(key.slice('read_failed:'.length)));
}

/** What the notes say of scanning: what it kept, what it could not read, and the budget running out. */
function noteScans(plan: ArchivePurgePlan): PurgeNote[] {
  const scan = plan.scan;
  if (!scan) {
    return plan.undetermined > 0 ? [verbatim(`${plan.undetermined} object(s) overlap an IP or country hold in time and were kept: not scanned`)] : [];
  }
  const notes: PurgeNote[] = [];
  const failures = Object.entries(scan.failures).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const undecided = failures.reduce((n, [, count]) => n + count, 0);
  if (scan.scanned > 0) {
    notes.push(
      verbatim(
        `${scan.scanned} object(s) (${formatByteSize(scan.scannedBytes)}) overlapping an IP or country hold were scanned: ${scan.heldByScan} hold a line a hold covers (kept), ${scan.clearedByScan} none (deletable)${undecided > 0 ? `, ${undecided} undecided (kept)` : ''}`,
      ),
    );
  }
  if (scan.heldRemembered > 0) {
    notes.push(
      verbatim(`${scan.heldRemembered} object(s) kept as held: an earlier run's scan found a held line and its holds are all still active (not read again)`),
    );
  }
  if (failures.length > 0) {
    const codes = failures.map(([key, n]) => `${key} ×${n}`).join(', ');
    const hint = failures.some(([key]) => key.startsWith('read_failed:')) ? ' (the credentials need s3:GetObject to scan)' : '';
    notes.push(verbatim(`${undecided} object(s) could not be scanned and were kept as undetermined: ${codes}${hint}`));
  }
  if (scan.overBudget > 0) {
    notes.push(
      verbatim(
        `${scan.overBudget} object(s) (${formatByteSize(scan.overBudgetBytes)}) overlapping an IP or country hold were not scanned and were kept as undetermined: the scan budget (safety.archive_scan_budget) ran out`,
      ),
    );
  }
  return notes;
}

export function verbatim(text: string): PurgeNote {
  return { code: 'verbatim', text };
}
