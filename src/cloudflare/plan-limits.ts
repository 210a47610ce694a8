import type { PlanId } from './objects/types.js';

/**
 * What we expect Cloudflare to allow per plan, in one place, each figure with its source (the field-reports rows of
 * `cloudflare-field-reports.md`). The client never acts on these — it reads `settings` and the API's answers at
 * runtime — but `doctor` compares what a live account shows against them, so a wrong figure here is reported.
 */

export type AnalyticsDataset = 'firewallEventsAdaptive' | 'httpRequestsAdaptiveGroups';
export const ANALYTICS_DATASETS: readonly AnalyticsDataset[] = ['firewallEventsAdaptive', 'httpRequestsAdaptiveGroups'];

export interface DatasetWindow {
  /** Seconds back from now a query may reach (`settings.<dataset>.notOlderThan`). */
  readonly notOlderThanSeconds: number;
  /** Widest range one query may span (`settings.<dataset>.maxDuration`). */
  readonly maxDurationSeconds: number;
}

const DAY = 86_400;

/**
 * firewallEventsAdaptive (G7): Security Events history 24 h / 24 h / 3 d / 30 d (plans `index.json`); the docs'
 * settings sample shows `notOlderThan 2678400` (31 d) and `maxDuration 259200` (3 d) for Enterprise.
 * httpRequestsAdaptiveGroups (G5, G7): 8 d seen live on Free and Pro (`1w1d`, 691200 s), Free queries 1 d wide;
 * Business/Enterprise keep 31 / 90 d with 31-d queries and Pro queries 7 d wide (plans table, Security Analytics).
 */
export const EXPECTED_DATASET_WINDOWS: Readonly<Record<AnalyticsDataset, Readonly<Record<PlanId, DatasetWindow>>>> = {
  firewallEventsAdaptive: {
    free: { notOlderThanSeconds: DAY, maxDurationSeconds: DAY },
    pro: { notOlderThanSeconds: DAY, maxDurationSeconds: DAY },
    business: { notOlderThanSeconds: 3 * DAY, maxDurationSeconds: 3 * DAY },
    enterprise: { notOlderThanSeconds: 31 * DAY, maxDurationSeconds: 3 * DAY },
  },
  httpRequestsAdaptiveGroups: {
    free: { notOlderThanSeconds: 8 * DAY, maxDurationSeconds: DAY },
    pro: { notOlderThanSeconds: 8 * DAY, maxDurationSeconds: 7 * DAY },
    business: { notOlderThanSeconds: 31 * DAY, maxDurationSeconds: 31 * DAY },
    enterprise: { notOlderThanSeconds: 90 * DAY, maxDurationSeconds: 31 * DAY },
  },
};

export interface ExpectedFields {
  /** Fields the pull needs that every plan serves. */
  readonly served: readonly string[];
  /** Fields a plan is known to refuse. */
  readonly refusedOn: Readonly<Partial<Record<PlanId, readonly string[]>>>;
  /** Fields recorded for the report without an expectation (nothing public either way). */
  readonly noted: readonly string[];
}

/**
 * G6: a Free zone's `httpRequestsAdaptiveGroups` serves `clientIP`, `clientCountryName`, `datetimeHour` and refuses
 * `clientAsn`. Security events: the natural key (`datetime rayName ruleId source action`) and the address fields.
 */
export const EXPECTED_FIELDS: Readonly<Record<AnalyticsDataset, ExpectedFields>> = {
  firewallEventsAdaptive: {
    served: ['datetime', 'rayName', 'ruleId', 'source', 'action', 'clientIP', 'clientCountryName'],
    refusedOn: {},
    noted: ['clientAsn'],
  },
  httpRequestsAdaptiveGroups: {
    served: ['datetimeHour', 'clientIP', 'clientCountryName'],
    refusedOn: { free: ['clientAsn'] },
    noted: ['clientAsn'],
  },
};

export interface ListCaps {
  /** Items across all custom lists of the account. */
  readonly items: number;
  readonly lists: number;
}

/** L4: items across all custom lists 10,000 (Free/Pro/Business) or 500,000 (Enterprise); lists 1 / 10 / 10 / 1,000. */
export const LIST_CAPS: Readonly<Record<PlanId, ListCaps>> = {
  free: { items: 10_000, lists: 1 },
  pro: { items: 10_000, lists: 10 },
  business: { items: 10_000, lists: 10 },
  enterprise: { items: 500_000, lists: 1_000 },
};

/** K1: Zone Lockdown rules per plan; Free has none. */
export const LOCKDOWN_RULES: Readonly<Record<PlanId, number>> = { free: 0, pro: 3, business: 10, enterprise: 200 };
