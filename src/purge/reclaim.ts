import type { AuditSigner } from '../audit/log.js';
import type { AuditEntry } from '../audit/entry.js';
import { DESTRUCTION_METHODS } from '../policy/destruction-methods.js';
import type { LocationPurgeOutcome, PartitionPurge, ReclaimedSpace, StorePort } from '../store/port.js';

const COMMAND = 'purge';
const RECLAIMED = 'purge.reclaimed';

/**
 * Deleted rows still sit in their pages until the store reclaims them (PostgreSQL VACUUM, SQLite's checkpoint and
 * page reclaim), which can only run after the deleting transaction commits. The outcome entry cannot vouch for
 * that, so a `purge.reclaimed` entry follows once it has run. A run that died in between left outcomes with no such
 * entry: their partitions are reclaimed by the next run, and its entry names those runs.
 */
export async function reclaimAndRecord(
  store: StorePort,
  signer: AuditSigner,
  run: { readonly runId: string; readonly policyHash: string },
  outcomes: readonly LocationPurgeOutcome[],
): Promise<readonly ReclaimedSpace[]> {
  const earlier = selectUnreclaimedRuns(await store.readUnreclaimedEntries(), run.runId);
  if (outcomes.length === 0 && earlier.length === 0) return [];
  const reclaimed = await store.reclaimPurged([...outcomes, ...earlier.flatMap((r) => r.outcomes)]);
  await store.appendAuditEntry(signer, {
    event: RECLAIMED,
    command: COMMAND,
    run_id: run.runId,
    location: 'local',
    counts: { partitions: reclaimed.length, not_yet_removable: reclaimed.reduce((n, space) => n + space.notYetRemovable, 0) },
    policy_hash: run.policyHash,
    details: {
      method: store.kind === 'postgres' ? 'VACUUM of each partition rows were deleted from' : 'WAL checkpoint(TRUNCATE) and page reclaim',
      ...(store.kind === 'postgres' && { partitions: reclaimed.map((space) => ({ partition: space.partition, not_yet_removable: space.notYetRemovable })) }),
      earlier_runs: earlier.map((r) => r.runId),
    },
  });
  return reclaimed;
}

/**
 * Purge runs (other than `currentRunId`) that recorded a local outcome and no `purge.reclaimed` entry after it,
 * with the partitions their PostgreSQL outcomes deleted rows from (pure: over the whole log, or over what the
 * store's readUnreclaimedEntries narrows it to, with the same answer). Runs from before reclaim entries existed
 * count too: reclaiming again is harmless.
 */
export function selectUnreclaimedRuns(entries: readonly AuditEntry[], currentRunId: string): { runId: string; outcomes: LocationPurgeOutcome[] }[] {
  const pending = new Map<string, LocationPurgeOutcome[]>();
  for (const entry of entries) {
    if (entry.command !== COMMAND || entry.run_id === null) continue;
    if (entry.event === RECLAIMED) {
      pending.delete(entry.run_id);
      const earlier = entry.details?.['earlier_runs'];
      if (Array.isArray(earlier)) for (const runId of earlier) if (typeof runId === 'string') pending.delete(runId);
    } else if (entry.event === 'purge.outcome' && entry.location?.startsWith('local/') && (entry.counts?.['deleted'] ?? 0) > 0) {
      const outcome = readOutcome(entry);
      if (!needsReclaim(entry, outcome)) continue;
      pending.set(entry.run_id, [...(pending.get(entry.run_id) ?? []), outcome]);
    }
  }
  return [...pending].filter(([runId]) => runId !== currentRunId).map(([runId, outcomes]) => ({ runId, outcomes }));
}

/** A plain SQLite delete promises no reclaim; on PostgreSQL only partitions rows were deleted from need a VACUUM. */
function needsReclaim(entry: AuditEntry, outcome: LocationPurgeOutcome): boolean {
  if (entry.details?.['method'] === DESTRUCTION_METHODS.localPlain) return false;
  return outcome.partitions.length === 0 || outcome.partitions.some((p) => p.method === 'rows-deleted' && p.deleted > 0);
}

function readOutcome(entry: AuditEntry): LocationPurgeOutcome {
  const recorded = Array.isArray(entry.details?.['partitions']) ? (entry.details['partitions'] as unknown[]) : [];
  const partitions = recorded.filter(isPartitionPurge);
  return {
    location: entry.location as LocationPurgeOutcome['location'],
    deleted: entry.counts?.['deleted'] ?? 0,
    held: entry.counts?.['held'] ?? 0,
    partitions,
  };
}

function isPartitionPurge(value: unknown): value is PartitionPurge {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p['partition'] === 'string' && (p['method'] === 'partition-dropped' || p['method'] === 'rows-deleted') && typeof p['deleted'] === 'number';
}
