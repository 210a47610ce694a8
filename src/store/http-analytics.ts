import type { Db } from './db.js';

/** Requests in one hour from one client IP ('' when the plan gives per-country counts only) and country. */
export interface HttpAnalyticsRecord {
  readonly zoneId: string;
  /** Start of the hour, unix seconds. */
  readonly hour: number;
  readonly clientIp: string;
  readonly clientCountry: string;
  readonly requests: number;
}

export interface UpsertCounts {
  readonly inserted: number;
  /** Groups already held (count overwritten); `changed` of them had a different count. */
  readonly updated: number;
  readonly changed: number;
}

export interface HttpAnalyticsWriter {
  /** Inserts new groups and overwrites the count of groups already held with the newer one; re-pulling is idempotent. */
  upsert(rows: readonly HttpAnalyticsRecord[]): UpsertCounts;
}

export function createHttpAnalyticsWriter(db: Db): HttpAnalyticsWriter {
  const insert = db.prepare('INSERT OR IGNORE INTO http_analytics (zone_id, hour, client_ip, client_country, requests) VALUES (?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE http_analytics SET requests = ? WHERE zone_id = ? AND hour = ? AND client_ip = ? AND client_country = ? AND requests <> ?');
  return {
    upsert(rows) {
      let inserted = 0;
      let changed = 0;
      for (const r of rows) {
        if (insert.run(r.zoneId, r.hour, r.clientIp, r.clientCountry, r.requests).changes === 1) inserted += 1;
        else changed += update.run(r.requests, r.zoneId, r.hour, r.clientIp, r.clientCountry, r.requests).changes;
      }
      return { inserted, updated: rows.length - inserted, changed };
    },
  };
}

/** Held groups for a zone, for comparisons and summaries. */
export function listHttpAnalytics(db: Db, zoneId: string): HttpAnalyticsRecord[] {
  return (
    db
      .prepare('SELECT zone_id, hour, client_ip, client_country, requests FROM http_analytics WHERE zone_id = ? ORDER BY hour, client_ip, client_country')
      .all(zoneId) as {
      zone_id: string;
      hour: number;
      client_ip: string;
      client_country: string;
      requests: number;
    }[]
  ).map((r) => ({ zoneId: r.zone_id, hour: r.hour, clientIp: r.client_ip, clientCountry: r.client_country, requests: r.requests }));
}
