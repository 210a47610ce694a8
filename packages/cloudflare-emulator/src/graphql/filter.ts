import { QueryError } from './errors.js';

/**
 * Dataset filters (reference §2.5, docs features/filtering): `field: v` is equality, suffixes `_gt _lt _geq _leq _neq
 * _in _notin _like _notlike`, and `AND: [...]` / `OR: [...]`. Time fields compare as instants (unix seconds).
 */

export type FieldValue = string | number | undefined;
/** Reads a field of a row; time fields must come back as unix seconds. */
export type Accessor<R> = (row: R, field: string) => FieldValue;
export type Predicate<R> = (row: R) => boolean;

export const TIME_FIELDS: ReadonlySet<string> = new Set(['datetime', 'datetimeMinute', 'datetimeFiveMinutes', 'datetimeFifteenMinutes', 'datetimeHour']);
const OPERATORS = new Set(['gt', 'lt', 'geq', 'leq', 'neq', 'in', 'notin', 'like', 'notlike']);

export function splitKey(key: string): { field: string; op: string } {
  const at = key.lastIndexOf('_');
  if (at > 0) {
    const op = key.slice(at + 1);
    if (OPERATORS.has(op)) return { field: key.slice(0, at), op };
  }
  return { field: key, op: 'eq' };
}

/** Unix seconds of a filter's Time value; throws Cloudflare's "error parsing args" class of error. */
export function parseTime(value: unknown, key: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new QueryError(`error parsing args: invalid Time value for ${key}: ${JSON.stringify(value)}`, 'validation');
  return ms / 1000;
}

function normalise(field: string, key: string, value: unknown, sample: FieldValue): string | number {
  if (TIME_FIELDS.has(field)) return parseTime(value, key);
  if (typeof sample === 'number' || typeof value === 'number') return Number(value);
  return String(value);
}

function likeToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${escaped}$`, 's');
}

export function compileFilter<R>(filter: Record<string, unknown> | undefined, access: Accessor<R>, sampleRow?: R): Predicate<R> {
  if (filter === undefined || filter === null) return () => true;
  const checks: Predicate<R>[] = [];
  for (const [key, raw] of Object.entries(filter)) {
    if (raw === undefined || raw === null) continue;
    if (key === 'AND' || key === 'OR') {
      const parts = (raw as Record<string, unknown>[]).map((part) => compileFilter(part, access, sampleRow));
      checks.push(key === 'AND' ? (row) => parts.every((p) => p(row)) : (row) => parts.length === 0 || parts.some((p) => p(row)));
      continue;
    }
    const { field, op } = splitKey(key);
    const sample = sampleRow === undefined ? undefined : access(sampleRow, field);
    if (op === 'in' || op === 'notin') {
      const set = new Set((raw as unknown[]).map((v) => normalise(field, key, v, sample)));
      const isIn = op === 'in';
      checks.push((row) => set.has(access(row, field) as string | number) === isIn);
      continue;
    }
    if (op === 'like' || op === 'notlike') {
      const re = likeToRegExp(typeof raw === 'string' ? raw : JSON.stringify(raw));
      const isLike = op === 'like';
      checks.push((row) => re.test(String(access(row, field) ?? '')) === isLike);
      continue;
    }
    const value = normalise(field, key, raw, sample);
    switch (op) {
      case 'eq':
        checks.push((row) => access(row, field) === value);
        break;
      case 'neq':
        checks.push((row) => access(row, field) !== value);
        break;
      case 'gt':
        checks.push((row) => (access(row, field) as string | number) > value);
        break;
      case 'geq':
        checks.push((row) => (access(row, field) as string | number) >= value);
        break;
      case 'lt':
        checks.push((row) => (access(row, field) as string | number) < value);
        break;
      case 'leq':
        checks.push((row) => (access(row, field) as string | number) <= value);
        break;
      default:
        throw new QueryError(`error parsing args: unsupported filter ${key}`, 'validation');
    }
  }
  if (checks.length === 1) return checks[0] as Predicate<R>;
  return (row) => {
    for (const check of checks) if (!check(row)) return false;
    return true;
  };
}

/** The `datetime` range a filter allows, in unix seconds (fractions kept); undefined ends are open. */
export interface TimeBounds {
  from?: number;
  to?: number;
  /** Whether the ends are exclusive (`_gt` / `_lt`). */
  fromExclusive?: boolean;
  toExclusive?: boolean;
}

/** Fields that bound a query's time range, with their bucket width in seconds. */
const BOUND_WIDTH_SECONDS: Readonly<Record<string, number>> = {
  datetime: 1,
  datetimeMinute: 60,
  datetimeFiveMinutes: 300,
  datetimeFifteenMinutes: 900,
  datetimeHour: 3600,
  date: 86_400,
};

export function timeBounds(filter: Record<string, unknown> | undefined): TimeBounds {
  if (filter === undefined || filter === null) return {};
  let bounds: TimeBounds = {};
  const tighten = (other: TimeBounds): void => {
    if (other.from !== undefined && (bounds.from === undefined || other.from > bounds.from)) {
      bounds = { ...bounds, from: other.from, fromExclusive: other.fromExclusive ?? false };
    }
    if (other.to !== undefined && (bounds.to === undefined || other.to < bounds.to)) {
      bounds = { ...bounds, to: other.to, toExclusive: other.toExclusive ?? false };
    }
  };
  for (const [key, raw] of Object.entries(filter)) {
    if (raw === undefined || raw === null) continue;
    if (key === 'AND') (raw as Record<string, unknown>[]).forEach((part) => tighten(timeBounds(part)));
    if (key === 'OR') {
      const parts = (raw as Record<string, unknown>[]).map((part) => timeBounds(part));
      if (parts.length > 0 && parts.every((p) => p.from !== undefined)) {
        tighten({ from: Math.min(...parts.map((p) => p.from as number)) });
      }
      if (parts.length > 0 && parts.every((p) => p.to !== undefined)) tighten({ to: Math.max(...parts.map((p) => p.to as number)) });
    }
    const { field, op } = splitKey(key);
    const width = BOUND_WIDTH_SECONDS[field];
    if (width === undefined) continue;
    const at = (value: unknown): number => (field === 'date' ? parseTime(`${String(value)}T00:00:00Z`, key) : parseTime(value, key));
    if (width === 1) {
      if (op === 'eq') tighten({ from: at(raw), to: at(raw) });
      if (op === 'geq') tighten({ from: at(raw) });
      if (op === 'gt') tighten({ from: at(raw), fromExclusive: true });
      if (op === 'leq') tighten({ to: at(raw) });
      if (op === 'lt') tighten({ to: at(raw), toExclusive: true });
    } else {
      // A bucket field (datetimeHour, date, …) bounds the row time too: bucket >= X iff time >= X rounded up to
      // the bucket; bucket <= X iff time < X rounded down + width.
      const down = (value: unknown): number => Math.floor(at(value) / width) * width;
      const up = (value: unknown): number => Math.ceil(at(value) / width) * width;
      if (op === 'eq') tighten({ from: up(raw), to: up(raw) + width - 1 });
      if (op === 'geq') tighten({ from: up(raw) });
      if (op === 'gt') tighten({ from: down(raw) + width });
      if (op === 'leq') tighten({ to: down(raw) + width - 1 });
      if (op === 'lt') tighten({ to: up(raw), toExclusive: true });
    }
    if (op === 'in' && Array.isArray(raw) && raw.length > 0) {
      const times = raw.map(at);
      tighten({ from: Math.min(...times), to: Math.max(...times) + width - 1 });
    }
  }
  return bounds;
}

/** Whole-second index range [fromTs, toTs] covering the bounds (rows have one-second resolution). */
export function secondRange(bounds: TimeBounds): { fromTs: number; toTs: number } {
  const fromTs = bounds.from === undefined ? Number.NEGATIVE_INFINITY : bounds.fromExclusive ? Math.floor(bounds.from) + 1 : Math.ceil(bounds.from);
  const toTs = bounds.to === undefined ? Number.POSITIVE_INFINITY : bounds.toExclusive ? Math.ceil(bounds.to) - 1 : Math.floor(bounds.to);
  return { fromTs, toTs };
}
