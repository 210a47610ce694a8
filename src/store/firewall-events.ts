import type { Db } from './db.js';

/** One minimised security event as stored (times in unix seconds). */
export interface FirewallEventRecord {
  readonly zoneId: string;
  readonly datetime: number;
  readonly rayName: string;
  readonly clientIp: string;
  readonly clientCountry: string;
  readonly clientAsn: string;
  readonly action: string;
  readonly source: string;
  readonly ruleId: string;
  readonly host: string;
  readonly sampleInterval: number;
  /** JSON of opted-in extra fields (`fields:` in the config), or null. */
  readonly extra: string | null;
}

export interface InsertCounts {
  readonly inserted: number;
  readonly duplicates: number;
}

export interface FirewallEventWriter {
  /** Inserts rows, skipping any already held (same natural key); call inside a transaction for speed. */
  insert(rows: readonly FirewallEventRecord[]): InsertCounts;
}

export function createFirewallEventWriter(db: Db): FirewallEventWriter {
  // OR IGNORE against the natural-key UNIQUE index: a re-pulled event is counted as a duplicate, never stored twice.
  const statement = db.prepare(
    `INSERT OR IGNORE INTO firewall_events
       (zone_id, datetime, ray_name, client_ip, client_country, client_asn, action, source, rule_id, host, sample_interval, extra)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    insert(rows) {
      let inserted = 0;
      for (const r of rows) {
        inserted += statement.run(
          r.zoneId,
          r.datetime,
          r.rayName,
          r.clientIp,
          r.clientCountry,
          r.clientAsn,
          r.action,
          r.source,
          r.ruleId,
          r.host,
          r.sampleInterval,
          r.extra,
        ).changes;
      }
      return { inserted, duplicates: rows.length - inserted };
    },
  };
}

/** How many events are held, for one zone or all. */
export function countFirewallEvents(db: Db, zoneId?: string): number {
  const row = (
    zoneId === undefined
      ? db.prepare('SELECT COUNT(*) AS n FROM firewall_events').get()
      : db.prepare('SELECT COUNT(*) AS n FROM firewall_events WHERE zone_id = ?').get(zoneId)
  ) as { n: number };
  return row.n;
}

/** When the newest held event happened, if any: a clock earlier than this is wrong. */
export function readNewestEventTime(db: Db): Date | undefined {
  const row = db.prepare('SELECT MAX(datetime) AS newest FROM firewall_events').get() as { newest: number | null };
  return row.newest === null ? undefined : new Date(row.newest * 1000);
}

/** Natural keys of the events held for a zone (`datetime|rayName|ruleId|source|action`), for exact comparisons. */
export function listFirewallEventKeys(db: Db, zoneId: string): string[] {
  return db
    .prepare(`SELECT datetime || '|' || ray_name || '|' || rule_id || '|' || source || '|' || action AS k FROM firewall_events WHERE zone_id = ?`)
    .pluck()
    .all(zoneId) as string[];
}
