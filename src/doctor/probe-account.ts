import type Cloudflare from 'cloudflare';
import { APIError } from 'cloudflare/error';
import type { AnalyticsGraphqlClient } from '../cloudflare/analytics-graphql-client.js';
import { classifyReadError } from '../cloudflare/objects/read-status.js';
import type { CloudflareObjects, ObjectScope, PlanId } from '../cloudflare/objects/types.js';
import { ANALYTICS_DATASETS, LOCKDOWN_RULES } from '../cloudflare/plan-limits.js';
import { buildFirewallEventsQuery, type ZoneSettings } from '../cloudflare/queries.js';
import { redactSecrets } from '../cloudflare/redact.js';
import type { ObservedResponse } from '../cloudflare/response-observer.js';
import type {
  AccountObservation,
  AccountObservations,
  LimitErrorObservation,
  ListsObservation,
  RestErrorObservation,
  RuleListingObservation,
  ZoneObservation,
} from './observations.js';

export interface ProbeDeps {
  readonly sdk: Cloudflare;
  readonly graphql: AnalyticsGraphqlClient;
  /** What the clients' fetch saw so far (response-observer.ts). */
  readonly responses: () => readonly ObservedResponse[];
  readonly now: Date;
}

/** A configured zone with what the other doctor checks already read about it. */
export interface ZoneFacts {
  readonly zoneId: string;
  readonly label: string;
  readonly plan: PlanId | undefined;
  readonly accountId: string | undefined;
  readonly settings: ZoneSettings | undefined;
  readonly settingsError: string | undefined;
}

/** Access rules read per scope to see listing behaviour; enough for any real account, bounded for a huge one. */
const RULES_PER_PAGE = 100;
const MAX_RULES_READ = 2_000;
/** A zone id no account has: 32 hex digits, like a real one. */
const UNKNOWN_ZONE_ID = '0'.repeat(32);
const PLAN_ORDER: readonly PlanId[] = ['free', 'pro', 'business', 'enterprise'];

/**
 * Observes, read-only, what our assumptions about Cloudflare rest on: GET requests and GraphQL queries only. The one
 * deliberate error is a security-events query older than the zone's `notOlderThan`, which Cloudflare refuses without
 * reading anything.
 */
export async function probeAccount(deps: ProbeDeps, zones: readonly ZoneFacts[], objects: CloudflareObjects): Promise<AccountObservations> {
  const accounts = await Promise.all(objects.accountIds.map((accountId) => observeAccount(deps.sdk, accountId, zones, objects)));
  const accountRuleIds = new Map(accounts.map((account) => [account.observation.accountId, account.ruleIds]));
  const zoneObservations = await Promise.all(
    zones.map(async (zone): Promise<ZoneObservation> => {
      const listing = await readRuleListing(deps.sdk, { type: 'zone', id: zone.zoneId });
      const ownIds = zone.accountId === undefined ? undefined : accountRuleIds.get(zone.accountId);
      return {
        zoneId: zone.zoneId,
        label: zone.label,
        plan: zone.plan,
        accountId: zone.accountId,
        datasets: zone.settings === undefined ? [] : ANALYTICS_DATASETS.map((dataset) => ({ dataset, ...zone.settings![dataset] })),
        settingsError: zone.settingsError,
        accessRules: {
          ...listing.observation,
          accountRulesListed: ownIds === undefined ? undefined : [...listing.ruleIds].filter((id) => ownIds.has(id)).length,
        },
        lockdownListing: zone.plan !== undefined && LOCKDOWN_RULES[zone.plan] === 0 ? await readUnentitledLockdowns(deps.sdk, zone.zoneId) : undefined,
      };
    }),
  );
  const limitError = await provokeLimitError(deps, zones);
  const unknownObject = await restError(() => deps.sdk.zones.get({ zone_id: UNKNOWN_ZONE_ID }).then(() => undefined));
  return { zones: zoneObservations, accounts: accounts.map((a) => a.observation), limitError, unknownObject, responses: deps.responses() };
}

async function observeAccount(
  sdk: Cloudflare,
  accountId: string,
  zones: readonly ZoneFacts[],
  objects: CloudflareObjects,
): Promise<{ observation: AccountObservation; ruleIds: ReadonlySet<string> | undefined }> {
  const plans = zones.filter((zone) => zone.accountId === accountId && zone.plan !== undefined).map((zone) => PLAN_ORDER.indexOf(zone.plan!));
  const listing = await readRuleListing(sdk, { type: 'account', id: accountId });
  return {
    observation: {
      accountId,
      plan: plans.length === 0 ? undefined : PLAN_ORDER[Math.max(...plans)],
      accessRules: { ...listing.observation, accountRulesListed: undefined },
      lists: listsOf(accountId, objects),
    },
    ruleIds: listing.observation.outcome === 'read' ? listing.ruleIds : undefined,
  };
}

/** One scope's access rules, keeping only ids and `scope.type` counts (never the addresses). */
async function readRuleListing(
  sdk: Cloudflare,
  scope: ObjectScope,
): Promise<{ observation: Omit<RuleListingObservation, 'accountRulesListed'>; ruleIds: Set<string> }> {
  const ruleIds = new Set<string>();
  const scopeTypes: Record<string, number> = {};
  let truncated = false;
  try {
    const params = scope.type === 'zone' ? { zone_id: scope.id } : { account_id: scope.id };
    for await (const raw of sdk.firewall.accessRules.list({ ...params, per_page: RULES_PER_PAGE })) {
      if (ruleIds.size >= MAX_RULES_READ) {
        truncated = true;
        break;
      }
      const rule = raw as { id?: unknown; scope?: { type?: unknown } };
      if (typeof rule.id === 'string') ruleIds.add(rule.id);
      const type = typeof rule.scope?.type === 'string' ? rule.scope.type : '(none)';
      scopeTypes[type] = (scopeTypes[type] ?? 0) + 1;
    }
    return { observation: { outcome: 'read', detail: undefined, rules: ruleIds.size, scopeTypes, truncated }, ruleIds };
  } catch (err) {
    const status = classifyReadError('access-rules', scope, err);
    return {
      observation: { outcome: status.state === 'not_readable' ? 'not_readable' : 'error', detail: status.message, rules: 0, scopeTypes: {}, truncated },
      ruleIds,
    };
  }
}

function listsOf(accountId: string, objects: CloudflareObjects): ListsObservation {
  const status = objects.statuses.find((s) => s.part === 'list-items' && s.scope.type === 'account' && s.scope.id === accountId);
  if (status === undefined || status.state !== 'ok') {
    return { outcome: status?.state === 'not_readable' ? 'not_readable' : 'error', detail: status?.message ?? 'not read', lists: 0, items: 0 };
  }
  const lists = objects.lists.filter((list) => list.accountId === accountId);
  return { outcome: 'read', detail: undefined, lists: lists.length, items: lists.reduce((sum, list) => sum + (list.numItems ?? 0), 0) };
}

/** K1: one page of lockdowns of a zone whose plan has none (Free); page sizes must be 1 or a multiple of 5. */
function readUnentitledLockdowns(sdk: Cloudflare, zoneId: string): Promise<RestErrorObservation> {
  return restError(async () => (await sdk.firewall.lockdowns.list({ zone_id: zoneId, per_page: 5 })).getPaginatedItems().length);
}

/** Runs one read and records how it answered: the row count, or the error's status, codes and message. */
async function restError(read: () => Promise<number | undefined>): Promise<RestErrorObservation> {
  try {
    const rows = await read();
    return { status: 200, codes: [], message: '', rows };
  } catch (err) {
    if (err instanceof APIError) {
      const errors = Array.isArray(err.errors) ? (err.errors as { code?: unknown; message?: unknown }[]) : [];
      return {
        status: typeof err.status === 'number' ? err.status : undefined,
        codes: errors.flatMap((e) => (typeof e.code === 'number' ? [e.code] : [])),
        message: redactSecrets(errors.map((e) => (typeof e.message === 'string' ? e.message : '')).join('; ')),
        rows: undefined,
      };
    }
    return { status: undefined, codes: [], message: redactSecrets(err instanceof Error ? err.message : String(err)), rows: undefined };
  }
}

/** Sends one security-events query starting two days before the zone's window, and records Cloudflare's answer. */
async function provokeLimitError(deps: ProbeDeps, zones: readonly ZoneFacts[]): Promise<LimitErrorObservation> {
  const zone = zones.find((z) => z.settings?.firewallEventsAdaptive.enabled === true);
  if (zone?.settings === undefined) return { status: undefined, errors: [], detail: 'not sent: no zone with readable security-events settings' };
  const { notOlderThan, maxDuration } = zone.settings.firewallEventsAdaptive;
  const fromMs = deps.now.getTime() - (notOlderThan + 2 * 86_400) * 1000;
  const toMs = fromMs + Math.min(3600, Math.max(1, maxDuration)) * 1000;
  const filter = [
    { field: 'datetime', op: '_geq' as const, value: new Date(fromMs).toISOString() },
    { field: 'datetime', op: '_lt' as const, value: new Date(toMs).toISOString() },
  ];
  const { query, variables } = buildFirewallEventsQuery(zone.zoneId, ['datetime'], filter, ['datetime'], 1);
  const before = deps.responses().length;
  let failure: string | undefined;
  try {
    await deps.graphql.graphql(query, variables);
  } catch (err) {
    failure = redactSecrets(err instanceof Error ? err.message : String(err));
  }
  const answer = deps
    .responses()
    .slice(before)
    .filter((r) => r.kind === 'graphql')
    .at(-1);
  if (answer === undefined) return { status: undefined, errors: [], detail: failure ?? 'no answer' };
  const detail = failure === undefined ? 'Cloudflare answered with data: the window was not enforced' : undefined;
  return { status: answer.status, errors: answer.graphqlErrors.map((e) => ({ message: redactSecrets(e.message), code: e.code })), detail };
}
