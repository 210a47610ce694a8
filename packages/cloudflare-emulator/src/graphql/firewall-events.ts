import type { GraphQLObjectType } from 'graphql';
import { buildVisibility, type StoredRow } from '../event-store.js';
import type { FirewallEvent } from '../models.js';
import type { ZoneState } from '../state.js';
import { checkDatasetLimits, compileProjection, makeAccessor, parseOrderBy, zerosOf, type DatasetRequest } from './dataset.js';
import { compileFilter } from './filter.js';
import { loadCloudflareSchema } from './schema.js';

type Row = StoredRow<FirewallEvent>;

let rowType: GraphQLObjectType | undefined;
let zeros: Record<string, unknown> | undefined;

function typeInfo(): { rowType: GraphQLObjectType; zeros: Record<string, unknown> } {
  if (rowType === undefined || zeros === undefined) {
    rowType = loadCloudflareSchema().getType('ZoneFirewallEventsAdaptive') as GraphQLObjectType;
    zeros = zerosOf(rowType);
  }
  return { rowType, zeros };
}

/**
 * `zone.firewallEventsAdaptive(filter, limit, orderBy)`. The store keeps events in (datetime, rayName, insertion)
 * order, which is the dataset's primary key here; any requested order gets that key appended as the tie-break, so
 * pages are stable. `[datetime_ASC, rayName_ASC]` (and its DESC mirror) read straight from the store. Rows not yet
 * ingested (their drawn lag has not passed) are left out.
 */
export function queryFirewallEvents(zone: ZoneState, request: DatasetRequest): Record<string, unknown>[] {
  const info = typeInfo();
  const { fromTs, toTs } = checkDatasetLimits(request, info.rowType);
  const access = makeAccessor<FirewallEvent>(info.zeros);
  const { rows, start, end } = zone.firewallEvents.window(fromTs, toTs);
  const matchesFilter = compileFilter<Row>(request.args.filter, access, rows[start]);
  const isVisible = buildVisibility(request.nowMs, request.ingestionLagMaxMs);
  const matches = (row: Row): boolean => isVisible(row) && matchesFilter(row);
  const project = compileProjection<Row>(request.scope, info.rowType, request.field.selections, access);
  const limit = request.args.limit ?? 0;
  const order = parseOrderBy(request.args.orderBy);
  const out: Record<string, unknown>[] = [];

  const storeOrder = order.length === 0 || isStoreOrder(order);
  if (storeOrder) {
    const descending = order[0]?.descending === true;
    if (descending) {
      for (let i = end - 1; i >= start && out.length < limit; i--) {
        const row = rows[i] as Row;
        if (matches(row)) out.push(project(row));
      }
    } else {
      for (let i = start; i < end && out.length < limit; i++) {
        const row = rows[i] as Row;
        if (matches(row)) out.push(project(row));
      }
    }
    return out;
  }

  const selected: Row[] = [];
  for (let i = start; i < end; i++) {
    const row = rows[i] as Row;
    if (matches(row)) selected.push(row);
  }
  selected.sort((a, b) => {
    for (const { field, descending } of order) {
      const va = access(a, field) as string | number;
      const vb = access(b, field) as string | number;
      if (va !== vb) return (va < vb ? -1 : 1) * (descending ? -1 : 1);
    }
    // Primary key tie-break: the store order (datetime, rayName, insertion).
    return a.ts - b.ts || (a.row.rayName < b.row.rayName ? -1 : a.row.rayName > b.row.rayName ? 1 : a.seq - b.seq);
  });
  return selected.slice(0, limit).map(project);
}

function isStoreOrder(order: { field: string; descending: boolean }[]): boolean {
  const keys = ['datetime', 'rayName'];
  const descending = order[0]?.descending;
  return order.length <= 2 && order.every((entry, index) => entry.field === keys[index] && entry.descending === descending);
}
