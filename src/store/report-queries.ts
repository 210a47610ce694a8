import type { LocalLocation } from '../policy/retention.js';
import type { Db } from './db.js';

// Aggregates for the human-readable inventory report; like inventory-queries, each is one SQL pass and no row
// (no IP) reaches JavaScript.

const TABLES: Record<LocalLocation['id'], { table: string; time: string }> = {
  'local/firewall-events': { table: 'firewall_events', time: 'datetime' },
  'local/http-analytics': { table: 'http_analytics', time: 'hour' },
};

const DAY_SECONDS = 86_400;

/**
 * Records per whole day of age at `now` (index 0 = less than a day old), `days` buckets, then one bucket for
 * everything older. Rows dated in the future (clock skew) count as age 0.
 */
export function readAgeHistogram(db: Db, location: LocalLocation['id'], now: Date, days: number, filter: { zoneId?: string } = {}): number[] {
  const { table, time } = TABLES[location];
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const where = filter.zoneId === undefined ? '1' : 'zone_id = ?';
  const rows = db
    .prepare(
      `SELECT MIN(MAX((CAST(? AS INTEGER) - ${time}) / ${DAY_SECONDS}, 0), ?) AS bucket, COUNT(*) AS count
         FROM ${table} WHERE ${where} GROUP BY bucket`,
    )
    .all(nowSeconds, days, ...(filter.zoneId === undefined ? [] : [filter.zoneId])) as { bucket: number; count: number }[];
  const counts = new Array<number>(days + 1).fill(0);
  for (const row of rows) counts[row.bucket] = (counts[row.bucket] ?? 0) + row.count;
  return counts;
}

/** The most frequent request hosts among the stored security events, as received (attacker-controlled text). */
export function readTopHosts(db: Db, limit: number, filter: { zoneId?: string } = {}): { host: string; count: number }[] {
  const where = filter.zoneId === undefined ? '1' : 'zone_id = ?';
  return db
    .prepare(`SELECT host, COUNT(*) AS count FROM firewall_events WHERE ${where} GROUP BY host ORDER BY count DESC, host LIMIT ?`)
    .all(...(filter.zoneId === undefined ? [] : [filter.zoneId]), limit) as { host: string; count: number }[];
}
