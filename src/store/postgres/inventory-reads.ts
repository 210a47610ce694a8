import type { CountryCount, DatasetSummary } from '../../inventory/inventory.js';
import type { LocalLocation } from '../../policy/retention.js';
import type { EventSlice, EventSpan } from '../inventory-queries.js';
import type { PgTx } from './connection.js';
import { DISTINCT_SORT_MEMORY, readDatasetCounts, readDistinctIps } from './counts.js';
import { DAY_SECONDS, dayOf, TIME_COLUMNS, type PgDataset } from './partitions.js';
import { LOCATION_DATASETS } from './purge.js';
import { readDayCounts, readDayEdge, sumRowCounts } from './queries.js';

// The inventory's reads (the PostgreSQL twins of inventory-queries.ts and report-queries.ts): the same answers for
// the same rows. Counts, countries and spans come from row_counts plus the edge days; distinct IPs, requests and
// the days a window or an age boundary cuts through are scans, of those rows only. Distinct IPs are counted under
// COLLATE "C": byte equality, as SQLite's BINARY, and a sort without the locale's cost.

/** Text sorts as SQLite sorts it (bytes), whatever the database's collation. */
const binary = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Counts, distinct IPs, countries and time span of the security events (optionally one zone). */
export async function readPgFirewallEventsSummary(tx: PgTx, filter: { zoneId?: string | undefined } = {}): Promise<DatasetSummary> {
  const counts = await readDatasetCounts(tx, 'firewall_events', filter);
  return {
    records: counts.records,
    distinctIps: await readDistinctIps(tx, 'firewall_events', filter),
    countries: sortCountries(counts.countries),
    oldest: counts.oldest,
    newest: counts.newest,
  };
}

/** The same for request analytics, plus requests and country-only rows ('' IP): one scan for the three sums. */
export async function readPgHttpAnalyticsSummary(
  tx: PgTx,
  filter: { zoneId?: string | undefined } = {},
): Promise<DatasetSummary & { readonly requests: number; readonly countryOnlyRows: number }> {
  const counts = await readDatasetCounts(tx, 'http_analytics', filter);
  await tx.query(DISTINCT_SORT_MEMORY);
  const { rows } = await tx.query<{ requests: string; country_only: string; distinct_ips: string }>(
    `SELECT coalesce(sum(requests), 0)::text AS requests, count(*) FILTER (WHERE client_ip = '')::text AS country_only,
            count(DISTINCT client_ip COLLATE "C") FILTER (WHERE client_ip <> '')::text AS distinct_ips
       FROM http_analytics${filter.zoneId === undefined ? '' : ' WHERE zone_id = $1'}`,
    filter.zoneId === undefined ? [] : [filter.zoneId],
  );
  const sums = rows[0]!;
  return {
    records: counts.records,
    distinctIps: Number(sums.distinct_ips),
    countries: sortCountries(counts.countries),
    oldest: counts.oldest,
    newest: counts.newest,
    requests: Number(sums.requests),
    countryOnlyRows: Number(sums.country_only),
  };
}

/**
 * Rows still inside each zone's Cloudflare window: all zones together, and each zone's span. A window starts inside
 * one day: that day is scanned from the window's start, the later days come from row_counts. When the windows hold
 * every row in scope, the whole-store summary (readWhole) is the answer and its distinct-IP scan is not repeated.
 */
export async function readPgEventsInWindows(
  tx: PgTx,
  slices: readonly EventSlice[],
  options: { zoneId?: string | undefined; table?: PgDataset; readWhole?: () => Promise<DatasetSummary> } = {},
): Promise<{ summary: DatasetSummary; perZone: ReadonlyMap<string, EventSpan> }> {
  const dataset = options.table ?? 'firewall_events';
  const perZone = new Map<string, EventSpan>(slices.map((slice) => [slice.zoneId, { records: 0, oldest: undefined, newest: undefined }]));
  const countries = new Map<string, number>();
  for (const slice of slices) {
    const span = await readSliceSpan(tx, dataset, slice, countries);
    // A zone named twice (SQLite: OR of both slices) keeps the wider window; the inventory names each zone once.
    if (span.records > 0) perZone.set(slice.zoneId, span);
  }
  const spans = [...perZone.values()];
  const inWindows = spans.reduce((sum, span) => sum + span.records, 0);
  if (options.readWhole && inWindows > 0 && inWindows === (await sumRowCounts(tx, dataset, { zoneId: options.zoneId }))) {
    return { summary: await options.readWhole(), perZone };
  }
  const times = (edge: 'oldest' | 'newest') => spans.flatMap((span) => (span[edge] === undefined ? [] : [span[edge].getTime()]));
  const oldest = times('oldest');
  const newest = times('newest');
  return {
    summary: {
      records: inWindows,
      distinctIps: await readSliceDistinctIps(tx, dataset, slices),
      countries: sortCountries([...countries].map(([code, count]) => ({ code, count }))),
      oldest: oldest.length === 0 ? undefined : new Date(Math.min(...oldest)),
      newest: newest.length === 0 ? undefined : new Date(Math.max(...newest)),
    },
    perZone,
  };
}

/** One zone's rows from `sinceSeconds` on; adds its rows per country to `countries`. */
async function readSliceSpan(tx: PgTx, dataset: PgDataset, slice: EventSlice, countries: Map<string, number>): Promise<EventSpan> {
  const time = TIME_COLUMNS[dataset];
  const firstDay = dayOf(slice.sinceSeconds);
  const { rows: partial } = await tx.query<{ code: string; n: string; oldest: string; newest: string }>(
    `SELECT client_country AS code, count(*)::text AS n, min(${time})::text AS oldest, max(${time})::text AS newest
       FROM ${dataset} WHERE zone_id = $1 AND ${time} >= $2 AND ${time} < $3 GROUP BY client_country`,
    [slice.zoneId, slice.sinceSeconds, (firstDay + 1) * DAY_SECONDS],
  );
  const { rows: whole } = await tx.query<{ code: string; n: string }>(
    `SELECT client_country AS code, sum(rows)::text AS n FROM row_counts WHERE dataset = $1 AND zone_id = $2 AND day > $3
      GROUP BY client_country HAVING sum(rows) > 0`,
    [dataset, slice.zoneId, firstDay],
  );
  for (const row of [...partial, ...whole]) countries.set(row.code, (countries.get(row.code) ?? 0) + Number(row.n));
  const days = await readDayCounts(tx, dataset, { zoneId: slice.zoneId, fromDay: firstDay + 1 });
  const partialRecords = partial.reduce((sum, row) => sum + Number(row.n), 0);
  const first = days[0];
  const last = days[days.length - 1];
  return {
    records: partialRecords + days.reduce((sum, d) => sum + d.records, 0),
    oldest:
      partialRecords > 0
        ? new Date(Math.min(...partial.map((row) => Number(row.oldest))) * 1000)
        : first && (await readDayEdge(tx, dataset, first.day, 'min', slice.zoneId)),
    newest: last
      ? await readDayEdge(tx, dataset, last.day, 'max', slice.zoneId)
      : partialRecords > 0
        ? new Date(Math.max(...partial.map((row) => Number(row.newest))) * 1000)
        : undefined,
  };
}

async function readSliceDistinctIps(tx: PgTx, dataset: PgDataset, slices: readonly EventSlice[]): Promise<number> {
  if (slices.length === 0) return 0;
  const time = TIME_COLUMNS[dataset];
  await tx.query(DISTINCT_SORT_MEMORY);
  const { rows } = await tx.query<{ n: string }>(
    `SELECT count(DISTINCT client_ip COLLATE "C")::text AS n FROM ${dataset}
      WHERE client_ip <> '' AND (${slices.map((_, i) => `(zone_id = $${2 * i + 1} AND ${time} >= $${2 * i + 2})`).join(' OR ')})`,
    slices.flatMap((slice) => [slice.zoneId, slice.sinceSeconds]),
  );
  return Number(rows[0]!.n);
}

/** Zones we have pulled, or learnt the settings of, whether or not they are still configured. */
export async function readPgPulledZoneIds(tx: PgTx): Promise<string[]> {
  const { rows } = await tx.query<{ zone_id: string }>(
    `SELECT zone_id FROM (
       SELECT zone_id FROM pull_state
       UNION SELECT substr(key, length('zone_settings:') + 1) FROM meta WHERE key LIKE 'zone_settings:%'
     ) AS zones ORDER BY zone_id COLLATE "C"`,
  );
  return rows.map((row) => row.zone_id);
}

/**
 * Records per whole day of age at `now` (index 0 = less than a day old, or dated in the future), `days` buckets, then
 * one for everything older; as report-queries.ts's readAgeHistogram. Days wholly in the last bucket come from
 * row_counts; the younger ones are one grouped scan.
 */
export async function readPgAgeHistogram(
  tx: PgTx,
  location: LocalLocation['id'],
  now: Date,
  days: number,
  filter: { zoneId?: string } = {},
): Promise<number[]> {
  const { dataset } = LOCATION_DATASETS[location];
  const time = TIME_COLUMNS[dataset];
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // Every row of a day before the day of the last boundary is at least `days` days old.
  const scanFromDay = dayOf(nowSeconds - days * DAY_SECONDS);
  const counts = new Array<number>(days + 1).fill(0);
  counts[days] = await sumRowCounts(tx, dataset, { zoneId: filter.zoneId, beforeDay: scanFromDay });
  // Integer division truncates toward zero, so a future row (negative age) lands in bucket 0 like a fresh one.
  const { rows } = await tx.query<{ bucket: string; n: string }>(
    `SELECT least(greatest(($1::bigint - ${time}) / ${DAY_SECONDS}, 0), $2::bigint)::text AS bucket, count(*)::text AS n
       FROM ${dataset} WHERE ${time} >= $3${filter.zoneId === undefined ? '' : ' AND zone_id = $4'} GROUP BY 1`,
    [nowSeconds, days, scanFromDay * DAY_SECONDS, ...(filter.zoneId === undefined ? [] : [filter.zoneId])],
  );
  for (const row of rows) counts[Number(row.bucket)] = (counts[Number(row.bucket)] ?? 0) + Number(row.n);
  return counts;
}

/** The most frequent request hosts among the security events, ties by host in byte order (as SQLite). */
export async function readPgTopHosts(tx: PgTx, limit: number, filter: { zoneId?: string } = {}): Promise<{ host: string; count: number }[]> {
  const zone = filter.zoneId === undefined ? '' : 'WHERE zone_id = $2';
  const { rows } = await tx.query<{ host: string; count: string }>(
    `SELECT host, count(*)::text AS count FROM firewall_events ${zone} GROUP BY host ORDER BY count(*) DESC, host COLLATE "C" LIMIT $1`,
    [limit, ...(filter.zoneId === undefined ? [] : [filter.zoneId])],
  );
  return rows.map((row) => ({ host: row.host, count: Number(row.count) }));
}

function sortCountries(countries: readonly CountryCount[]): CountryCount[] {
  return [...countries].sort((a, b) => binary(a.code, b.code));
}
