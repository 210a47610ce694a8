import { buildFirewallEventsQuery, parseDatasetRows } from '../cloudflare/queries.js';
import { CloudflareApiError } from '../errors.js';
import type { FirewallEventRecord } from '../store/firewall-events.js';
import { lookbackFloor, type DatasetContext } from './dataset-context.js';
import { selectFirewallFields, toFirewallRecord } from './firewall-fields.js';
import { fieldText, parseSeconds, type PagerSpec, type Row } from './key-pager.js';
import { planRange } from './plan-range.js';
import { runDatasetWindows } from './run-windows.js';
import { emptyDatasetResult, type DatasetPullResult } from './summary.js';

const NODE = 'firewallEventsAdaptive';

/** Pulls a zone's security events into `firewall_events`, exactly once each, from where the last pull ended less the overlap. */
export async function pullFirewallEvents(ctx: DatasetContext, extraFields: readonly string[]): Promise<DatasetPullResult> {
  const result = emptyDatasetResult('firewall_events');
  if (!ctx.settings.enabled) return { ...result, status: 'disabled' };
  const selection = selectFirewallFields(ctx.settings, extraFields);
  if (selection.missingRequired.length > 0) {
    throw new CloudflareApiError(`${NODE} on zone ${ctx.zoneId} does not offer ${selection.missingRequired.join(', ')}`, { method: 'POST', path: '/graphql' });
  }
  const state = await ctx.store.readPullState(ctx.zoneId, 'firewall_events');
  const plan = planRange({
    nowSeconds: ctx.nowSeconds(),
    notOlderThan: ctx.settings.notOlderThan,
    maxDuration: ctx.settings.maxDuration,
    marginSeconds: ctx.marginSeconds,
    overlapSeconds: ctx.overlapSeconds,
    retentionSeconds: ctx.retentionSeconds,
    unitSeconds: 1,
    sinceSeconds: ctx.sinceSeconds,
    state,
  });
  let requests = 0;
  const spec: PagerSpec = {
    fetchPage: async (filter, orderBy, limit) => {
      requests += 1;
      const { query, variables } = buildFirewallEventsQuery(ctx.zoneId, selection.fields, filter, orderBy, limit);
      return parseDatasetRows(await ctx.client.graphql(query, variables), ctx.zoneId, NODE);
    },
    timeOrderField: 'datetime',
    timeOf: (row) => parseSeconds(row['datetime']),
    timeUnitSeconds: 1,
    keys: selection.keyFields.map((field) => ({ field, valueOf: (row: Row) => fieldText(row[field]) })),
    limit: Math.max(1, ctx.settings.maxPageSize),
    floor: () => lookbackFloor(ctx),
  };
  return runDatasetWindows(
    {
      store: ctx.store,
      zoneId: ctx.zoneId,
      dataset: 'firewall_events',
      plan,
      spec,
      nowSeconds: ctx.nowSeconds,
      onProgress: ctx.onProgress,
      ingest: async (tx, rows, lateBefore) => {
        // Retention is counted from the event time: anything already past it is not ingested at all.
        const cutoff = ctx.nowSeconds() - ctx.retentionSeconds;
        const overlap: FirewallEventRecord[] = [];
        const fresh: FirewallEventRecord[] = [];
        for (const row of rows) {
          const record = toFirewallRecord(ctx.zoneId, row, selection.extraFields);
          if (record.datetime >= cutoff) (record.datetime < lateBefore ? overlap : fresh).push(record);
        }
        // The natural key de-duplicates the re-read overlap: what it inserts there was not served before.
        const late = await tx.insertFirewallEvents(overlap);
        const counts = await tx.insertFirewallEvents(fresh);
        return {
          inserted: late.inserted + counts.inserted,
          duplicates: late.duplicates + counts.duplicates,
          expired: rows.length - overlap.length - fresh.length,
          late: late.inserted,
        };
      },
    },
    { ...result, unavailableFields: selection.unavailable },
    state,
    () => requests,
  );
}
