import { buildAddressTextFilter, type AddressTextFilter, type Network } from '../../policy/network.js';
import { candidateCondition } from './address-filter.js';
import type { LocalLocation } from '../../policy/retention.js';
import type { ExpiryCounts, HoldPredicate } from '../expiry.js';
import type { HttpAnalyticsRecord } from '../http-analytics.js';
import type { PgTx } from './connection.js';
import { DAY_SECONDS, dayOf, TIME_COLUMNS, type PgDataset } from './partitions.js';
import { LOCATION_DATASETS } from './purge.js';

// The reads of pull and retention (the PostgreSQL twins of firewall-events.ts, http-analytics.ts and expiry.ts).
// Counts come from row_counts where whole days will do, so only the one day a cut-off falls in is scanned; a time
// range on the parent table reads only the partitions it covers.

/** Rows fetched per round when holds are checked row by row. */
const HOLD_CHECK_BATCH = 10_000;

/** How many events are held, for one zone or all (row_counts: no scan). */
export async function countPgFirewallEvents(tx: PgTx, zoneId?: string): Promise<number> {
  return sumRowCounts(tx, 'firewall_events', { zoneId });
}

/** Rows of a location (before and after counts of a purge). */
export async function countPgLocationRows(tx: PgTx, location: LocalLocation['id']): Promise<number> {
  return sumRowCounts(tx, LOCATION_DATASETS[location].dataset, {});
}

/** When the newest held event happened: the newest day with rows, then that day's partition only. */
export async function readPgNewestEventTime(tx: PgTx): Promise<Date | undefined> {
  const { rows } = await tx.query<{ day: string | null }>("SELECT max(day)::text AS day FROM row_counts WHERE dataset = 'firewall_events' AND rows > 0");
  const day = rows[0]?.day;
  return day === null || day === undefined ? undefined : readDayEdge(tx, 'firewall_events', Number(day), 'max', undefined);
}

/** Natural keys of a zone's events (`datetime|rayName|ruleId|source|action`), as listFirewallEventKeys writes them. */
export async function listPgFirewallEventKeys(tx: PgTx, zoneId: string): Promise<string[]> {
  const { rows } = await tx.query<{ k: string }>(
    `SELECT datetime::text || '|' || ray_name || '|' || rule_id || '|' || source || '|' || action AS k
       FROM firewall_events WHERE zone_id = $1 ORDER BY datetime, ray_name COLLATE "C", rule_id COLLATE "C", source COLLATE "C", action COLLATE "C"`,
    [zoneId],
  );
  return rows.map((row) => row.k);
}

/** A zone's request-analytics groups, ordered as SQLite orders them (binary text order, hence COLLATE "C"). */
export async function listPgHttpAnalytics(tx: PgTx, zoneId: string): Promise<HttpAnalyticsRecord[]> {
  const { rows } = await tx.query<{ zone_id: string; hour: string; client_ip: string; client_country: string; requests: string }>(
    `SELECT zone_id, hour::text AS hour, client_ip, client_country, requests::text AS requests FROM http_analytics
      WHERE zone_id = $1 ORDER BY hour, client_ip COLLATE "C", client_country COLLATE "C"`,
    [zoneId],
  );
  return rows.map((r) => ({ zoneId: r.zone_id, hour: Number(r.hour), clientIp: r.client_ip, clientCountry: r.client_country, requests: Number(r.requests) }));
}

/**
 * Counts a location's rows (optionally of one zone) older than the cut-off, split by whether a hold keeps them; the
 * same answer as expiry.ts's countExpired. With no hold: whole days from row_counts and a scan of the one boundary
 * day. With holds: the rows past the cut-off whose address text could be inside a held network (the matcher names
 * its networks; buildAddressTextFilter) go through the predicate (CIDR logic, in JS), read through a cursor in
 * batches so memory stays flat; every other row is past retention and not held, counted by SQL. A predicate that
 * names no networks sees every row past the cut-off.
 */
export async function countPgExpired(tx: PgTx, location: LocalLocation['id'], cutoff: Date, isHeld: HoldPredicate, zoneId?: string): Promise<ExpiryCounts> {
  const { dataset, spanMs } = LOCATION_DATASETS[location];
  const cutoffSeconds = Math.ceil(cutoff.getTime() / 1000);
  if (!isHeld) return countExpiredRows(tx, dataset, cutoffSeconds, zoneId);
  const networks = (isHeld as { networks?: readonly Network[] }).networks;
  return networks === undefined
    ? countHeldRows(tx, dataset, cutoffSeconds, isHeld, spanMs, zoneId)
    : countHeldCandidates(tx, dataset, cutoffSeconds, isHeld, buildAddressTextFilter(networks), spanMs, zoneId);
}

/**
 * All rows past the cut-off (counts and edges, no scan but the boundary day), less the candidates the predicate
 * holds. Only when some are held can the oldest or newest row past retention be a held one: then the edges are
 * searched again among the rows that are not held, day by day from each end.
 */
async function countHeldCandidates(
  tx: PgTx,
  dataset: PgDataset,
  cutoffSeconds: number,
  isHeld: NonNullable<HoldPredicate>,
  filter: AddressTextFilter,
  spanMs: number,
  zoneId: string | undefined,
): Promise<ExpiryCounts> {
  const all = await countExpiredRows(tx, dataset, cutoffSeconds, zoneId);
  if (all.expired === 0) return all;
  const checked = await countHeldRows(tx, dataset, cutoffSeconds, isHeld, spanMs, zoneId, filter);
  if (checked.held === 0) return all;
  const time = TIME_COLUMNS[dataset];
  const days = (await readDayCounts(tx, dataset, { zoneId, beforeDay: dayOf(cutoffSeconds) + 1 })).map((d) => d.day);
  // The edge among the rows no candidate: the first day (from that end) that has one.
  const candidate = candidateCondition(filter, 3);
  const edge = async (fn: 'min' | 'max'): Promise<number | undefined> => {
    for (const day of fn === 'min' ? days : [...days].reverse()) {
      const { rows } = await tx.query<{ t: string | null }>(
        `SELECT ${fn}(${time})::text AS t FROM ${dataset}
          WHERE ${time} >= $1 AND ${time} < $2 AND NOT (${candidate.sql})${zoneId === undefined ? '' : ` AND zone_id = $${candidate.params.length + 3}`}`,
        [day * DAY_SECONDS, Math.min((day + 1) * DAY_SECONDS, cutoffSeconds), ...candidate.params, ...(zoneId === undefined ? [] : [zoneId])],
      );
      if (rows[0]?.t !== null && rows[0]?.t !== undefined) return Number(rows[0].t);
    }
    return undefined;
  };
  const pick = (a: number | undefined, b: Date | undefined, fn: (x: number, y: number) => number) => {
    const values = [a, b && b.getTime() / 1000].filter((v): v is number => v !== undefined);
    return values.length === 0 ? undefined : new Date(values.reduce((x, y) => fn(x, y)) * 1000);
  };
  return {
    expired: all.expired - checked.held,
    held: checked.held,
    oldestExpired: pick(await edge('min'), checked.oldestExpired, Math.min),
    newestExpired: pick(await edge('max'), checked.newestExpired, Math.max),
  };
}

async function countExpiredRows(tx: PgTx, dataset: PgDataset, cutoffSeconds: number, zoneId: string | undefined): Promise<ExpiryCounts> {
  const time = TIME_COLUMNS[dataset];
  const boundaryDay = dayOf(cutoffSeconds);
  const days = await readDayCounts(tx, dataset, { zoneId, beforeDay: boundaryDay });
  const zone = zoneId === undefined ? '' : ' AND zone_id = $3';
  const { rows } = await tx.query<{ n: string; oldest: string | null; newest: string | null }>(
    `SELECT count(*)::text AS n, min(${time})::text AS oldest, max(${time})::text AS newest
       FROM ${dataset} WHERE ${time} >= $1 AND ${time} < $2${zone}`,
    [boundaryDay * DAY_SECONDS, cutoffSeconds, ...(zoneId === undefined ? [] : [zoneId])],
  );
  const boundary = rows[0]!;
  const first = days[0];
  const last = days[days.length - 1];
  const oldest = first ? await readDayEdge(tx, dataset, first.day, 'min', zoneId) : fromSeconds(boundary.oldest);
  const newest = Number(boundary.n) > 0 ? fromSeconds(boundary.newest) : last && (await readDayEdge(tx, dataset, last.day, 'max', zoneId));
  return { expired: days.reduce((sum, d) => sum + d.records, 0) + Number(boundary.n), held: 0, oldestExpired: oldest, newestExpired: newest };
}

async function countHeldRows(
  tx: PgTx,
  dataset: PgDataset,
  cutoffSeconds: number,
  isHeld: NonNullable<HoldPredicate>,
  spanMs: number,
  zoneId: string | undefined,
  onlyCandidates?: AddressTextFilter,
): Promise<ExpiryCounts> {
  const time = TIME_COLUMNS[dataset];
  const params: (string | number)[] = [cutoffSeconds, ...(zoneId === undefined ? [] : [zoneId])];
  const zone = zoneId === undefined ? '' : ' AND zone_id = $2';
  const only = onlyCandidates && candidateCondition(onlyCandidates, params.length + 1);
  const where = only ? ` AND (${only.sql})` : '';
  let expired = 0;
  let held = 0;
  let oldest: number | undefined;
  let newest: number | undefined;
  // A cursor lives in a transaction; every read of the port runs in one (its own, or the caller's).
  await tx.query(
    `DECLARE expiry_check NO SCROLL CURSOR FOR
       SELECT client_ip, client_country, ${time}::text AS at FROM ${dataset} WHERE ${time} < $1${zone}${where}`,
    [...params, ...(only?.params ?? [])],
  );
  try {
    for (;;) {
      const { rows } = await tx.query<{ client_ip: string; client_country: string; at: string }>(`FETCH ${HOLD_CHECK_BATCH} FROM expiry_check`);
      for (const row of rows) {
        const at = Number(row.at);
        if (isHeld({ ip: row.client_ip, country: row.client_country, at: new Date(at * 1000), spanMs })) {
          held += 1;
          continue;
        }
        expired += 1;
        oldest = oldest === undefined ? at : Math.min(oldest, at);
        newest = newest === undefined ? at : Math.max(newest, at);
      }
      if (rows.length < HOLD_CHECK_BATCH) break;
    }
  } finally {
    await tx.query('CLOSE expiry_check');
  }
  return {
    expired,
    held,
    oldestExpired: oldest === undefined ? undefined : new Date(oldest * 1000),
    newestExpired: newest === undefined ? undefined : new Date(newest * 1000),
  };
}

/** Sum of row_counts for a dataset (optionally one zone, optionally days from `fromDay` on). */
export async function sumRowCounts(
  tx: PgTx,
  dataset: PgDataset,
  filter: { zoneId?: string | undefined; fromDay?: number; beforeDay?: number },
): Promise<number> {
  const days = await readDayCounts(tx, dataset, filter);
  return days.reduce((sum, d) => sum + d.records, 0);
}

/** Rows per UTC day with rows (row_counts), oldest first; `beforeDay`/`fromDay` bound the days. */
export async function readDayCounts(
  tx: PgTx,
  dataset: PgDataset,
  filter: { zoneId?: string | undefined; fromDay?: number; beforeDay?: number },
): Promise<{ day: number; records: number }[]> {
  const params: (string | number)[] = [dataset];
  const where = ['dataset = $1'];
  if (filter.zoneId !== undefined) where.push(`zone_id = $${params.push(filter.zoneId)}`);
  if (filter.fromDay !== undefined) where.push(`day >= $${params.push(filter.fromDay)}`);
  if (filter.beforeDay !== undefined) where.push(`day < $${params.push(filter.beforeDay)}`);
  const { rows } = await tx.query<{ day: string; records: string }>(
    `SELECT day::text AS day, sum(rows)::text AS records FROM row_counts WHERE ${where.join(' AND ')}
      GROUP BY row_counts.day HAVING sum(rows) > 0 ORDER BY row_counts.day`,
    params,
  );
  return rows.map((r) => ({ day: Number(r.day), records: Number(r.records) }));
}

/** The oldest or newest time of one UTC day (optionally of one zone): the range reads that day's partition only. */
export async function readDayEdge(tx: PgTx, dataset: PgDataset, day: number, edge: 'min' | 'max', zoneId: string | undefined): Promise<Date | undefined> {
  const time = TIME_COLUMNS[dataset];
  const { rows } = await tx.query<{ t: string | null }>(
    `SELECT ${edge}(${time})::text AS t FROM ${dataset} WHERE ${time} >= $1 AND ${time} < $2${zoneId === undefined ? '' : ' AND zone_id = $3'}`,
    [day * DAY_SECONDS, (day + 1) * DAY_SECONDS, ...(zoneId === undefined ? [] : [zoneId])],
  );
  return fromSeconds(rows[0]?.t ?? null);
}

export function fromSeconds(seconds: string | number | null): Date | undefined {
  return seconds === null ? undefined : new Date(Number(seconds) * 1000);
}
