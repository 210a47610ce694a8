import type { PlanId } from './models.js';

/**
 * Every limit and plan figure the emulator enforces, in one place, each with its source: a row id of
 * ../shared/reference/cloudflare-field-reports.md (G… for the GraphQL Analytics API, R/L/A/K… for REST) and the
 * document behind it. Where the evidence gives no figure, the row says "assumed" and why. Change a figure here,
 * nowhere else; the client's expectations (src/cloudflare/plan-limits.ts) follow it, as the conformance test checks.
 */

// ── GraphQL Analytics API ──

/** What the GraphQL `settings { <dataset> { … } }` node reports, and what the emulator enforces. */
export interface DatasetLimits {
  enabled: boolean;
  maxDuration: number;
  maxNumberOfFields: number;
  maxPageSize: number;
  notOlderThan: number;
}

export type GraphqlDataset = 'firewallEventsAdaptive' | 'httpRequestsAdaptiveGroups';
export const GRAPHQL_DATASETS: readonly GraphqlDataset[] = ['firewallEventsAdaptive', 'httpRequestsAdaptiveGroups'];

export interface DatasetLimitRow {
  dataset: GraphqlDataset;
  plan: PlanId;
  limits: DatasetLimits;
  /** Fields the plan may not select, as dotted paths (`dimensions.clientAsn`). */
  hiddenFields: readonly string[];
  source: string;
}

const DAY = 86_400;
const FW_SAMPLE = 'docs settings sample: maxDuration 259200, maxNumberOfFields 30, maxPageSize 10000';
const FW_SOURCE = `G7 (cloudflare-docs plans index.json: Security Events 24 h / 24 h / 3 d / 30 d); ${FW_SAMPLE}`;
const HTTP_FREE_SAMPLE = 'G5 Free settings sample: maxDuration 86400, notOlderThan 691200, maxNumberOfFields 40, maxPageSize 10000';
// G6: one direct observation of a Free zone; nothing public on which other plans refuse these, so only Free does.
const FREE_REFUSED = ['dimensions.clientAsn', 'dimensions.clientRefererHost', 'dimensions.botScore', 'dimensions.ja4'];

const limits = (notOlderThan: number, maxDuration: number, maxNumberOfFields: number): DatasetLimits => ({
  enabled: true,
  notOlderThan,
  maxDuration,
  maxNumberOfFields,
  maxPageSize: 10_000,
});

export const DATASET_LIMIT_TABLE: readonly DatasetLimitRow[] = [
  { dataset: 'firewallEventsAdaptive', plan: 'free', limits: limits(DAY, DAY, 30), hiddenFields: [], source: FW_SOURCE },
  { dataset: 'firewallEventsAdaptive', plan: 'pro', limits: limits(DAY, DAY, 30), hiddenFields: [], source: FW_SOURCE },
  { dataset: 'firewallEventsAdaptive', plan: 'business', limits: limits(3 * DAY, 3 * DAY, 30), hiddenFields: [], source: FW_SOURCE },
  {
    dataset: 'firewallEventsAdaptive',
    plan: 'enterprise',
    limits: limits(2_678_400, 3 * DAY, 30),
    hiddenFields: [],
    source: `G7: the settings sample's notOlderThan 2678400 (31 d) wins over the plans table's 30 d; ${FW_SAMPLE}`,
  },
  {
    dataset: 'httpRequestsAdaptiveGroups',
    plan: 'free',
    limits: limits(8 * DAY, DAY, 40),
    hiddenFields: FREE_REFUSED,
    source: `${HTTP_FREE_SAMPLE}; G6 field reports: clientIP served, clientAsn/clientRefererHost/botScore/ja4 refused`,
  },
  {
    dataset: 'httpRequestsAdaptiveGroups',
    plan: 'pro',
    limits: limits(8 * DAY, 7 * DAY, 40),
    hiddenFields: [],
    source: 'G5 look-back 8 d seen live on Pro; width 7 d and 40 fields assumed (cloudflare-api.md §2.4; Free sample)',
  },
  {
    dataset: 'httpRequestsAdaptiveGroups',
    plan: 'business',
    limits: limits(31 * DAY, 31 * DAY, 40),
    hiddenFields: [],
    source: 'G7 plans index.json: Security Analytics retention 31 d; width 31 d (cloudflare-api.md §2.4); 40 fields as the Free sample',
  },
  {
    dataset: 'httpRequestsAdaptiveGroups',
    plan: 'enterprise',
    limits: limits(90 * DAY, 31 * DAY, 40),
    hiddenFields: [],
    source: 'G7 plans index.json: Security Analytics retention 90 d; width 31 d (cloudflare-api.md §2.4); 40 fields as the Free sample',
  },
];

function rowFor(dataset: GraphqlDataset, plan: PlanId): DatasetLimitRow {
  const row = DATASET_LIMIT_TABLE.find((r) => r.dataset === dataset && r.plan === plan);
  if (row === undefined) throw new Error(`no GraphQL limits for ${dataset} on ${plan}`);
  return row;
}

export function defaultDatasetLimits(dataset: GraphqlDataset, plan: PlanId): DatasetLimits {
  return { ...rowFor(dataset, plan).limits };
}

/** Fields a plan may NOT select, as dotted paths; whether a zone serves a field is told by `availableFields` (G6). */
export function defaultHiddenFields(dataset: GraphqlDataset, plan: PlanId): string[] {
  return [...rowFor(dataset, plan).hiddenFields];
}

/**
 * Request-level GraphQL figures (G8, cloudflare-docs analytics/graphql-api/limits.mdx). A request costs
 * (zone or account scopes) × (nodes applied to them) against the per-user budget (graphql/cost.ts; the emulator counts
 * `settings` once, the docs do not say), and one request against the same user's REST budget, since the GraphQL limit
 * applies "in addition to the general API limit" (server.ts).
 */
export const GRAPHQL_BUDGET = {
  /** "300 GraphQL queries over 5-minute window" per user. */
  queriesPerWindow: 300,
  /** "A zone-scoped query can include up to 10 zones". */
  maxZonesPerQuery: 10,
} as const;

// ── REST API ──

/** One REST figure and where it comes from. */
export interface LimitRow<T> {
  readonly value: T;
  readonly source: string;
}

type PerPlan = Readonly<Record<PlanId, number>>;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const REST_LIMITS = {
  /** Requests per user per window; once over, every call is refused for one whole window. */
  requests: { value: 1200, source: 'R1 developers.cloudflare.com/fundamentals/api/reference/limits' },
  requestWindowMs: { value: 5 * MINUTE_MS, source: 'R1 developers.cloudflare.com/fundamentals/api/reference/limits' },
  /** The 429 answer (code 971) and the headers on every REST answer. */
  rateLimitedCode: { value: 971, source: 'R1 workers-sdk#10025' },
  /** Lists: item modifications and modifying requests per account per 12 hours (supersedes 10,000 / 5 min). */
  listItemChanges: { value: 1_000_000, source: 'L3 developers.cloudflare.com/waf/tools/lists/lists-api' },
  listModifyingRequests: { value: 30_000, source: 'L3 developers.cloudflare.com/waf/tools/lists/lists-api' },
  listChangeWindowMs: { value: 12 * HOUR_MS, source: 'L3 developers.cloudflare.com/waf/tools/lists/lists-api' },
  /** Items across all custom lists of an account. */
  listItemsPerAccount: {
    value: { free: 10_000, pro: 10_000, business: 10_000, enterprise: 500_000 } satisfies PerPlan,
    source: 'L4 cloudflare-docs src/content/plans/index.json',
  },
  listsPerAccount: { value: { free: 1, pro: 10, business: 10, enterprise: 1000 } satisfies PerPlan, source: 'L4 cloudflare-docs src/content/plans/index.json' },
  /** Shortest prefixes of an `ip` list item (longer ones up to /32 and /64; IPv6 addresses are kept as their /64). */
  listIpv4MinPrefix: { value: 2, source: 'L4 cloudflare-docs waf/tools/lists/lists-api/json-object.mdx' },
  listIpv6MinPrefix: { value: 4, source: 'L4 cloudflare-docs waf/tools/lists/lists-api/json-object.mdx' },
  listIpv6MaxPrefix: { value: 64, source: 'L4 cloudflare-docs waf/tools/lists/lists-api/json-object.mdx' },
  listItemsMaxPerPage: { value: 500, source: 'reference §4 (cloudflare-go rules/listitem.go per_page)' },
  /** IP Access Rules: largest `per_page` is undocumented; public scripts use 1000. */
  accessRulesMaxPerPage: { value: 1000, source: 'A4 field scripts' },
  /** Zone Lockdown rules per plan (Free: the feature is not available). */
  lockdownRules: {
    value: { free: 0, pro: 3, business: 10, enterprise: 200 } satisfies PerPlan,
    source: 'K1 cloudflare-go firewall/lockdown.go; plans index.json',
  },
  lockdownIpsPerRule: { value: 250, source: 'K1 terraform-provider-cloudflare#964' },
  /** Zone Lockdown `per_page`: 1 or a multiple of 5, at most 1000. */
  lockdownMaxPerPage: { value: 1000, source: 'K1 cloudflare-go firewall/lockdown.go' },
} as const satisfies Record<string, LimitRow<unknown>>;
