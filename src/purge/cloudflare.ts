import { randomUUID } from 'node:crypto';
import { assertAuditable, type AuditEntry, type AuditInput, type AuditSigner } from '../audit/log.js';
import { fetchCloudflareObjects } from '../cloudflare/objects/fetch.js';
import type { AccessRule, CloudflareObjects, ListItem } from '../cloudflare/objects/types.js';
import type { RestClient } from '../cloudflare/rest-client.js';
import type { Config } from '../config/config.js';
import type { Duration } from '../config/duration.js';
import {
  buildObjectActivity,
  DEFAULT_MAX_STALENESS_MS,
  judgeCloudflareObject,
  type ObjectActivity,
  type PurposeCandidate,
  type PurposeContext,
  type UndeterminedReason,
} from '../policy/cloudflare-purpose.js';
import type { Hold } from '../policy/holds.js';
import type { CloudflareEvidence } from '../store/cloudflare-activity.js';
import { DESTRUCTION_METHODS } from '../policy/destruction-methods.js';
import type { StorePort, StoreSession } from '../store/port.js';
import {
  deleteAccessRules,
  deleteListItems,
  requeryAccessRules,
  requeryListItems,
  type CloudflareWriteDeps,
  type DeleteReport,
  type ItemTarget,
  type RequeryReport,
  type RuleTarget,
} from '../cloudflare/objects/delete.js';
import { buildHoldRecheck } from '../hold/recheck.js';
import { selectOpenIntents } from '../audit/open-intents.js';
import { buildFailureRecords, describeFailureCodes, describeFailures, type DeletionFailure } from '../audit/failure-record.js';
import type { LocationPurge, PurgeNote, PurgeProgress } from './types.js';

export const ACCESS_RULES_LOCATION = 'cloudflare/access-rules';
export const LIST_ITEMS_LOCATION = 'cloudflare/list-items';
const COMMAND = 'purge';

export interface CloudflareLocationPlan<T> {
  readonly location: typeof ACCESS_RULES_LOCATION | typeof LIST_ITEMS_LOCATION;
  readonly rule: string;
  readonly cutoff: Date;
  readonly toDelete: readonly T[];
  readonly held: number;
  readonly undetermined: number;
  readonly notes: readonly PurgeNote[];
  /** Why objects were kept as undetermined, with how many: the inventory shows these too. */
  readonly undeterminedReasons: readonly { readonly reason: UndeterminedReason; readonly count: number }[];
  /** Some scope of this location could not be read: what it holds was neither judged nor purged. */
  readonly incomplete: boolean;
}

export interface CloudflarePlan {
  readonly objects: CloudflareObjects;
  /** Activity records after folding in the events held now (written only by a real run). */
  readonly activity: ReadonlyMap<string, ObjectActivity>;
  readonly rules: CloudflareLocationPlan<AccessRule>;
  readonly items: CloudflareLocationPlan<ListItem>;
  readonly total: number;
}

/** Reads the access rules and lists of the configured zones and account; failures of a part become notes. */
export async function fetchPurgeSnapshot(client: RestClient, config: Config, now: () => Date): Promise<CloudflareObjects> {
  return fetchCloudflareObjects(client, config, { parts: ['zone', 'access-rules', 'list-items'], now });
}

/** Builds the Cloudflare part of the plan: which rules and items have served their purpose at `now`. Reads only. */
export async function planCloudflarePurge(
  store: StoreSession,
  config: Config,
  objects: CloudflareObjects,
  holds: readonly Hold[],
  now: Date,
): Promise<CloudflarePlan> {
  return judgeCloudflarePurge(await store.readCloudflareEvidence(), config, objects, holds, now);
}

/** The same, from evidence already read (StoreSession.readCloudflareEvidence). */
export function judgeCloudflarePurge(
  evidence: CloudflareEvidence,
  config: Config,
  objects: CloudflareObjects,
  holds: readonly Hold[],
  now: Date,
): CloudflarePlan {
  const configuredZones = config.zones.map((zone) => zone.id);
  // An account-level object acts on the account's zones: their events are its evidence.
  const zonesOfAccount = (accountId: string): readonly string[] => {
    const own = objects.zones.filter((zone) => zone.accountId === accountId).map((zone) => zone.id);
    return own.length > 0 ? own : configuredZones;
  };
  const ruleCandidates = objects.accessRules.map((rule): PurposeCandidate => ({
    id: rule.id,
    kind: 'access_rule',
    mode: rule.mode,
    target: rule.target,
    value: rule.value,
    createdOn: rule.createdOn,
    zoneIds: rule.scope.type === 'zone' ? [rule.scope.id] : zonesOfAccount(rule.scope.id),
  }));
  const itemCandidates = objects.listItems.map((item): PurposeCandidate => ({
    id: item.id,
    kind: 'list_item',
    value: item.ip ?? '',
    createdOn: item.createdOn,
    zoneIds: zonesOfAccount(item.accountId),
    isManagedList: item.isManaged,
  }));
  const { zones } = evidence;
  const activity = buildObjectActivity([...ruleCandidates, ...itemCandidates], evidence.activity, evidence.eventGroups, zones);
  const base = { now, holds, zones, maxStalenessMs: DEFAULT_MAX_STALENESS_MS };
  const readNotes = objects.statuses
    .filter((status) => status.state !== 'ok')
    .map((status) => ({
      part: status.part,
      isProblem: status.state === 'error' || status.state === 'not_readable',
      text: `${status.scope.type} ${status.scope.id}: ${status.part} ${status.message ?? status.state}; not purged`,
    }));
  const rules = judgeAll(
    ACCESS_RULES_LOCATION,
    'access_rules',
    config.retention.accessRules,
    objects.accessRules,
    ruleCandidates,
    activity,
    base,
    readNotes.filter((n) => n.part === 'access-rules' || n.part === 'zone').map((n) => verbatim(n.text)),
  );
  const items = judgeAll(
    LIST_ITEMS_LOCATION,
    'list_items',
    config.retention.listItems,
    objects.listItems,
    itemCandidates,
    activity,
    base,
    readNotes.filter((n) => n.part === 'list-items').map((n) => verbatim(n.text)),
  );
  const rulesIncomplete = readNotes.some((n) => n.isProblem && (n.part === 'access-rules' || n.part === 'zone'));
  const itemsIncomplete = readNotes.some((n) => n.isProblem && n.part === 'list-items');
  const unmanaged = objects.lists.filter((list) => !list.isManaged).map((list) => list.name);
  const itemNotes =
    unmanaged.length > 0 ? [...items.notes, verbatim(`lists not in managed_lists are only reported, never purged: ${unmanaged.join(', ')}`)] : items.notes;
  return {
    objects,
    activity,
    rules: { ...rules, incomplete: rulesIncomplete },
    items: { ...items, notes: itemNotes, incomplete: itemsIncomplete },
    total: rules.toDelete.length + items.toDelete.length,
  };
}

function judgeAll<T extends { id: string }>(
  location: CloudflareLocationPlan<T>['location'],
  ruleKey: string,
  retention: Duration,
  objects: readonly T[],
  candidates: readonly PurposeCandidate[],
  activity: ReadonlyMap<string, ObjectActivity>,
  base: Omit<PurposeContext, 'retention'>,
  notes: PurgeNote[],
): Omit<CloudflareLocationPlan<T>, 'incomplete'> {
  const ctx: PurposeContext = { ...base, retention };
  const toDelete: T[] = [];
  let held = 0;
  // Keyed by the reason's JSON: equal codes with equal parameters are one reason.
  const undetermined = new Map<string, { reason: UndeterminedReason; count: number }>();
  candidates.forEach((candidate, i) => {
    const decision = judgeCloudflareObject(candidate, activity.get(candidate.id), ctx);
    if (decision.verdict === 'delete') toDelete.push(objects[i]!);
    else if (decision.verdict === 'held') held += 1;
    else if (decision.verdict === 'undetermined') {
      const key = JSON.stringify(decision.reason);
      const known = undetermined.get(key) ?? { reason: decision.reason, count: 0 };
      undetermined.set(key, { ...known, count: known.count + 1 });
    }
  });
  const undeterminedReasons = [...undetermined.values()];
  const undeterminedCount = undeterminedReasons.reduce((sum, reason) => sum + reason.count, 0);
  const undeterminedNotes = undeterminedReasons.map(({ reason, count }): PurgeNote => ({ code: 'objects.kept_undetermined', count, reason }));
  return {
    location,
    rule: `retention.${ruleKey}=${retention.text}`,
    cutoff: new Date(base.now.getTime() - retention.ms),
    toDelete,
    held,
    undetermined: undeterminedCount,
    notes: [...notes, ...undeterminedNotes],
    undeterminedReasons,
  };
}

/** The plan of one Cloudflare location as the purge result shows it. */
export function describeCloudflareLocation(
  plan: CloudflareLocationPlan<unknown>,
  outcome?: { deleted: number; failed: number; notes: readonly PurgeNote[]; serverMessages?: readonly string[] },
): LocationPurge {
  return {
    ...(outcome?.serverMessages === undefined ? {} : { serverMessages: outcome.serverMessages }),
    id: plan.location,
    kind: 'cloudflare',
    rule: plan.rule,
    cutoff: plan.cutoff,
    planned: plan.toDelete.length,
    deleted: outcome?.deleted ?? 0,
    held: plan.held,
    failed: outcome?.failed ?? 0,
    undetermined: plan.undetermined,
    incomplete: plan.incomplete,
    notes: [...plan.notes, ...(outcome?.notes ?? [])],
  };
}

export interface CloudflareRun {
  readonly store: StorePort;
  readonly signer: AuditSigner;
  readonly policyHash: string;
  readonly purgeRunId: string;
  readonly now: Date;
  readonly onProgress?: ((progress: PurgeProgress) => void) | undefined;
}

/** Deletes what the plan selected, location by location, each between an intent and an outcome audit entry. */
export async function executeCloudflarePurge(deps: CloudflareWriteDeps, run: CloudflareRun, plan: CloudflarePlan): Promise<LocationPurge[]> {
  const { sdk } = deps.client;
  const networks = new Map([
    ...plan.rules.toDelete.map((rule) => [rule.id, rule.network] as const),
    ...plan.items.toDelete.map((item) => [item.id, item.network] as const),
  ]);
  const options = {
    selectHeld: buildHoldRecheck(run.store, networks, run.now),
    concurrency: deps.concurrency,
    itemBudget: deps.itemBudget,
    ...(deps.requestBudget ? { requestBudget: deps.requestBudget } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    onProgress: (p: { kind: string; done: number; total: number }) =>
      run.onProgress?.({ location: p.kind === 'access_rule' ? ACCESS_RULES_LOCATION : LIST_ITEMS_LOCATION, phase: 'delete', done: p.done, total: p.total }),
  };
  const ruleTargets = plan.rules.toDelete.map((rule): RuleTarget => ({ id: rule.id, scope: rule.scope }));
  const itemTargets = plan.items.toDelete.map((item): ItemTarget => ({ id: item.id, listId: item.listId, accountId: item.accountId }));
  const rules = await purgeLocation(
    run,
    plan.rules,
    ruleDetails(ruleTargets),
    DESTRUCTION_METHODS.accessRules,
    () => deleteAccessRules(sdk, ruleTargets, options),
    () => requeryAccessRules(sdk, ruleTargets),
    ruleTargets.map((t) => t.id),
  );
  const items = await purgeLocation(
    run,
    plan.items,
    itemDetails(itemTargets),
    DESTRUCTION_METHODS.listItems,
    () => deleteListItems(sdk, itemTargets, options),
    () => requeryListItems(sdk, itemTargets),
    itemTargets.map((t) => t.id),
  );
  return [rules, items];
}

async function purgeLocation(
  run: CloudflareRun,
  plan: CloudflareLocationPlan<unknown>,
  targets: Record<string, string[]>,
  method: string,
  remove: () => Promise<DeleteReport>,
  requery: () => Promise<RequeryReport>,
  ids: readonly string[],
): Promise<LocationPurge> {
  if (ids.length === 0) return describeCloudflareLocation(plan);
  const { store, signer } = run;
  const runId = randomUUID();
  const common = { command: COMMAND, run_id: runId, location: plan.location, retention_rule: plan.rule, policy_hash: run.policyHash };
  const buildOutcome = (
    gone: readonly string[],
    failedIds: readonly string[],
    failures: readonly DeletionFailure[],
    check: RequeryReport,
    requests: number,
    heldSincePlan: readonly string[],
  ): AuditInput => ({
    ...common,
    event: 'cloudflare.delete.outcome',
    counts: {
      planned: ids.length,
      deleted: gone.length,
      held: plan.held + heldSincePlan.length,
      failed: failedIds.length,
      undetermined: plan.undetermined,
      requests,
    },
    details: {
      purge_run_id: run.purgeRunId,
      held_since_plan: [...heldSincePlan],
      method,
      requery: { checked: check.checked, still_present: failedIds.length, unreadable: check.unreadable, passed: failedIds.length === 0 },
      failed_ids: [...failedIds],
      failures: buildFailureRecords(failures, signer.textSecret),
    },
  });
  // Once Cloudflare has deleted, the outcome must be writable: check now, with every id failed, what it will hold.
  assertAuditable(buildOutcome([], ids, [], { checked: ids.length, unreadable: [], stillPresent: new Set(ids) }, 0, []), signer);
  await store.appendAuditEntry(signer, {
    ...common,
    event: 'cloudflare.delete.intent',
    counts: { planned: ids.length, held: plan.held, undetermined: plan.undetermined },
    details: { purge_run_id: run.purgeRunId, cutoff: plan.cutoff.toISOString(), method, targets },
  });
  const report = await remove();
  run.onProgress?.({ location: plan.location, phase: 'delete', done: ids.length, total: ids.length });
  // Held since the plan: kept on purpose, neither deleted nor failed.
  const heldNow = new Set(report.held);
  const attempted = ids.filter((id) => !heldNow.has(id));
  const held = plan.held + heldNow.size;
  // The re-query check: what is true in Cloudflare afterwards decides the counts, not what the API said.
  const check = await requery();
  const gone = attempted.filter((id) => !check.stillPresent.has(id));
  const failedIds = attempted.filter((id) => check.stillPresent.has(id));
  const reported = new Map(report.failures.map((f) => [f.id, f]));
  const failures = failedIds.map(
    (id): DeletionFailure => reported.get(id) ?? { code: 'still_present', status: null, message: 'still present after the API accepted the deletion' },
  );
  await store.transaction(async (tx) => {
    await tx.deleteObjectActivity(gone);
    await tx.appendAuditEntry(signer, buildOutcome(gone, failedIds, failures, check, report.requests, report.held));
  });
  // The server's words go to stderr only, never into the signed entry: the note names codes.
  const notes = failedIds.length > 0 ? [verbatim(`${failedIds.length} failed: ${describeFailureCodes(failures)}`)] : [];
  if (heldNow.size > 0) notes.push(verbatim(`${heldNow.size} kept: a hold added during this run covers them`));
  return {
    ...describeCloudflareLocation(plan, {
      deleted: gone.length,
      failed: failedIds.length,
      notes,
      serverMessages: failures.length > 0 ? [describeFailures(failures)] : [],
    }),
    held,
  };
}

/**
 * An intent without an outcome: the run died between announcing and recording. Whatever it managed to delete is
 * found by re-reading Cloudflare; that is recorded, and this run's fresh plan deletes what is left.
 */
export async function reconcileCloudflareIntents(client: RestClient, store: StorePort, signer: AuditSigner, policyHash: string): Promise<number> {
  const open = selectOpenIntents(await store.readOpenRunEntries()).filter((entry) => entry.command === COMMAND && entry.location?.startsWith('cloudflare/'));
  for (const intent of open) {
    const targets = readTargets(intent);
    const check =
      intent.location === ACCESS_RULES_LOCATION
        ? await requeryAccessRules(
            client.sdk,
            Object.entries(targets).flatMap(([scope, ids]) => {
              const [type, id] = scope.split(':') as ['zone' | 'account', string];
              return ids.map((ruleId) => ({ id: ruleId, scope: { type, id } }));
            }),
          )
        : await requeryListItems(
            client.sdk,
            Object.entries(targets).flatMap(([key, ids]) => {
              const [accountId, listId] = key.split('/') as [string, string];
              return ids.map((id) => ({ id, accountId, listId }));
            }),
          );
    const planned = Object.values(targets).reduce((n, ids) => n + ids.length, 0);
    const gone = Object.values(targets)
      .flat()
      .filter((id) => !check.stillPresent.has(id));
    await store.transaction(async (tx) => {
      await tx.deleteObjectActivity(gone);
      await tx.appendAuditEntry(signer, {
        event: 'cloudflare.delete.reconciled',
        command: COMMAND,
        run_id: intent.run_id,
        location: intent.location,
        counts: { planned, deleted: gone.length, still_present: planned - gone.length },
        retention_rule: intent.retention_rule,
        policy_hash: policyHash,
        reason: `run ${intent.run_id ?? '?'} stopped before its outcome (intent #${intent.seq}); re-query: ${gone.length} of ${planned} are gone, this run re-plans the rest`,
        details: { requery: { checked: check.checked, still_present: planned - gone.length, unreadable: check.unreadable } },
      });
    });
  }
  return open.length;
}

/** Folds the events held now into the activity records; call in the transaction that purges those events. */
export async function writeFoldedActivity(tx: StoreSession, plan: CloudflarePlan, at: Date): Promise<void> {
  await tx.writeObjectActivity([...plan.activity.values()], at);
  // Objects deleted outside this tool (dashboard, another script) leave their activity behind: forget it, but only
  // when every scope was read – an object in a scope that failed to read still exists and still needs its evidence.
  if (plan.rules.incomplete || plan.items.incomplete) return;
  const present = new Set([...plan.objects.accessRules.map((rule) => rule.id), ...plan.objects.listItems.map((item) => item.id)]);
  await tx.deleteObjectActivity((await tx.readActivityIds()).filter((id) => !present.has(id)));
}

function readTargets(intent: AuditEntry): Record<string, string[]> {
  const targets = (intent.details as { targets?: unknown } | null)?.targets;
  if (typeof targets !== 'object' || targets === null) return {};
  return Object.fromEntries(
    Object.entries(targets as Record<string, unknown>).map(([key, ids]) => [
      key,
      Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [],
    ]),
  );
}

function ruleDetails(targets: readonly RuleTarget[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of targets) (out[`${t.scope.type}:${t.scope.id}`] ??= []).push(t.id);
  return out;
}

function itemDetails(targets: readonly ItemTarget[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of targets) (out[`${t.accountId}/${t.listId}`] ??= []).push(t.id);
  return out;
}

function verbatim(text: string): PurgeNote {
  return { code: 'verbatim', text };
}
