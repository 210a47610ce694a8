import type { FirewallEventRecord, InsertCounts } from '../firewall-events.js';
import type { HttpAnalyticsRecord, UpsertCounts } from '../http-analytics.js';
import { quoteIdent, type PgTx } from './connection.js';
import { copyRows } from './copy.js';
import { dayOf, ensureDayPartitions, partitionName } from './partitions.js';

export const FIREWALL_EVENT_COLUMNS = [
  'zone_id',
  'datetime',
  'ray_name',
  'client_ip',
  'client_country',
  'client_asn',
  'action',
  'source',
  'rule_id',
  'host',
  'sample_interval',
  'extra',
] as const;
const HTTP_COLUMNS = ['zone_id', 'hour', 'client_ip', 'client_country', 'requests'] as const;
const HTTP_KEY = 'zone_id, hour, client_ip, client_country';

export function firewallEventValues(r: FirewallEventRecord): (string | number | null)[] {
  return [r.zoneId, r.datetime, r.rayName, r.clientIp, r.clientCountry, r.clientAsn, r.action, r.source, r.ruleId, r.host, r.sampleInterval, r.extra];
}

/**
 * Inserts events, skipping any already held (same natural key), and adds the inserted ones to row_counts; call
 * inside withTransaction. Ingests into the same days queue on a SHARE ROW EXCLUSIVE lock of their partitions (taken
 * in name order, so two hosts never deadlock), which also waits for every earlier insert there to commit. Under it,
 * a page whose zone and time range hold no row yet is COPYed straight in (the common case: pages arrive in time
 * order); one that may overlap goes through a staging table and INSERT … ON CONFLICT DO NOTHING. Either way two
 * hosts pulling the same zone at once never store a row twice or lose one.
 */
export async function insertFirewallEvents(tx: PgTx, schema: string, rows: readonly FirewallEventRecord[]): Promise<InsertCounts> {
  if (rows.length === 0) return { inserted: 0, duplicates: 0 };
  // A page need not wait for its own WAL flush: a crash loses whole pages, never part of one, and the pull state
  // that vouches for them (same transaction) with them, so the next pull fetches them again. The first synchronous
  // commit after (the audit entry, the run's end) flushes every page before it.
  const [from, to] = timeRange(rows, (r) => r.datetime);
  await ensureDayPartitions(tx, schema, 'firewall_events', from, to);
  const days = Array.from({ length: dayOf(to) - dayOf(from) + 1 }, (_, i) => partitionName('firewall_events', dayOf(from) + i));
  await tx.query(`SET LOCAL synchronous_commit = off; LOCK TABLE ${days.map(quoteIdent).join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
  const zones = [...new Set(rows.map((r) => r.zoneId))];
  const held = await tx.query('SELECT 1 FROM firewall_events WHERE zone_id = ANY($1::text[]) AND datetime BETWEEN $2 AND $3 LIMIT 1', [zones, from, to]);
  const inserted = held.rowCount === 0 ? await copyNewEvents(tx, rows) : await insertOverlappingEvents(tx, rows);
  return { inserted, duplicates: rows.length - inserted };
}

/**
 * Nothing of this page is held: COPY it straight in and add it to row_counts. A page that repeats a natural key
 * (Cloudflare sends an event once, so this is rare) fails the COPY on the unique key; it then goes the staging way,
 * which skips repeats, from a savepoint taken before the COPY. Looking for repeats here instead (a key string per
 * row) cost about as much as the rest of the page's overhead over a plain COPY.
 */
async function copyNewEvents(tx: PgTx, rows: readonly FirewallEventRecord[]): Promise<number> {
  await tx.query('SAVEPOINT new_page');
  try {
    // Each row's values are made as the COPY stream asks for them: a page's worth at once is garbage to collect.
    await copyRows(tx, 'firewall_events', FIREWALL_EVENT_COLUMNS, valuesOf(rows));
  } catch (err) {
    if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
    await tx.query('ROLLBACK TO SAVEPOINT new_page');
    return insertOverlappingEvents(tx, rows);
  }
  const cells = countCells(rows);
  await tx.query(
    `WITH page AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) AS page (day, zone_id, client_country, n))
     INSERT INTO row_counts (dataset, day, zone_id, client_country, rows)
     SELECT 'firewall_events', day, zone_id, client_country, n FROM page ORDER BY 2, 3, 4
     ON CONFLICT (dataset, day, zone_id, client_country) DO UPDATE SET rows = row_counts.rows + excluded.rows`,
    [cells.map((c) => c.day), cells.map((c) => c.zoneId), cells.map((c) => c.country), cells.map((c) => c.rows)],
  );
  return rows.length;
}

const UNIQUE_VIOLATION = '23505';

function* valuesOf(rows: readonly FirewallEventRecord[]): Generator<(string | number | null)[]> {
  for (const row of rows) yield firewallEventValues(row);
}

/** Rows per (day, zone, country): nested maps, so no key string is built per row. */
function countCells(rows: readonly FirewallEventRecord[]): { day: number; zoneId: string; country: string; rows: number }[] {
  const byDay = new Map<number, Map<string, Map<string, number>>>();
  for (const r of rows) {
    const day = dayOf(r.datetime);
    const zones = byDay.get(day) ?? byDay.set(day, new Map()).get(day)!;
    const countries = zones.get(r.zoneId) ?? zones.set(r.zoneId, new Map()).get(r.zoneId)!;
    countries.set(r.clientCountry, (countries.get(r.clientCountry) ?? 0) + 1);
  }
  return [...byDay].flatMap(([day, zones]) =>
    [...zones].flatMap(([zoneId, countries]) => [...countries].map(([country, n]) => ({ day, zoneId, country, rows: n }))),
  );
}

/** Part of this page may be held already: stage it, then INSERT … ON CONFLICT DO NOTHING, counting what went in. */
async function insertOverlappingEvents(tx: PgTx, rows: readonly FirewallEventRecord[]): Promise<number> {
  await tx.query(
    `CREATE TEMP TABLE IF NOT EXISTS firewall_events_staging (zone_id text, datetime bigint, ray_name text, client_ip text, client_country text,
       client_asn text, action text, source text, rule_id text, host text, sample_interval integer, extra text) ON COMMIT DELETE ROWS`,
  );
  await copyRows(tx, 'pg_temp.firewall_events_staging', FIREWALL_EVENT_COLUMNS, rows.map(firewallEventValues));
  const columns = FIREWALL_EVENT_COLUMNS.join(', ');
  const { rows: result } = await tx.query<{ inserted: number }>(
    `WITH inserted AS (
       INSERT INTO firewall_events (${columns})
       SELECT ${columns} FROM pg_temp.firewall_events_staging
       ON CONFLICT DO NOTHING
       RETURNING zone_id, datetime, client_country
     ), counted AS (${addCounts('firewall_events', 'inserted', 'datetime')})
     SELECT count(*)::int AS inserted FROM inserted`,
  );
  return result[0]?.inserted ?? 0;
}

/**
 * Inserts new hourly groups and overwrites the count of held ones with the newer figure (re-pulling is idempotent),
 * as the SQLite writer does; within one batch the last row of a group wins.
 */
export async function upsertHttpAnalytics(tx: PgTx, schema: string, rows: readonly HttpAnalyticsRecord[]): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, changed: 0 };
  await ensureDayPartitions(tx, schema, 'http_analytics', ...timeRange(rows, (r) => r.hour));
  await tx.query(
    'CREATE TEMP TABLE IF NOT EXISTS http_analytics_staging (zone_id text, hour bigint, client_ip text, client_country text, requests bigint, ord bigserial) ON COMMIT DELETE ROWS',
  );
  await copyRows(
    tx,
    'pg_temp.http_analytics_staging',
    HTTP_COLUMNS,
    rows.map((r) => [r.zoneId, r.hour, r.clientIp, r.clientCountry, r.requests]),
  );
  const columns = HTTP_COLUMNS.join(', ');
  const latest = `SELECT DISTINCT ON (${HTTP_KEY}) ${columns} FROM pg_temp.http_analytics_staging ORDER BY ${HTTP_KEY}, ord DESC`;
  const { rows: result } = await tx.query<{ inserted: number }>(
    `WITH inserted AS (
       INSERT INTO http_analytics (${columns}) SELECT * FROM (${latest}) AS latest ORDER BY ${HTTP_KEY}
       ON CONFLICT DO NOTHING
       RETURNING zone_id, hour, client_country
     ), counted AS (${addCounts('http_analytics', 'inserted', 'hour')})
     SELECT count(*)::int AS inserted FROM inserted`,
  );
  // The groups held before (or written meanwhile by another host) take the newer count; the ones just inserted match.
  const updated = await tx.query(
    `UPDATE http_analytics AS held SET requests = latest.requests FROM (${latest}) AS latest
      WHERE (held.zone_id, held.hour, held.client_ip, held.client_country) = (latest.zone_id, latest.hour, latest.client_ip, latest.client_country)
        AND held.requests <> latest.requests`,
  );
  const inserted = result[0]?.inserted ?? 0;
  const changed = updated.rowCount ?? 0;
  return { inserted, updated: rows.length - inserted, changed };
}

/** SQL adding the rows of CTE `source` (zone_id, <time>, client_country) to row_counts, in key order. */
export function addCounts(dataset: string, source: string, time: string): string {
  return `INSERT INTO row_counts (dataset, day, zone_id, client_country, rows)
          SELECT '${dataset}', ${time} / 86400, zone_id, client_country, count(*) FROM ${source} GROUP BY 2, 3, 4 ORDER BY 2, 3, 4
          ON CONFLICT (dataset, day, zone_id, client_country) DO UPDATE SET rows = row_counts.rows + excluded.rows`;
}

function timeRange<T>(rows: readonly T[], timeOf: (row: T) => number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const row of rows) {
    const t = timeOf(row);
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return [min, max];
}
