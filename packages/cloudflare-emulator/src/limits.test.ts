import { describe, expect, it } from 'vitest';
import { DATASET_LIMIT_TABLE, GRAPHQL_DATASETS, defaultDatasetLimits, defaultHiddenFields } from './limits.js';
import type { PlanId } from './models.js';

const PLANS: readonly PlanId[] = ['free', 'pro', 'business', 'enterprise'];
const DAY = 86_400;

describe('GraphQL limits table', () => {
  it('has exactly one row per dataset and plan, each naming its source', () => {
    for (const dataset of GRAPHQL_DATASETS) {
      for (const plan of PLANS) {
        const rows = DATASET_LIMIT_TABLE.filter((r) => r.dataset === dataset && r.plan === plan);
        expect(rows, `${dataset}/${plan}`).toHaveLength(1);
        expect(rows[0]!.source).toMatch(/G\d+/);
      }
    }
    expect(DATASET_LIMIT_TABLE).toHaveLength(GRAPHQL_DATASETS.length * PLANS.length);
  });

  it('holds the field-report figures (G5, G6, G7)', () => {
    expect(defaultDatasetLimits('httpRequestsAdaptiveGroups', 'free')).toEqual({
      enabled: true,
      maxDuration: DAY,
      notOlderThan: 8 * DAY,
      maxNumberOfFields: 40,
      maxPageSize: 10_000,
    });
    expect(defaultDatasetLimits('httpRequestsAdaptiveGroups', 'pro').notOlderThan).toBe(8 * DAY);
    expect(PLANS.map((p) => defaultDatasetLimits('httpRequestsAdaptiveGroups', p).notOlderThan)).toEqual([8 * DAY, 8 * DAY, 31 * DAY, 90 * DAY]);
    expect(PLANS.map((p) => defaultDatasetLimits('firewallEventsAdaptive', p).notOlderThan)).toEqual([DAY, DAY, 3 * DAY, 2_678_400]);
    expect(defaultHiddenFields('httpRequestsAdaptiveGroups', 'free')).toEqual([
      'dimensions.clientAsn',
      'dimensions.clientRefererHost',
      'dimensions.botScore',
      'dimensions.ja4',
    ]);
    expect(defaultHiddenFields('httpRequestsAdaptiveGroups', 'free')).not.toContain('dimensions.clientIP');
  });

  it('hands out copies, so a zone override never changes the table', () => {
    defaultDatasetLimits('firewallEventsAdaptive', 'free').maxPageSize = 1;
    defaultHiddenFields('httpRequestsAdaptiveGroups', 'free').push('dimensions.clientIP');
    expect(defaultDatasetLimits('firewallEventsAdaptive', 'free').maxPageSize).toBe(10_000);
    expect(defaultHiddenFields('httpRequestsAdaptiveGroups', 'free')).toHaveLength(4);
  });
});
