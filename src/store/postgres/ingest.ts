import type { FirewallEventRecord, InsertCounts } from '../firewall-events.js';
import type { HttpAnalyticsRecord, UpsertCounts } from '../http-analytics.js';
import type { PgTx } from './connection.js';
import { copyRows } from './copy.js';
import { ensureDayPartitions } from './partitions.js';

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
 * inside withTransaction. The rows are COPYed into a session-local staging table, then moved with INSERT … ON
 * CONFLICT DO NOTHING: a second host inserting the same keys at the same time waits for this transaction and then
 * skips them, so no event is stored twice or lost. Should the two wait on each other (pages cut differently), the
 * server aborts one with a deadlock error and withTransaction runs it again. (Sorting by the natural key first would
 * avoid that, but costs a sort per page; pages arrive in time order anyway.)
 */
export async function insertFirewallEvents(tx: PgTx, schema: string, rows: readonly FirewallEventRecord[]): Promise<InsertCounts> {
  if (rows.length === 0) return { inserted: 0, duplicates: 0 };
  await ensureDayPartitions(tx, schema, 'firewall_events', ...timeRange(rows.map((r) => r.datetime)));
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
  const inserted = result[0]?.inserted ?? 0;
  return { inserted, duplicates: rows.length - inserted };
}

/**
 * Inserts new hourly groups and overwrites the count of held ones with the newer figure (re-pulling is idempotent),
 * as the SQLite writer does; within one batch the last row of a group wins.
 */
export async function upsertHttpAnalytics(tx: PgTx, schema: string, rows: readonly HttpAnalyticsRecord[]): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, changed: 0 };
  await ensureDayPartitions(tx, schema, 'http_analytics', ...timeRange(rows.map((r) => r.hour)));
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

function timeRange(times: readonly number[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const t of times) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return [min, max];
}
