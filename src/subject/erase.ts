import { selectOpenIntents } from '../audit/open-intents.js';
import { randomUUID } from 'node:crypto';
import type { AuditEntry, AuditSigner } from '../audit/entry.js';
import { StoreError } from '../errors.js';
import type { Config } from '../config/config.js';
import { hashPolicy } from '../config/load.js';
import { buildFailureRecords } from '../audit/failure-record.js';
import {
  deleteAccessRules,
  deleteListItems,
  describeError,
  requeryAccessRules,
  requeryListItems,
  type CloudflareWriteDeps,
  type DeleteReport,
  type RequeryReport,
} from '../cloudflare/objects/delete.js';
import { DESTRUCTION_METHODS } from '../policy/destruction-methods.js';
import type { LocationPurgeOutcome, StorePort } from '../store/port.js';
import { buildHoldRecheck, selectUnheldRows } from '../hold/recheck.js';
import type { SubjectRow, SubjectTable } from '../store/subject-queries.js';
import type { ReadStatus } from '../cloudflare/objects/types.js';
import type { Outcome } from '../outcome.js';
import type { Network } from '../policy/network.js';
import type { CloudflareSubjectObject, LocalSubjectLocation, SubjectFindings } from './find.js';
import { readSubject, type SubjectDeps } from './read.js';

export interface SubjectEraseDeps {
  readonly store: StorePort;
  readonly config: Config;
  readonly signer: () => Promise<AuditSigner>;
  /** The keyed hash that names the subject in the audit log (never the address). */
  readonly subject: string;
  readonly now: () => Date;
  readonly cloudflare: CloudflareWriteDeps | undefined;
}

export interface SubjectLocationOutcome {
  readonly id: string;
  /** Copies found there. */
  readonly found: number;
  readonly deleted: number;
  readonly held: number;
  readonly failed: number;
  /** Found, but not ours to delete (wider ranges, allow rules, lockdowns, expressions, unmanaged lists). */
  readonly reported: number;
  readonly notes: readonly string[];
}

export interface SubjectEraseResult {
  readonly dryRun: boolean;
  readonly subject: string;
  readonly locations: readonly SubjectLocationOutcome[];
  readonly reconciled: number;
}

export interface SubjectErasureResult extends SubjectEraseResult {
  /** Cloudflare reads that failed or were refused: what those parts hold was neither found nor erased. */
  readonly readProblems: readonly ReadStatus[];
  readonly outcome: Outcome;
}

/**
 * `subject erase` (PIPA Art. 36): finds every copy of the address or range, then erases what may be erased. Every
 * Cloudflare read failing is a Cloudflare failure; a read or a deletion failing in part, partial (re-run to finish).
 */
export async function eraseSubjectEverywhere(
  deps: SubjectDeps,
  options: { readonly network: Network; readonly dryRun: boolean },
): Promise<SubjectErasureResult> {
  const { findings, readProblems, readOutcome } = await readSubject(deps, options.network);
  const { store, config, signer, now, cloudflare } = deps;
  const result = await eraseSubject({ store, config, signer, now, cloudflare, subject: deps.subjectHash(options.network) }, findings, {
    dryRun: options.dryRun,
  });
  const hasFailed = result.locations.some((location) => location.failed > 0);
  const outcome = readOutcome === 'cloudflare_failed' ? readOutcome : readOutcome === 'partial' || hasFailed ? 'partial' : 'done';
  return { ...result, readProblems, outcome };
}

const COMMAND = 'subject erase';
const REASON = 'Data subject request for erasure (PIPA Art. 36)';

/** Erases every copy the findings mark deletable: local rows, then Cloudflare rules and items, each audited. */
export async function eraseSubject(deps: SubjectEraseDeps, findings: SubjectFindings, options: { dryRun: boolean }): Promise<SubjectEraseResult> {
  const rules = (findings.cloudflare ?? []).filter((c) => c.object.kind === 'access-rule');
  const items = (findings.cloudflare ?? []).filter((c) => c.object.kind === 'list-item');
  const others = (findings.cloudflare ?? []).filter((c) => c.object.kind !== 'access-rule' && c.object.kind !== 'list-item');
  const plan = [
    ...findings.local.map((l) => ({ id: l.id, found: l.records, deletable: l.deletableIds.length, held: l.held, reported: 0 })),
    ...[['cloudflare/access-rules', rules] as const, ['cloudflare/list-items', items] as const, ['cloudflare/other', others] as const].map(([id, found]) => ({
      id,
      found: found.length,
      deletable: count(found, 'deletable'),
      held: count(found, 'held'),
      reported: count(found, 'reported_only'),
    })),
  ];
  if (options.dryRun) {
    return { dryRun: true, subject: deps.subject, reconciled: 0, locations: plan.map((p) => ({ ...p, deleted: 0, failed: 0, notes: [] })) };
  }

  const { store } = deps;
  const signer = await deps.signer();
  const policyHash = hashPolicy(deps.config);
  const reconciled = await reconcileInterrupted(store, signer, policyHash);
  const runId = randomUUID();
  const common = { command: COMMAND, run_id: runId, policy_hash: policyHash, reason: REASON, subjects: [deps.subject] };
  await store.appendAuditEntry(signer, {
    ...common,
    event: 'subject.erase.intent',
    counts: Object.fromEntries(plan.map((p) => [p.id, p.deletable])),
    details: { held: plan.reduce((n, p) => n + p.held, 0), reported: plan.reduce((n, p) => n + p.reported, 0) },
  });

  // One transaction for every local location: the holds re-read, the statistics roll-up, the deletions and their
  // outcome entries commit together, as in a purge, or none of them does.
  const local = await store.transaction(async (tx) => {
    // Holds re-read inside the write transaction: one added since the findings keeps its rows.
    const holds = await tx.readHolds();
    const chosen: { location: LocalSubjectLocation; rows: SubjectRow[] }[] = [];
    for (const location of findings.local) {
      const planned = location.deletableIds;
      if (planned.length === 0) {
        chosen.push({ location, rows: [] });
        continue;
      }
      const wanted = new Set(planned);
      const rows = (await tx.selectSubjectRows(location.id, findings.network)).filter((row) => wanted.has(row.id));
      chosen.push({ location, rows: selectUnheldRows(holds, location.id, rows, deps.now()) });
    }
    const erasing = chosen.filter((c) => c.rows.length > 0);
    if (erasing.length > 0) {
      await tx.rollUpBeforeErase(
        { minCount: deps.config.statistics.minCount, now: deps.now() },
        erasing.map((c) => ({ location: c.location.id, rows: c.rows })),
      );
    }
    const done: { outcome: SubjectLocationOutcome; purge: LocationPurgeOutcome | undefined }[] = [];
    for (const { location, rows } of chosen) {
      const planned = location.deletableIds.length;
      const purge = rows.length > 0 ? await tx.deleteSubjectRows(location.id, rows) : undefined;
      const deleted = purge?.deleted ?? 0;
      if (purge) {
        await tx.appendAuditEntry(signer, {
          ...common,
          event: 'subject.erase.outcome',
          location: location.id,
          counts: { planned, deleted, held: location.held + planned - rows.length, failed: 0 },
          details: {
            method: store.kind === 'postgres' ? DESTRUCTION_METHODS.pgRowsVacuumed : DESTRUCTION_METHODS.localSecure,
            oldest_record: location.firstSeen?.toISOString() ?? null,
            newest_record: location.lastSeen?.toISOString() ?? null,
          },
        });
      }
      const heldNow = planned - rows.length;
      done.push({
        outcome: { id: location.id, found: location.records, deleted, held: location.held + heldNow, failed: rows.length - deleted, reported: 0, notes: [] },
        purge,
      });
    }
    return done;
  });
  // After the commit: SQLite reclaims the freed pages, PostgreSQL VACUUMs the partitions rows left.
  const reclaimed = await store.reclaimPurged(local.flatMap((l) => (l.purge ? [l.purge] : [])));
  // Rows an older transaction elsewhere on the server may still see outlive the VACUUM: said, not hidden.
  const outcomes: SubjectLocationOutcome[] = local.map(({ outcome, purge }) => {
    const partitions = new Set(purge?.partitions.map((p) => p.partition));
    const lingering = reclaimed.filter((r) => partitions.has(r.partition) && r.notYetRemovable > 0);
    const notes = lingering.map(
      (r) => `${r.notYetRemovable} deleted rows in ${r.partition} not yet reclaimed by VACUUM (an older transaction may still see them)`,
    );
    return notes.length === 0 ? outcome : { ...outcome, notes: [...outcome.notes, ...notes] };
  });

  outcomes.push(await eraseInCloudflare(deps, signer, common, 'cloudflare/access-rules', rules));
  outcomes.push(await eraseInCloudflare(deps, signer, common, 'cloudflare/list-items', items));
  if (others.length > 0) {
    outcomes.push({
      id: 'cloudflare/other',
      found: others.length,
      deleted: 0,
      held: count(others, 'held'),
      failed: 0,
      reported: count(others, 'reported_only'),
      notes: [],
    });
  }
  return { dryRun: false, subject: deps.subject, locations: outcomes, reconciled };
}

async function eraseInCloudflare(
  deps: SubjectEraseDeps,
  signer: AuditSigner,
  common: Record<string, unknown> & { command: string },
  location: 'cloudflare/access-rules' | 'cloudflare/list-items',
  found: readonly CloudflareSubjectObject[],
): Promise<SubjectLocationOutcome> {
  const targets = found.filter((c) => c.disposition === 'deletable');
  const base = { id: location, found: found.length, held: count(found, 'held'), reported: count(found, 'reported_only') };
  if (targets.length === 0) return { ...base, deleted: 0, failed: 0, notes: [] };
  if (!deps.cloudflare) return { ...base, deleted: 0, failed: targets.length, notes: ['CLOUDFLARE_API_TOKEN is not set: not deleted'] };
  const { sdk } = deps.cloudflare.client;
  const networks = new Map(
    targets.map(
      (t) =>
        [t.object.id, t.object.kind === 'access-rule' ? t.object.rule.network : t.object.kind === 'list-item' ? t.object.item.network : undefined] as const,
    ),
  );
  const options = {
    selectHeld: buildHoldRecheck(deps.store, networks, deps.now()),
    concurrency: deps.cloudflare.concurrency,
    itemBudget: deps.cloudflare.itemBudget,
    ...(deps.cloudflare.now ? { now: deps.cloudflare.now } : {}),
    ...(deps.cloudflare.sleep ? { sleep: deps.cloudflare.sleep } : {}),
  };
  let report: DeleteReport;
  let requery: RequeryReport;
  try {
    if (location === 'cloudflare/access-rules') {
      const rules = targets.map((t) => ({ id: t.object.id, scope: t.object.scope }));
      report = await deleteAccessRules(sdk, rules, options);
      requery = await requeryAccessRules(sdk, rules);
    } else {
      const items = targets.flatMap((t) =>
        t.object.kind === 'list-item' ? [{ id: t.object.id, listId: t.object.item.listId, accountId: t.object.item.accountId }] : [],
      );
      report = await deleteListItems(sdk, items, options);
      requery = await requeryListItems(sdk, items);
    }
  } catch (err) {
    return { ...base, deleted: 0, failed: targets.length, notes: [describeError(err)] };
  }
  const heldNow = new Set(report.held);
  const attempted = targets.filter((t) => !heldNow.has(t.object.id));
  const gone = attempted.filter((t) => !requery.stillPresent.has(t.object.id)).length;
  const held = base.held + heldNow.size;
  await deps.store.appendAuditEntry(signer, {
    ...common,
    event: 'subject.erase.outcome',
    location,
    counts: { planned: targets.length, deleted: gone, held, failed: attempted.length - gone },
    details: {
      method: DESTRUCTION_METHODS.cloudflareVerified,
      object_ids: attempted.map((t) => t.object.id),
      held_since_findings: report.held,
      requery: { checked: requery.checked, still_present: [...requery.stillPresent], unreadable: requery.unreadable },
      // As in a purge outcome: codes and keyed hashes, never the server's words.
      failures: buildFailureRecords(report.failures, signer.textSecret),
    },
  });
  return { ...base, held, deleted: gone, failed: attempted.length - gone, notes: report.failures.map((f) => `${f.id}: ${f.message}`) };
}

/** An erase that died mid-way left an intent without outcomes: say so in the log; re-running the request finishes it. */
async function reconcileInterrupted(store: StorePort, signer: AuditSigner, policyHash: string): Promise<number> {
  const open = selectOpenIntents(await readStoredEntries(store)).filter((entry) => entry.command === COMMAND);
  for (const intent of open) {
    await store.appendAuditEntry(signer, {
      event: 'subject.erase.reconciled',
      command: COMMAND,
      run_id: intent.run_id,
      policy_hash: policyHash,
      subjects: intent.subjects,
      reason: `erase run ${intent.run_id ?? '?'} (intent #${intent.seq}) stopped before it finished; what it deleted is recorded, re-run the request for this subject to finish`,
    });
  }
  return open.length;
}

/** The log's entries from their stored text (what every store reads alike); a line that does not parse is a store problem. */
async function readStoredEntries(store: StorePort): Promise<AuditEntry[]> {
  return (await store.readAuditLines()).map((line, i) => {
    try {
      return JSON.parse(line) as AuditEntry;
    } catch (err) {
      throw new StoreError(`Audit entry ${i + 1} in the store is not valid JSON`, {
        cause: err,
        hint: 'Run `luxeret-privacy audit verify`; the store may have been altered.',
      });
    }
  });
}

function count(found: readonly CloudflareSubjectObject[], disposition: CloudflareSubjectObject['disposition']): number {
  return found.filter((c) => c.disposition === disposition).length;
}

export type { SubjectTable };
