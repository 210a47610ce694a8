import type { CountryCount } from '../../inventory/inventory.js';
import { quoteIdent, type PgTx } from './connection.js';
import { partitionName, TIME_COLUMNS, type PgDataset } from './partitions.js';

/** What inventory needs of a dataset without a scan: rows per country and per day, and the time span. */
export interface PgDatasetCounts {
  readonly records: number;
  readonly countries: readonly CountryCount[];
  readonly oldest: Date | undefined;
  readonly newest: Date | undefined;
  /** Rows per UTC day (unix day number), oldest first. */
  readonly perDay: readonly { readonly day: number; readonly records: number }[];
}

/**
 * Counts from row_counts (kept by every insert and delete), so ten million rows cost a few hundred small rows;
 * the span reads only the oldest and newest day partitions. Distinct IPs are not here: they cannot be summed from
 * per-day counts and need a scan (readDistinctIps).
 */
export async function readDatasetCounts(tx: PgTx, dataset: PgDataset, filter: { zoneId?: string | undefined } = {}): Promise<PgDatasetCounts> {
  const zone = filter.zoneId === undefined ? '' : ' AND zone_id = $2';
  const params = filter.zoneId === undefined ? [dataset] : [dataset, filter.zoneId];
  const [byCountry, byDay] = [
    await tx.query<{ code: string; count: string }>(
      `SELECT client_country AS code, sum(rows)::text AS count FROM row_counts WHERE dataset = $1${zone} GROUP BY 1 HAVING sum(rows) > 0 ORDER BY 1`,
      params,
    ),
    await tx.query<{ day: string; records: string }>(
      `SELECT day::text AS day, sum(rows)::text AS records FROM row_counts WHERE dataset = $1${zone} GROUP BY row_counts.day HAVING sum(rows) > 0 ORDER BY row_counts.day`,
      params,
    ),
  ];
  const perDay = byDay.rows.map((r) => ({ day: Number(r.day), records: Number(r.records) }));
  const countries = byCountry.rows.map((r) => ({ code: r.code, count: Number(r.count) }));
  const first = perDay[0];
  const last = perDay[perDay.length - 1];
  return {
    records: perDay.reduce((sum, d) => sum + d.records, 0),
    countries,
    oldest: first && (await readEdge(tx, dataset, first.day, 'min', filter.zoneId)),
    newest: last && (await readEdge(tx, dataset, last.day, 'max', filter.zoneId)),
    perDay,
  };
}

/**
 * Distinct client IPs ('' = country-only rows, not counted): a scan, for when the number is asked for. COLLATE "C"
 * compares bytes, as SQLite's BINARY does (so the same count), and sorts far faster than a locale's collation.
 */
export async function readDistinctIps(tx: PgTx, dataset: PgDataset, filter: { zoneId?: string | undefined } = {}): Promise<number> {
  const zone = filter.zoneId === undefined ? '' : ' AND zone_id = $1';
  await tx.query(DISTINCT_SORT_MEMORY);
  const { rows } = await tx.query<{ n: string }>(
    `SELECT count(DISTINCT client_ip COLLATE "C")::text AS n FROM ${dataset} WHERE client_ip <> ''${zone}`,
    filter.zoneId === undefined ? [] : [filter.zoneId],
  );
  return Number(rows[0]!.n);
}

/**
 * For the transaction of a distinct count: its sort of millions of addresses merges far fewer runs from disk with
 * 64 MB than with the server's default 4 MB (and a DBA's larger setting is kept).
 */
export const DISTINCT_SORT_MEMORY = `SELECT set_config('work_mem', '64MB', true) WHERE pg_size_bytes(current_setting('work_mem')) < 64 * 1024 * 1024`;

async function readEdge(tx: PgTx, dataset: PgDataset, day: number, edge: 'min' | 'max', zoneId: string | undefined): Promise<Date | undefined> {
  const time = TIME_COLUMNS[dataset];
  const { rows } = await tx.query<{ t: string | null }>(
    `SELECT ${edge}(${time})::text AS t FROM ${quoteIdent(partitionName(dataset, day))}${zoneId === undefined ? '' : ' WHERE zone_id = $1'}`,
    zoneId === undefined ? [] : [zoneId],
  );
  const t = rows[0]?.t;
  return t === null || t === undefined ? undefined : new Date(Number(t) * 1000);
}
