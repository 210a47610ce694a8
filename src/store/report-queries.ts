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
 * everything older. Rows dated in the future (clock skew) count as age 0. One range count per day on the time
 * index (zone first when filtered): only index entries are read, never the rows with their IPs.
 */
export function readAgeHistogram(db: Db, location: LocalLocation['id'], now: Date, days: number, filter: { zoneId?: string } = {}): number[] {
  const { table, time } = TABLES[location];
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const zone = filter.zoneId === undefined ? '' : ' AND zone_id = ?';
  const zoneParams = filter.zoneId === undefined ? [] : [filter.zoneId];
  // Age b (whole days) means now - (b+1)·day < time <= now - b·day.
  const between = db.prepare(`SELECT COUNT(*) AS count FROM ${table} WHERE ${time} > ? AND ${time} <= ?${zone}`).pluck();
  const newer = db.prepare(`SELECT COUNT(*) AS count FROM ${table} WHERE ${time} > ?${zone}`).pluck();
  const older = db.prepare(`SELECT COUNT(*) AS count FROM ${table} WHERE ${time} <= ?${zone}`).pluck();
  const boundary = (b: number) => nowSeconds - b * DAY_SECONDS;
  const counts: number[] = [];
  return db.transaction(() => {
    counts.push(newer.get(boundary(1), ...zoneParams) as number);
    for (let b = 1; b < days; b++) counts.push(between.get(boundary(b + 1), boundary(b), ...zoneParams) as number);
    counts.push(older.get(boundary(days), ...zoneParams) as number);
    return counts;
  })();
}

/** The most frequent request hosts among the stored security events, as received (attacker-controlled text). */
export function readTopHosts(db: Db, limit: number, filter: { zoneId?: string } = {}): { host: string; count: number }[] {
  const where = filter.zoneId === undefined ? '1' : 'zone_id = ?';
  return db
    .prepare(`SELECT host, COUNT(*) AS count FROM firewall_events WHERE ${where} GROUP BY host ORDER BY count DESC, host LIMIT ?`)
    .all(...(filter.zoneId === undefined ? [] : [filter.zoneId]), limit) as { host: string; count: number }[];
}
