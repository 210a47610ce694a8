import type { PlanId } from './models.js';

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

const DAY = 86_400;

/**
 * firewallEventsAdaptive: reference §2.4 (inferred from the dashboard's "historical time" per plan and the docs
 * sample `maxDuration 259200 / maxNumberOfFields 30 / maxPageSize 10000`; the exact per-plan values are unpublished).
 * httpRequestsAdaptiveGroups: Security Analytics retention 7/7/31/90 days with query windows 1/7/31/31 days (§2.4).
 */
const DATASET_LIMITS: Record<GraphqlDataset, Record<PlanId, DatasetLimits>> = {
  firewallEventsAdaptive: {
    free: { enabled: true, notOlderThan: DAY, maxDuration: DAY, maxNumberOfFields: 30, maxPageSize: 10_000 },
    pro: { enabled: true, notOlderThan: DAY, maxDuration: DAY, maxNumberOfFields: 30, maxPageSize: 10_000 },
    business: { enabled: true, notOlderThan: 3 * DAY, maxDuration: 3 * DAY, maxNumberOfFields: 30, maxPageSize: 10_000 },
    enterprise: { enabled: true, notOlderThan: 31 * DAY, maxDuration: 3 * DAY, maxNumberOfFields: 30, maxPageSize: 10_000 },
  },
  httpRequestsAdaptiveGroups: {
    free: { enabled: true, notOlderThan: 7 * DAY, maxDuration: DAY, maxNumberOfFields: 30, maxPageSize: 10_000 },
    pro: { enabled: true, notOlderThan: 7 * DAY, maxDuration: 7 * DAY, maxNumberOfFields: 30, maxPageSize: 10_000 },
    business: { enabled: true, notOlderThan: 31 * DAY, maxDuration: 31 * DAY, maxNumberOfFields: 30, maxPageSize: 10_000 },
    enterprise: { enabled: true, notOlderThan: 90 * DAY, maxDuration: 31 * DAY, maxNumberOfFields: 30, maxPageSize: 10_000 },
  },
};

export function defaultDatasetLimits(dataset: GraphqlDataset, plan: PlanId): DatasetLimits {
  return { ...DATASET_LIMITS[dataset][plan] };
}

/**
 * Fields a plan may NOT select, as `availableFields`-style paths. Whether Free zones get `clientIP` in
 * httpRequestsAdaptiveGroups is unconfirmed (reference §10); the emulator assumes not, so clients must cope.
 */
export function defaultHiddenFields(dataset: GraphqlDataset, plan: PlanId): string[] {
  if (dataset === 'httpRequestsAdaptiveGroups' && plan === 'free') return ['dimensions.clientIP'];
  return [];
}

export const PLAN_NAMES: Record<PlanId, string> = {
  free: 'Free Website',
  pro: 'Pro Website',
  business: 'Business Website',
  enterprise: 'Enterprise Website',
};

export const PLAN_PRICES: Record<PlanId, number> = { free: 0, pro: 20, business: 200, enterprise: 5000 };
