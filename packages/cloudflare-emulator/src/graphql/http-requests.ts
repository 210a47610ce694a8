import type { GraphQLObjectType } from 'graphql';
import { buildVisibility, type StoredRow } from '../event-store.js';
import type { HttpRequestSample } from '../models.js';
import type { ZoneState } from '../state.js';
import { checkDatasetLimits, compileProjection, makeAccessor, parseOrderBy, zerosOf, type DatasetRequest } from './dataset.js';
import { compileFilter } from './filter.js';
import { loadCloudflareSchema } from './schema.js';
import { leafPaths } from './selection.js';

type Row = StoredRow<HttpRequestSample>;

interface Group {
  first: Row;
  count: number;
  edgeResponseBytes: number;
  visits: number;
}

let types: { groupType: GraphQLObjectType; zeros: Record<string, unknown> } | undefined;

function typeInfo(): { groupType: GraphQLObjectType; zeros: Record<string, unknown> } {
  if (types === undefined) {
    const schema = loadCloudflareSchema();
    types = {
      groupType: schema.getType('ZoneHttpRequestsAdaptiveGroups') as GraphQLObjectType,
      zeros: zerosOf(schema.getType('ZoneHttpRequestsAdaptiveGroupsDimensions') as GraphQLObjectType),
    };
  }
  return types;
}

/**
 * `zone.httpRequestsAdaptiveGroups(filter, limit, orderBy)`: the stored samples that match the filter, grouped by the
 * selected `dimensions`, with `count` and `sum { edgeResponseBytes visits }` summed over the samples ingested so far. Groups without an explicit order
 * come in time order; the selected dimensions (ascending) break ties.
 */
export function queryHttpRequestGroups(zone: ZoneState, request: DatasetRequest): Record<string, unknown>[] {
  const { groupType, zeros } = typeInfo();
  const { fromTs, toTs } = checkDatasetLimits(request, groupType);
  const access = makeAccessor<HttpRequestSample>(zeros);
  const dimensions = leafPaths(request.scope, groupType, request.field.selections)
    .filter((path) => path.startsWith('dimensions.'))
    .map((path) => path.slice('dimensions.'.length));
  const { rows, start, end } = zone.httpRequests.window(fromTs, toTs);
  const matches = compileFilter<Row>(request.args.filter, access, rows[start]);
  const isVisible = buildVisibility(request.nowMs, request.ingestionLagMaxMs);

  const groups = new Map<string, Group>();
  for (let i = start; i < end; i++) {
    const row = rows[i] as Row;
    if (!isVisible(row) || !matches(row)) continue;
    const key = dimensions.map((d) => String(access(row, d))).join('\u0000');
    let group = groups.get(key);
    if (group === undefined) {
      group = { first: row, count: 0, edgeResponseBytes: 0, visits: 0 };
      groups.set(key, group);
    }
    group.count += row.row.count ?? 1;
    group.edgeResponseBytes += row.row.edgeResponseBytes ?? 0;
    group.visits += row.row.visits ?? 0;
  }

  const valueOf = (group: Group, field: string): string | number => {
    if (field === 'count') return group.count;
    if (field === 'sum_edgeResponseBytes') return group.edgeResponseBytes;
    if (field === 'sum_visits') return group.visits;
    if (field.startsWith('avg_') || field.startsWith('sum_')) return field === 'avg_sampleInterval' ? 1 : 0;
    return access(group.first, field) as string | number;
  };
  const order = [...parseOrderBy(request.args.orderBy), ...dimensions.map((field) => ({ field, descending: false }))];
  const sorted = [...groups.values()];
  if (request.args.orderBy !== undefined && request.args.orderBy.length > 0) {
    sorted.sort((a, b) => {
      for (const { field, descending } of order) {
        const va = valueOf(a, field);
        const vb = valueOf(b, field);
        if (va !== vb) return (va < vb ? -1 : 1) * (descending ? -1 : 1);
      }
      return 0;
    });
  }
  const project = compileProjection<Group>(request.scope, groupType, request.field.selections, (group, path) => {
    if (path === 'count') return group.count;
    if (path.startsWith('dimensions.')) return access(group.first, path.slice('dimensions.'.length));
    if (path === 'sum.edgeResponseBytes') return group.edgeResponseBytes;
    if (path === 'sum.visits') return group.visits;
    if (path === 'avg.sampleInterval') return 1;
    return undefined;
  });
  return sorted.slice(0, request.args.limit ?? 0).map(project);
}
