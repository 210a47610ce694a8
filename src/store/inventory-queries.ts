import type { CountryCount, DatasetSummary } from '../inventory/inventory.js';
import type { Db } from './db.js';

/** A zone's events from `sinceSeconds` on: the part Cloudflare still keeps. */
export interface EventSlice {
  readonly zoneId: string;
  readonly sinceSeconds: number;
}

export interface EventSpan {
  readonly records: number;
  readonly oldest: Date | undefined;
  readonly newest: Date | undefined;
}

interface Where {
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

const ALL: Where = { sql: '1', params: [] };
const NONE: Where = { sql: '0', params: [] };

function whereZone(zoneId: string | undefined): Where {
  return zoneId === undefined ? ALL : { sql: 'zone_id = ?', params: [zoneId] };
}

function whereSlices(slices: readonly EventSlice[], time = 'datetime'): Where {
  if (slices.length === 0) return NONE;
  return {
    sql: slices.map(() => `(zone_id = ? AND ${time} >= ?)`).join(' OR '),
    params: slices.flatMap((slice) => [slice.zoneId, slice.sinceSeconds]),
  };
}

// Every aggregate is a single SQL pass (COUNT, COUNT(DISTINCT), MIN/MAX, GROUP BY): no row reaches JavaScript.
function summarise(
  db: Db,
  table: 'firewall_events' | 'http_analytics',
  time: string,
  where: Where,
  extraColumns = '',
): DatasetSummary & { extra: Record<string, number> } {
  const { records, distinct_ips, oldest, newest, ...extra } = db
    .prepare(
      `SELECT COUNT(*) AS records,
              COUNT(DISTINCT NULLIF(client_ip, '')) AS distinct_ips,
              MIN(${time}) AS oldest,
              MAX(${time}) AS newest${extraColumns}
         FROM ${table} WHERE ${where.sql}`,
    )
    .get(...where.params) as { records: number; distinct_ips: number; oldest: number | null; newest: number | null } & Record<string, number>;
  const countries = db
    .prepare(`SELECT client_country AS code, COUNT(*) AS count FROM ${table} WHERE ${where.sql} GROUP BY client_country`)
    .all(...where.params) as CountryCount[];
  return { records, distinctIps: distinct_ips, countries, oldest: fromSeconds(oldest), newest: fromSeconds(newest), extra };
}

/** Counts, distinct IPs, countries and time span of the locally held security events (optionally one zone). */
export function readFirewallEventsSummary(db: Db, filter: { zoneId?: string | undefined } = {}): DatasetSummary {
  const { extra: _, ...summary } = summarise(db, 'firewall_events', 'datetime', whereZone(filter.zoneId));
  return summary;
}

/** The same for request analytics: rows, and distinct IPs ignoring country-only rows ('' IP), plus requests. */
export function readHttpAnalyticsSummary(
  db: Db,
  filter: { zoneId?: string | undefined } = {},
): DatasetSummary & { readonly requests: number; readonly countryOnlyRows: number } {
  const columns = `, COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(client_ip = ''), 0) AS country_only`;
  const { extra, ...summary } = summarise(db, 'http_analytics', 'hour', whereZone(filter.zoneId), columns);
  return { ...summary, requests: extra['requests'] ?? 0, countryOnlyRows: extra['country_only'] ?? 0 };
}

/**
 * Security events still inside each zone's Cloudflare window: all zones together, and each zone's span.
 * When the windows hold every event in scope (the usual case once purges keep us inside a long window), the
 * already-computed whole-store summary is the answer, so the expensive distinct-IP pass runs once, not twice.
 */
export function readFirewallEventsInWindows(
  db: Db,
  slices: readonly EventSlice[],
  options: { zoneId?: string | undefined; readWhole?: () => DatasetSummary; table?: 'firewall_events' | 'http_analytics' } = {},
): { summary: DatasetSummary; perZone: ReadonlyMap<string, EventSpan> } {
  const table = options.table ?? 'firewall_events';
  const time = table === 'firewall_events' ? 'datetime' : 'hour';
  const where = whereSlices(slices, time);
  const rows = db
    .prepare(
      `SELECT zone_id, COUNT(*) AS records, MIN(${time}) AS oldest, MAX(${time}) AS newest
         FROM ${table} WHERE ${where.sql} GROUP BY zone_id`,
    )
    .all(...where.params) as { zone_id: string; records: number; oldest: number | null; newest: number | null }[];
  const perZone = new Map<string, EventSpan>(slices.map((slice) => [slice.zoneId, { records: 0, oldest: undefined, newest: undefined }]));
  for (const row of rows) perZone.set(row.zone_id, { records: row.records, oldest: fromSeconds(row.oldest), newest: fromSeconds(row.newest) });
  const inWindows = rows.reduce((sum, row) => sum + row.records, 0);
  if (options.readWhole && inWindows > 0 && inWindows === countRows(db, table, options.zoneId)) {
    return { summary: options.readWhole(), perZone };
  }
  const { extra: _, ...summary } = summarise(db, table, time, where);
  return { summary, perZone };
}

function countRows(db: Db, table: 'firewall_events' | 'http_analytics', zoneId: string | undefined): number {
  const where = whereZone(zoneId);
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where.sql}`).get(...where.params) as { n: number }).n;
}

/** Zones we have pulled, or learnt the settings of, whether or not they are still configured. */
export function readPulledZoneIds(db: Db): string[] {
  const rows = db
    .prepare(
      `SELECT zone_id FROM pull_state
       UNION SELECT substr(key, length('zone_settings:') + 1) FROM meta WHERE key LIKE 'zone_settings:%'
       ORDER BY 1`,
    )
    .all() as { zone_id: string }[];
  return rows.map((row) => row.zone_id);
}

function fromSeconds(seconds: number | null): Date | undefined {
  return seconds === null ? undefined : new Date(seconds * 1000);
}
