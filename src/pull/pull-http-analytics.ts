import { buildHttpGroupsQuery, isFieldAvailable, parseDatasetRows } from '../cloudflare/queries.js';
import { GraphqlQueryError } from '../cloudflare/graphql-response.js';
import { CloudflareApiError } from '../errors.js';
import type { HttpAnalyticsRecord } from '../store/http-analytics.js';
import { lookbackFloor, type DatasetContext } from './dataset-context.js';
import { fieldText, isoSeconds, parseSeconds, type PagerSpec, type Row } from './key-pager.js';
import { planRange } from './plan-range.js';
import { runDatasetWindows } from './run-windows.js';
import { emptyDatasetResult, type DatasetPullResult } from './summary.js';

const NODE = 'httpRequestsAdaptiveGroups';
const HOUR = 3600;
const REQUIRED = ['datetimeHour', 'clientCountryName'];

/**
 * Pulls request counts per hour, client IP and country. Only whole hours are asked for; a group's count can still
 * grow while late samples arrive, so a re-pull (the overlap) overwrites it with the newer count, and an unchanged
 * count stays as it is (idempotent). Where the zone is not served `clientIP` (by `availableFields`, or by a gating
 * error when those do not say), per-country counts are stored with client_ip ''.
 */
export async function pullHttpAnalytics(ctx: DatasetContext): Promise<DatasetPullResult> {
  const result = emptyDatasetResult('http_analytics');
  if (!ctx.settings.enabled) return { ...result, status: 'disabled' };
  // availableFields decides only when it recognisably describes this dataset; otherwise ask and see (G1, G6).
  const isDescribed = ['count', ...REQUIRED].some((field) => isFieldAvailable(ctx.settings, field));
  if (isDescribed) {
    for (const required of REQUIRED) {
      if (!isFieldAvailable(ctx.settings, required)) {
        throw new CloudflareApiError(`${NODE} on zone ${ctx.zoneId} does not offer ${required}`, { method: 'POST', path: '/graphql' });
      }
    }
  }
  const hasClientIp = isDescribed ? isFieldAvailable(ctx.settings, 'clientIP') : await isClientIpServed(ctx);
  const dimensions = hasClientIp ? ['datetimeHour', 'clientIP', 'clientCountryName'] : ['datetimeHour', 'clientCountryName'];
  const state = await ctx.store.readPullState(ctx.zoneId, 'http_analytics');
  const plan = planRange({
    nowSeconds: ctx.nowSeconds(),
    notOlderThan: ctx.settings.notOlderThan,
    maxDuration: ctx.settings.maxDuration,
    marginSeconds: ctx.marginSeconds,
    overlapSeconds: ctx.overlapSeconds,
    retentionSeconds: ctx.retentionSeconds,
    unitSeconds: HOUR,
    sinceSeconds: ctx.sinceSeconds,
    state,
  });
  let requests = isDescribed ? 0 : 1;
  const dimension = (row: Row, field: string): string => {
    const dims = row['dimensions'];
    const value = typeof dims === 'object' && dims !== null ? (dims as Record<string, unknown>)[field] : undefined;
    return fieldText(value);
  };
  const spec: PagerSpec = {
    fetchPage: async (filter, orderBy, limit) => {
      requests += 1;
      const { query, variables } = buildHttpGroupsQuery(ctx.zoneId, dimensions, filter, orderBy, limit);
      return parseDatasetRows(await ctx.client.graphql(query, variables), ctx.zoneId, NODE);
    },
    timeOrderField: 'datetimeHour',
    timeOf: (row) => parseSeconds(dimension(row, 'datetimeHour')),
    timeUnitSeconds: HOUR,
    keys: dimensions.slice(1).map((field) => ({ field, valueOf: (row: Row) => dimension(row, field) })),
    limit: Math.max(1, ctx.settings.maxPageSize),
    floor: () => Math.ceil(lookbackFloor(ctx) / HOUR) * HOUR,
  };
  return runDatasetWindows(
    {
      store: ctx.store,
      zoneId: ctx.zoneId,
      dataset: 'http_analytics',
      plan,
      spec,
      nowSeconds: ctx.nowSeconds,
      onProgress: ctx.onProgress,
      ingest: async (tx, rows, lateBefore) => {
        const cutoff = ctx.nowSeconds() - ctx.retentionSeconds;
        const overlap: HttpAnalyticsRecord[] = [];
        const fresh: HttpAnalyticsRecord[] = [];
        for (const row of rows) {
          const hour = parseSeconds(dimension(row, 'datetimeHour'));
          if (hour < cutoff) continue;
          (hour < lateBefore ? overlap : fresh).push({
            zoneId: ctx.zoneId,
            hour,
            clientIp: hasClientIp ? dimension(row, 'clientIP') : '',
            clientCountry: dimension(row, 'clientCountryName'),
            requests: Number(row['count']) || 0,
          });
        }
        // A group re-read in the overlap is new, or its count grew, only because samples arrived late.
        const late = await tx.upsertHttpAnalytics(overlap);
        const counts = await tx.upsertHttpAnalytics(fresh);
        return {
          inserted: late.inserted + counts.inserted,
          duplicates: late.updated + counts.updated,
          expired: rows.length - overlap.length - fresh.length,
          late: late.inserted + late.changed,
        };
      },
    },
    { ...result, perCountryOnly: !hasClientIp },
    state,
    () => requests,
  );
}

/**
 * Asks for one per-IP group of the last whole hour: served → per-IP counts; refused by field or dataset gating
 * (G4) → per-country counts. If per-country is refused as well, the run itself reports that error.
 */
async function isClientIpServed(ctx: DatasetContext): Promise<boolean> {
  const to = Math.floor(ctx.nowSeconds() / HOUR) * HOUR;
  const filter = [
    { field: 'datetimeHour', op: '_geq', value: isoSeconds(to - HOUR) },
    { field: 'datetimeHour', op: '_lt', value: isoSeconds(to) },
  ] as const;
  const { query, variables } = buildHttpGroupsQuery(ctx.zoneId, ['datetimeHour', 'clientIP', 'clientCountryName'], filter, ['datetimeHour'], 1);
  try {
    parseDatasetRows(await ctx.client.graphql(query, variables), ctx.zoneId, NODE);
    return true;
  } catch (err) {
    if (err instanceof GraphqlQueryError && err.reason === 'gated') return false;
    throw err;
  }
}
