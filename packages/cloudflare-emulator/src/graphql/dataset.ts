import { getNamedType, isObjectType, type GraphQLObjectType } from 'graphql';
import type { StoredRow } from '../event-store.js';
import type { DatasetLimits } from '../limits.js';
import type { SelectionSetNode } from 'graphql';
import { formatDurationUnits } from './duration-units.js';
import { QueryError } from './errors.js';
import { TIME_FIELDS, secondRange, timeBounds, type Accessor } from './filter.js';
import { collectFields, leafPaths, zeroValue, type ExecutionScope, type SelectedField } from './selection.js';
import { BUCKET_SECONDS, formatDate, formatTime } from './time-format.js';

/** Arguments every adaptive dataset takes: `filter`, `limit`, `orderBy`. */
export interface DatasetArgs {
  filter?: Record<string, unknown>;
  limit?: number;
  orderBy?: string[];
}

export interface DatasetRequest {
  zoneTag: string;
  field: SelectedField;
  args: DatasetArgs;
  scope: ExecutionScope;
  path: string[];
  nowMs: number;
  /** Rows younger than their drawn lag are not served yet (behaviour `ingestionLagMaxMs`). */
  ingestionLagMaxMs: number;
  limits: DatasetLimits;
  /** Dotted paths (`dimensions.clientAsn`) the zone may not select. */
  hiddenFields: ReadonlySet<string>;
  limitWording: 'units' | 'seconds';
}

/**
 * The per-zone plan limits, checked before any data is read, with Cloudflare's messages (field reports G2, G4).
 * A missing lower time bound reaches back without limit, so it fails the retention check.
 */
export function checkDatasetLimits(request: DatasetRequest, rowType: GraphQLObjectType): { fromTs: number; toTs: number } {
  const { limits, args, path, zoneTag } = request;
  if (!limits.enabled) throw new QueryError(`zone '${zoneTag}' does not have access to the path`, 'forbidden', path);
  const limit = args.limit ?? 0;
  if (!Number.isInteger(limit) || limit <= 0 || limit > limits.maxPageSize) {
    throw new QueryError(`limit must be positive number and not greater than ${limits.maxPageSize}`, 'limit', path);
  }
  const fields = leafPaths(request.scope, rowType, request.field.selections);
  if (fields.length > limits.maxNumberOfFields) {
    throw new QueryError(`number of fields can't be more than ${limits.maxNumberOfFields}`, 'limit', path);
  }
  const hidden = fields.find((field) => request.hiddenFields.has(field));
  if (hidden !== undefined) {
    const leaf = hidden.slice(hidden.lastIndexOf('.') + 1).toLowerCase();
    throw new QueryError(`zone '${zoneTag}' does not have access to the field '${leaf}'`, 'forbidden', path);
  }
  const bounds = timeBounds(args.filter);
  const nowSeconds = request.nowMs / 1000;
  const from = bounds.from ?? 0;
  if (from < nowSeconds - limits.notOlderThan) {
    const message =
      request.limitWording === 'units'
        ? `zone "${zoneTag}" cannot request data older than ${formatDurationUnits(limits.notOlderThan * 1000)}, ` +
          `but your query requests data from ${formatDurationUnits((nowSeconds - from) * 1000)} ago`
        : `cannot request data older than ${limits.notOlderThan}s`;
    throw new QueryError(message, 'limit', path);
  }
  const to = bounds.to ?? nowSeconds;
  if (Math.round(to - from) > limits.maxDuration) {
    const message =
      request.limitWording === 'units'
        ? `zone "${zoneTag}" cannot request a time range wider than ${formatDurationUnits(limits.maxDuration * 1000)}, ` +
          `but your query time range spans ${formatDurationUnits((to - from) * 1000)}`
        : `query time range is too large for zone "${zoneTag}". Time range can't be wider than ${limits.maxDuration}s, but it's ${Math.round(to - from)}s`;
    throw new QueryError(message, 'limit', path);
  }
  return secondRange(bounds);
}

/** Reads a stored row's field the way filters and ordering see it (time fields as unix seconds). */
export function makeAccessor<T>(zeros: Readonly<Record<string, unknown>>): Accessor<StoredRow<T>> {
  return (stored, field) => {
    const bucket = BUCKET_SECONDS[field];
    if (bucket !== undefined) return stored.ts - (stored.ts % bucket);
    if (field === 'date') return formatDate(stored.ts);
    const value = (stored.row as Record<string, unknown>)[field];
    return (value ?? zeros[field]) as string | number | undefined;
  };
}

/** Zero values of every field of a row type, for rows that leave a field out. */
export function zerosOf(type: GraphQLObjectType): Record<string, unknown> {
  const zeros: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(type.getFields())) zeros[name] = zeroValue(field.type);
  return zeros;
}

type RowWriter<S> = (source: S, out: Record<string, unknown>) => void;

/**
 * Compiles a selection into a function that builds one response object, so a page of 10,000 rows costs one small
 * loop per row instead of a graphql-js execution. `read` gives a leaf's value for a source, or undefined.
 */
export function compileProjection<S>(
  scope: ExecutionScope,
  type: GraphQLObjectType,
  selections: readonly SelectionSetNode[],
  read: (source: S, path: string) => unknown,
  prefix = '',
): (source: S) => Record<string, unknown> {
  const writers: RowWriter<S>[] = [];
  for (const field of collectFields(scope, type, selections)) {
    const { key, name } = field;
    if (name === '__typename') {
      writers.push((_s, out) => (out[key] = type.name));
      continue;
    }
    const definition = field.definition;
    if (definition === undefined) continue;
    const named = getNamedType(definition.type);
    if (isObjectType(named) && field.selections.length > 0 && !definition.type.toString().startsWith('[')) {
      const nested = compileProjection(scope, named, field.selections, read, `${prefix}${name}.`);
      writers.push((s, out) => (out[key] = nested(s)));
      continue;
    }
    const zero = zeroValue(definition.type);
    const path = prefix + name;
    if (TIME_FIELDS.has(name)) {
      writers.push((s, out) => {
        const ts = read(s, path);
        out[key] = typeof ts === 'number' ? formatTime(ts) : zero;
      });
    } else {
      writers.push((s, out) => (out[key] = read(s, path) ?? zero));
    }
  }
  return (source) => {
    const out: Record<string, unknown> = {};
    for (const write of writers) write(source, out);
    return out;
  };
}

/** Parses `orderBy` values (`datetime_ASC`) into field + direction. */
export function parseOrderBy(values: readonly string[] | undefined): { field: string; descending: boolean }[] {
  return (values ?? []).map((value) => {
    const at = value.lastIndexOf('_');
    return { field: value.slice(0, at), descending: value.slice(at + 1) === 'DESC' };
  });
}
