import type { FilterTerm } from '../cloudflare/queries.js';
import { CloudflareApiError } from '../errors.js';

/**
 * Exact paging of a GraphQL dataset without cursors (reference §2.5). Rows are ordered by a time key, then by the
 * remaining natural-key fields. A full page is never trusted past its last key value: everything strictly before
 * that value is closed out, and the next query restarts AT the value (`_geq`), never after it (`_gt` would lose
 * the rest of a busy second). When one value fills a whole page (thousands of events in one second, several rows
 * of one Ray ID) the pager fixes that value and pages the next key inside it, recursively, so the result is exact.
 * Only equality between key values is used here, so the server's own collation decides the order.
 */

export type Row = Record<string, unknown>;

export interface PagerKey {
  /** Name used in `orderBy` (`<field>_ASC`) and in filters (`<field>`, `<field>_geq`, `<field>_gt`). */
  readonly field: string;
  readonly valueOf: (row: Row) => string;
}

export interface PagerSpec {
  /** Fetches rows matching every filter term, ordered ascending by `orderBy`, at most `limit`. */
  readonly fetchPage: (filter: readonly FilterTerm[], orderBy: readonly string[], limit: number) => Promise<Row[]>;
  /** The time dimension rows are ordered by (`datetime`, or `datetimeHour` for hourly groups). */
  readonly timeOrderField: string;
  /** Seconds since the epoch of a row's time key. */
  readonly timeOf: (row: Row) => number;
  /** Resolution of the time key in seconds (1 for `datetime`, 3600 for `datetimeHour`). */
  readonly timeUnitSeconds: number;
  /** The keys after time that make a row unique, in order. */
  readonly keys: readonly PagerKey[];
  readonly limit: number;
  /** The earliest second the dataset may still be asked for, read at each query (the look-back moves on). */
  readonly floor?: () => number;
}

/** What the pager hands on: rows to store; `closedThrough` = every row before this second has been handed on. */
export interface PagerBatch {
  readonly rows: readonly Row[];
  readonly closedThrough?: number;
  /** The look-back window moved past the cursor: [cursor, gapTo) can no longer be pulled. */
  readonly gapTo?: number;
  /** Only when every key field is equal across a full page: the extra copies are duplicates by the natural key. */
  readonly saturated?: boolean;
}

/** Streams every row with time in [from, to), page by page; holds at most one page at a time. */
export async function* pageWindow(spec: PagerSpec, from: number, to: number): AsyncGenerator<PagerBatch> {
  // Exactness needs the order of the key being paged only; `[datetime_ASC, rayName_ASC]` is the reference's
  // recommended order and the dataset's own key order, which the server can read without sorting the window.
  const orderBy = [spec.timeOrderField, ...spec.keys.slice(0, 1).map((k) => k.field)];
  let cursor = from;
  let prefetched: Promise<Row[]> | undefined;
  while (cursor < to) {
    const floor = spec.floor?.();
    if (prefetched === undefined && floor !== undefined && floor > cursor) {
      const gapTo = Math.min(floor, to);
      yield { rows: [], gapTo };
      cursor = gapTo;
      continue;
    }
    const rows = await (prefetched ?? spec.fetchPage(timeRange(cursor, to), orderBy, spec.limit));
    prefetched = undefined;
    if (rows.length < spec.limit) {
      yield { rows, closedThrough: to };
      return;
    }
    const lastTime = spec.timeOf(rows[rows.length - 1]!);
    const cut = firstIndexOfTail(rows, (row) => spec.timeOf(row) === lastTime);
    if (cut > 0) {
      cursor = lastTime;
      // The next query depends only on this page's last second: send it now, so Cloudflare works on it while
      // this batch is being stored. If the consumer stops, the rejection is already handled.
      const nextFloor = spec.floor?.();
      if (nextFloor === undefined || nextFloor <= cursor) {
        prefetched = spec.fetchPage(timeRange(cursor, to), orderBy, spec.limit);
        prefetched.catch(() => undefined);
        // Let the event loop put the request on the wire before the (synchronous) store of this batch starts.
        await new Promise<void>((resume) => setImmediate(resume));
      }
      yield { rows: rows.slice(0, cut), closedThrough: lastTime };
      continue;
    }
    // One time unit fills the page: walk it by the next keys.
    const unitEnd = Math.min(lastTime + spec.timeUnitSeconds, to);
    yield* pageKeys(spec, timeRange(lastTime, unitEnd), 0);
    yield { rows: [], closedThrough: unitEnd };
    cursor = unitEnd;
  }
}

async function* pageKeys(spec: PagerSpec, prefix: readonly FilterTerm[], level: number): AsyncGenerator<PagerBatch> {
  const key = spec.keys[level]!;
  const orderBy = spec.keys.slice(level).map((k) => k.field);
  let lower: { value: string; inclusive: boolean } | undefined;
  for (;;) {
    const filter = lower ? [...prefix, { field: key.field, op: lower.inclusive ? '_geq' : '_gt', value: lower.value } as const] : prefix;
    const rows = await spec.fetchPage(filter, orderBy, spec.limit);
    if (rows.length < spec.limit) {
      yield { rows };
      return;
    }
    const lastValue = key.valueOf(rows[rows.length - 1]!);
    const cut = firstIndexOfTail(rows, (row) => key.valueOf(row) === lastValue);
    if (cut > 0) {
      yield { rows: rows.slice(0, cut) };
      lower = { value: lastValue, inclusive: true };
      continue;
    }
    if (level + 1 < spec.keys.length) {
      yield* pageKeys(spec, [...prefix, { field: key.field, op: '', value: lastValue }], level + 1);
    } else {
      yield { rows, saturated: true };
    }
    lower = { value: lastValue, inclusive: false };
  }
}

function timeRange(from: number, to: number): FilterTerm[] {
  return [
    { field: 'datetime', op: '_geq', value: isoSeconds(from) },
    { field: 'datetime', op: '_lt', value: isoSeconds(to) },
  ];
}

/** Index where the run of rows matching `isTail` at the end of the page begins. */
function firstIndexOfTail(rows: readonly Row[], isTail: (row: Row) => boolean): number {
  let i = rows.length;
  while (i > 0 && isTail(rows[i - 1]!)) i -= 1;
  return i;
}

/** RFC 3339 UTC with one-second resolution, as the API writes `Time`. */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** Unix seconds of an RFC 3339 time. */
/** A row's scalar field as text, '' when absent; anything else (no scalar field holds it) as JSON, not "[object Object]". */
export function fieldText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return value === undefined || value === null ? '' : (JSON.stringify(value) ?? '');
  }
}

export function parseSeconds(value: unknown): number {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new CloudflareApiError(`Cloudflare sent a row with an unreadable time: ${JSON.stringify(value) ?? 'undefined'}`, {
      method: 'POST',
      path: '/graphql',
    });
  }
  return Math.floor(ms / 1000);
}
