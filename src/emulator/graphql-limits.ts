import type { PlanId } from './models.js';

/**
 * Every GraphQL Analytics limit and plan figure the emulator enforces, each with its source: a row id of
 * /work/shared/reference/cloudflare-field-reports.md (G…) and the document behind it. REST figures live in
 * rest-limits.ts. Where the evidence gives no figure, the row says "assumed" and why.
 */

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
