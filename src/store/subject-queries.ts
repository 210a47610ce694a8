import type { Db } from './db.js';

export interface SubjectRow {
  readonly id: number;
  readonly zoneId: string;
  readonly at: number;
  readonly ip: string;
  readonly country: string;
  /** Events: 1; request analytics: the hour's request count. */
  readonly weight: number;
}

const TABLES = {
  'local/firewall-events': 'SELECT id, zone_id AS zoneId, datetime AS at, client_ip AS ip, client_country AS country, 1 AS weight FROM firewall_events',
  'local/http-analytics':
    "SELECT id, zone_id AS zoneId, hour AS at, client_ip AS ip, client_country AS country, requests AS weight FROM http_analytics WHERE client_ip <> ''",
} as const;
export type SubjectTable = keyof typeof TABLES;

/**
 * The rows whose client IP falls in the subject's network. Addresses need CIDR logic, so the match runs as a SQL
 * function; it is a full scan, which is fine for an on-demand request (a million rows take about a second).
 */
export function selectSubjectRows(db: Db, location: SubjectTable, matches: (ip: string) => boolean): SubjectRow[] {
  db.function('lux_subject_match', { deterministic: true }, (ip: unknown) => (matches(String(ip)) ? 1 : 0));
  const sql = TABLES[location];
  return db.prepare(`${sql} ${sql.includes('WHERE') ? 'AND' : 'WHERE'} lux_subject_match(client_ip)`).all() as SubjectRow[];
}

/** Deletes rows by id; returns how many went. Ids come from selectSubjectRows in the same run. */
export function deleteRowsById(db: Db, location: SubjectTable, ids: readonly number[]): number {
  const table = location === 'local/firewall-events' ? 'firewall_events' : 'http_analytics';
  const remove = db.prepare(`DELETE FROM ${table} WHERE id = ?`);
  let deleted = 0;
  for (const id of ids) deleted += remove.run(id).changes;
  return deleted;
}
