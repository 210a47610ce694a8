import type { PlanId } from '../cloudflare/objects/types.js';
import { EXPECTED_DATASET_WINDOWS, EXPECTED_FIELDS, LIST_CAPS, type AnalyticsDataset } from '../cloudflare/plan-limits.js';
import type { ObservedResponse } from '../cloudflare/response-observer.js';
import type {
  AccountObservation,
  AccountObservations,
  DatasetObservation,
  RestErrorObservation,
  RuleListingObservation,
  ZoneObservation,
} from './observations.js';

/** `held`: Cloudflare answered as we assume; `differs`: it did not (`saw` says what it did); `not_observable`: nothing to see. */
export type AssumptionStatus = 'held' | 'differs' | 'not_observable';

export interface Assumption {
  /** The row of `cloudflare-field-reports.md` the assumption comes from (G1, R2, A3, …). */
  readonly fact: string;
  /** What it was checked on: a zone and dataset, an account, "REST responses". */
  readonly subject: string;
  readonly expected: string;
  readonly status: AssumptionStatus;
  /** What was seen, or why nothing could be. */
  readonly saw: string;
}

type Spelling = 'underscore' | 'dotted' | 'bare';

/** G1: groups datasets name nested fields by their path joined with underscores; raw datasets use bare names. */
const EXPECTED_SPELLING: Record<AnalyticsDataset, Spelling> = { firewallEventsAdaptive: 'bare', httpRequestsAdaptiveGroups: 'underscore' };
const SPELLING_EXAMPLE: Record<Spelling, string> = { underscore: 'dimensions_clientIP', dotted: 'dimensions.clientIP', bare: 'clientIP' };
/** R3: an unknown object id answers 400 with code 7003. */
const UNKNOWN_OBJECT = { status: 400, code: 7003 };
/** G3: a retention/range error carries `extensions.code` `quota`. */
const LIMIT_ERROR_CODE = 'quota';
/** G11: limit errors come back as HTTP 200 with `data: null` (field reports; the docs say 400). */
const LIMIT_ERROR_STATUS = 200;
/** A3: `scope.type` values an access rule may carry; `account` is not attested. */
const KNOWN_SCOPE_TYPES = new Set(['zone', 'organization', 'user']);

const assume = (fact: string, subject: string, expected: string, status: AssumptionStatus, saw: string): Assumption => ({
  fact,
  subject,
  expected,
  status,
  saw,
});

/** Compares what a live account showed with what the client and the emulator assume. Pure. */
export function evaluateAssumptions(observed: AccountObservations): Assumption[] {
  return [
    ...observed.zones.flatMap(zoneAssumptions),
    ...rateHeaderAssumptions(observed.responses),
    ...limitErrorAssumptions(observed),
    unknownObjectAssumption(observed.unknownObject),
    serverErrorAssumption(observed.responses),
    ...accessRuleAssumptions(observed),
    ...observed.accounts.map(listCapAssumption),
    lockdownAssumption(observed.zones),
    assume(
      'L1',
      'list bulk operations',
      'an accepted bulk delete answers HTTP 201',
      'not_observable',
      'only a write shows it, and doctor writes nothing; purge accepts 200 and 201',
    ),
  ];
}

function zoneAssumptions(zone: ZoneObservation): Assumption[] {
  if (zone.datasets.length === 0) {
    return [assume('G1', `${zone.label} analytics`, 'settings readable', 'not_observable', `settings not readable: ${zone.settingsError ?? 'no answer'}`)];
  }
  return zone.datasets.flatMap((dataset) => {
    const subject = `${zone.label} ${dataset.dataset}`;
    return [
      spellingAssumption(`${subject} field names`, dataset),
      fieldsAssumption(`${subject} fields we need`, dataset, zone.plan),
      windowAssumption(`${subject} window`, dataset, zone.plan),
    ];
  });
}

/** How `entry` of `availableFields` names `field`, if it does. */
export function spellingOf(entry: string, field: string): Spelling | undefined {
  if (entry === field) return 'bare';
  if (entry.endsWith(`.${field}`)) return 'dotted';
  if (entry.endsWith(`_${field}`)) return 'underscore';
  return undefined;
}

function spellingAssumption(subject: string, dataset: DatasetObservation): Assumption {
  const expected = EXPECTED_SPELLING[dataset.dataset];
  const wanted = fieldsOfInterest(dataset.dataset);
  const examples = dataset.availableFields.filter((entry) => wanted.some((field) => spellingOf(entry, field) !== undefined));
  const spellings = [...new Set(examples.flatMap((entry) => wanted.map((field) => spellingOf(entry, field)).filter((s) => s !== undefined)))];
  const expectation = `fields named like ${SPELLING_EXAMPLE[expected]}`;
  if (examples.length === 0) return assume('G1', subject, expectation, 'not_observable', `none of ${wanted.join(', ')} is in availableFields`);
  const saw = `${spellings.join(' and ')} (${examples.slice(0, 3).join(', ')}${examples.length > 3 ? ', …' : ''})`;
  return assume('G1', subject, expectation, spellings.length === 1 && spellings[0] === expected ? 'held' : 'differs', saw);
}

function fieldsOfInterest(dataset: AnalyticsDataset): string[] {
  const { served, refusedOn, noted } = EXPECTED_FIELDS[dataset];
  return [...new Set([...served, ...Object.values(refusedOn).flat(), ...noted])];
}

function fieldsAssumption(subject: string, dataset: DatasetObservation, plan: PlanId | undefined): Assumption {
  const expected = EXPECTED_FIELDS[dataset.dataset];
  const refused = plan === undefined ? [] : (expected.refusedOn[plan] ?? []);
  const isServed = (field: string) => dataset.availableFields.some((entry) => spellingOf(entry, field) !== undefined);
  const fields = fieldsOfInterest(dataset.dataset);
  const served = fields.filter(isServed);
  const notServed = fields.filter((field) => !isServed(field));
  const saw = `served: ${served.join(', ') || 'none'}; not served: ${notServed.join(', ') || 'none'}`;
  const expectation = `serves ${expected.served.join(', ')}${refused.length > 0 ? `; refuses ${refused.join(', ')} on ${plan}` : ''}`;
  const held = expected.served.every(isServed) && refused.every((field) => !isServed(field));
  return assume(dataset.dataset === 'httpRequestsAdaptiveGroups' ? 'G6' : 'G1', subject, expectation, held ? 'held' : 'differs', saw);
}

function windowAssumption(subject: string, dataset: DatasetObservation, plan: PlanId | undefined): Assumption {
  const fact = dataset.dataset === 'httpRequestsAdaptiveGroups' ? 'G5' : 'G7';
  const saw = `notOlderThan ${seconds(dataset.notOlderThan)}, maxDuration ${seconds(dataset.maxDuration)}`;
  if (plan === undefined) return assume(fact, subject, 'the plan table’s window', 'not_observable', `the zone’s plan is not readable with this token (${saw})`);
  const window = EXPECTED_DATASET_WINDOWS[dataset.dataset][plan];
  const expected = `on ${plan}: notOlderThan ${seconds(window.notOlderThanSeconds)}, maxDuration ${seconds(window.maxDurationSeconds)}`;
  const held = dataset.notOlderThan === window.notOlderThanSeconds && dataset.maxDuration === window.maxDurationSeconds;
  return assume(fact, subject, expected, held ? 'held' : 'differs', saw);
}

function rateHeaderAssumptions(responses: readonly ObservedResponse[]): Assumption[] {
  const rest = responses.filter((r) => r.kind === 'rest');
  const graphql = responses.filter((r) => r.kind === 'graphql');
  const withBoth = rest.filter((r) => r.rateLimit !== undefined && r.rateLimitPolicy !== undefined);
  const policy = withBoth.at(-1)?.rateLimitPolicy;
  const quota = policy === undefined ? '' : `; announced ${describePolicy(policy)}`;
  const restAssumption =
    rest.length === 0
      ? assume('R2', 'REST responses', 'every response carries Ratelimit and Ratelimit-Policy', 'not_observable', 'no REST response')
      : assume(
          'R2',
          'REST responses',
          'every response carries Ratelimit and Ratelimit-Policy',
          withBoth.length === rest.length ? 'held' : 'differs',
          `both headers on ${withBoth.length} of ${rest.length}${quota}`,
        );
  const withAny = graphql.filter((r) => r.rateLimit !== undefined || r.rateLimitPolicy !== undefined);
  const graphqlAssumption =
    graphql.length === 0
      ? assume('G9', 'GraphQL responses', 'no Ratelimit or Ratelimit-Policy header', 'not_observable', 'no GraphQL response')
      : assume(
          'G9',
          'GraphQL responses',
          'no Ratelimit or Ratelimit-Policy header',
          withAny.length === 0 ? 'held' : 'differs',
          withAny.length === 0
            ? `none on ${graphql.length} response(s)`
            : `rate headers on ${withAny.length} of ${graphql.length} (${withAny[0]?.rateLimitPolicy ?? withAny[0]?.rateLimit ?? ''})`,
        );
  const limited = graphql.filter((r) => r.status === 429);
  const withRetryAfter = limited.filter((r) => r.retryAfter !== undefined);
  const retryAfterAssumption =
    limited.length === 0
      ? assume(
          'G9',
          'GraphQL 429',
          'no Retry-After header (the client paces from its own count)',
          'not_observable',
          'no GraphQL 429 during this run; doctor does not provoke one',
        )
      : assume(
          'G9',
          'GraphQL 429',
          'no Retry-After header (the client paces from its own count)',
          withRetryAfter.length === 0 ? 'held' : 'differs',
          `Retry-After on ${withRetryAfter.length} of ${limited.length} GraphQL 429(s)${withRetryAfter[0] ? ` (${withRetryAfter[0].retryAfter})` : ''}`,
        );
  return [restAssumption, graphqlAssumption, retryAfterAssumption];
}

/** `"name";q=1200;w=300` → `1200 requests / 300 s`. */
export function describePolicy(policy: string): string {
  const q = /\bq=(\d+)/.exec(policy)?.[1];
  const w = /\bw=(\d+)/.exec(policy)?.[1];
  return q !== undefined && w !== undefined ? `${q} requests / ${w} s` : JSON.stringify(policy);
}

/** How a limit error writes durations: `1w1d` units (G2, adaptive datasets) or plain seconds (`691200s`). */
export function limitWording(message: string): 'units' | 'seconds' | 'other' {
  if (/\b\d+(?:w|d|h|m)(?:\d+(?:w|d|h|ms|m|s))*\b/.test(message)) return 'units';
  if (/\b\d{2,}s\b/.test(message)) return 'seconds';
  return 'other';
}

function limitErrorAssumptions(observed: AccountObservations): Assumption[] {
  const subject = 'out-of-window query';
  const error = observed.limitError;
  const facts: [string, string][] = [
    ['G11', `HTTP ${LIMIT_ERROR_STATUS} with data null (the docs say 400)`],
    ['G3', `extensions.code "${LIMIT_ERROR_CODE}"`],
    ['G2', 'durations in units: "cannot request data older than 1d, but …"'],
  ];
  const first = error?.errors[0];
  if (error === undefined || error.status === undefined || first === undefined) {
    const why = error?.detail ?? (error?.status !== undefined ? `HTTP ${error.status} without errors[]` : 'not sent: no zone with readable settings');
    return facts.map(([fact, expected]) => assume(fact, subject, expected, 'not_observable', why));
  }
  const wording = limitWording(first.message);
  const [status, code, words] = facts as [[string, string], [string, string], [string, string]];
  return [
    assume(status[0], subject, status[1], error.status === LIMIT_ERROR_STATUS ? 'held' : 'differs', `HTTP ${error.status}`),
    assume(
      code[0],
      subject,
      code[1],
      first.code === LIMIT_ERROR_CODE ? 'held' : 'differs',
      first.code === undefined ? 'no extensions.code' : `extensions.code "${first.code}"`,
    ),
    assume(words[0], subject, words[1], wording === 'units' ? 'held' : 'differs', `${wording}: "${first.message}"`),
  ];
}

function unknownObjectAssumption(observed: RestErrorObservation | undefined): Assumption {
  const expected = `HTTP ${UNKNOWN_OBJECT.status}, code ${UNKNOWN_OBJECT.code}`;
  if (observed === undefined || observed.status === undefined)
    return assume('R3', 'unknown zone id', expected, 'not_observable', observed?.message || 'no answer');
  const held = observed.status === UNKNOWN_OBJECT.status && observed.codes.includes(UNKNOWN_OBJECT.code);
  return assume(
    'R3',
    'unknown zone id',
    expected,
    held ? 'held' : 'differs',
    `HTTP ${observed.status}, code ${observed.codes.join(', ') || 'none'}: "${observed.message}"`,
  );
}

function serverErrorAssumption(responses: readonly ObservedResponse[]): Assumption {
  const failed = responses.filter((r) => r.kind === 'rest' && r.status >= 500);
  const expected = 'a 5xx carries the JSON envelope (either way the client retries it)';
  if (failed.length === 0) return assume('R5', 'REST 5xx', expected, 'not_observable', 'no 5xx during this run');
  const notJson = failed.filter((r) => r.errorBody !== 'json');
  const kinds = [...new Set(failed.map((r) => `HTTP ${r.status} ${r.errorBody ?? 'empty'}`))].join(', ');
  return assume('R5', 'REST 5xx', expected, notJson.length === 0 ? 'held' : 'differs', `${failed.length} 5xx: ${kinds}`);
}

function accessRuleAssumptions(observed: AccountObservations): Assumption[] {
  const byAccount = new Map(observed.accounts.map((account) => [account.accountId, account]));
  const a2 = observed.zones.map((zone) => zoneListingAssumption(zone, zone.accountId === undefined ? undefined : byAccount.get(zone.accountId)));
  return [...a2, scopeTypeAssumption(observed)];
}

function zoneListingAssumption(zone: ZoneObservation, account: AccountObservation | undefined): Assumption {
  const subject = `${zone.label} access rules`;
  const expected = 'a zone listing includes the account rules that apply to the zone';
  const listing = zone.accessRules;
  if (listing.outcome !== 'read') return assume('A2', subject, expected, 'not_observable', listing.detail ?? 'not read');
  const foreign = listing.rules - (listing.scopeTypes['zone'] ?? 0);
  const accountRules = account?.accessRules.outcome === 'read' ? account.accessRules.rules : undefined;
  const listed = listing.accountRulesListed;
  if (foreign > 0 || (listed ?? 0) > 0) {
    return assume('A2', subject, expected, 'held', `${Math.max(foreign, listed ?? 0)} of ${listing.rules} rule(s) in the zone listing are account rules`);
  }
  if (accountRules === undefined || accountRules === 0) {
    const why =
      accountRules === 0
        ? 'the account has no access rules'
        : `the account listing is not readable${account?.accessRules.detail ? ` (${account.accessRules.detail})` : ''}`;
    return assume('A2', subject, expected, 'not_observable', `${why}; the zone listing holds ${listing.rules} zone rule(s)`);
  }
  return assume(
    'A2',
    subject,
    expected,
    'differs',
    `none of the account’s ${accountRules} rule(s) in the zone listing of ${listing.rules}${listing.truncated ? ' (first pages only)' : ''}`,
  );
}

function scopeTypeAssumption(observed: AccountObservations): Assumption {
  const expected = 'scope.type is zone, organization or user (never account)';
  const listings: RuleListingObservation[] = [...observed.zones.map((z) => z.accessRules), ...observed.accounts.map((a) => a.accessRules)].filter(
    (l) => l.outcome === 'read',
  );
  const counts = new Map<string, number>();
  for (const listing of listings) for (const [type, n] of Object.entries(listing.scopeTypes)) counts.set(type, (counts.get(type) ?? 0) + n);
  const nonZone = [...counts.keys()].filter((type) => type !== 'zone');
  if (nonZone.length === 0)
    return assume(
      'A3',
      'access rules',
      expected,
      'not_observable',
      listings.length === 0 ? 'no access-rule listing readable with this token' : 'no account-level rule seen',
    );
  const saw = [...counts].map(([type, n]) => `${type} ×${n}`).join(', ');
  return assume('A3', 'access rules', expected, nonZone.every((type) => KNOWN_SCOPE_TYPES.has(type)) ? 'held' : 'differs', saw);
}

function listCapAssumption(account: AccountObservation): Assumption {
  const subject = `account ${account.accountId.slice(0, 8)}… lists`;
  const caps = account.plan === undefined ? undefined : LIST_CAPS[account.plan];
  const expected = caps === undefined ? 'within the plan’s list caps' : `on ${account.plan}: at most ${caps.lists} list(s), ${caps.items} items across them`;
  if (account.lists.outcome !== 'read') return assume('L4', subject, expected, 'not_observable', account.lists.detail ?? 'not read');
  const saw = `${account.lists.lists} list(s), ${account.lists.items} item(s)`;
  if (caps === undefined) return assume('L4', subject, expected, 'not_observable', `no zone of this account with a readable plan (${saw})`);
  const held = account.lists.lists <= caps.lists && account.lists.items <= caps.items;
  return assume(
    'L4',
    subject,
    expected,
    held ? 'held' : 'differs',
    held ? `${saw} (caps themselves need a write to reach)` : `${saw}: more than the cap we assume`,
  );
}

function lockdownAssumption(zones: readonly ZoneObservation[]): Assumption {
  const expected = 'a Free zone’s Zone Lockdown listing is refused (not an empty list)';
  const free = zones.filter((zone) => zone.lockdownListing !== undefined);
  const first = free[0];
  if (first?.lockdownListing === undefined) return assume('K1', 'Zone Lockdown on Free', expected, 'not_observable', 'no Free zone configured');
  const answer = first.lockdownListing;
  const subject = `${first.label} lockdowns`;
  if (answer.status === undefined) return assume('K1', subject, expected, 'not_observable', answer.message);
  const refused = answer.status >= 400;
  const saw = refused
    ? `HTTP ${answer.status}, code ${answer.codes.join(', ') || 'none'}: "${answer.message}"`
    : `HTTP ${answer.status} with ${answer.rows ?? 0} rule(s)`;
  return assume('K1', subject, expected, refused ? 'held' : 'differs', saw);
}

function seconds(value: number): string {
  const unit = value % 86_400 === 0 ? `${value / 86_400} d` : value % 3600 === 0 ? `${value / 3600} h` : undefined;
  return unit === undefined ? `${value} s` : `${value} s (${unit})`;
}
