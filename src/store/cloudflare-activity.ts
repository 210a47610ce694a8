import type { CloudflareObjectKind, EventGroup, ObjectActivity, ZoneEvidence } from '../policy/cloudflare-purpose.js';
import type { Db } from './db.js';
import { readMeta, writeMeta } from './db.js';

/**
 * Per-Cloudflare-object activity (table `cloudflare_object_activity`, migration "cloudflare object activity"):
 * the newest security event seen for an access rule or list item, kept by the object's Cloudflare id and never
 * with an IP, so the purpose rule still has its evidence after the local events themselves are purged.
 */

/** Meta key: local firewall events dated before this (unix s) have been purged; it only ever moves forward. */
export const EVENTS_PURGED_BEFORE_KEY = 'firewall_events_purged_before';

interface ActivityRow {
  object_id: string;
  kind: CloudflareObjectKind;
  last_seen_at: number | null;
  evidence_from: number;
  folded_to: number;
}

export function readObjectActivity(db: Db): Map<string, ObjectActivity> {
  const rows = db.prepare('SELECT object_id, kind, last_seen_at, evidence_from, folded_to FROM cloudflare_object_activity').all() as ActivityRow[];
  return new Map(
    rows.map((row) => [
      row.object_id,
      {
        objectId: row.object_id,
        kind: row.kind,
        lastSeenAt: row.last_seen_at === null ? undefined : new Date(row.last_seen_at * 1000),
        evidenceFrom: new Date(row.evidence_from * 1000),
        foldedTo: new Date(row.folded_to * 1000),
      },
    ]),
  );
}

/** Upserts the records; call inside the transaction that deletes the events they were folded from. */
export function writeObjectActivity(db: Db, records: Iterable<ObjectActivity>, at: Date): number {
  const upsert = db.prepare(
    `INSERT INTO cloudflare_object_activity (object_id, kind, last_seen_at, evidence_from, folded_to, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (object_id) DO UPDATE SET kind = excluded.kind, last_seen_at = excluded.last_seen_at,
       evidence_from = excluded.evidence_from, folded_to = excluded.folded_to, updated_at = excluded.updated_at`,
  );
  let n = 0;
  for (const record of records) {
    upsert.run(record.objectId, record.kind, toSeconds(record.lastSeenAt), toSeconds(record.evidenceFrom), toSeconds(record.foldedTo), toSeconds(at));
    n++;
  }
  return n;
}

/** Drops the records of objects that no longer exist in Cloudflare (deleted by us or by someone else). */
export function deleteObjectActivity(db: Db, objectIds: Iterable<string>): void {
  const remove = db.prepare('DELETE FROM cloudflare_object_activity WHERE object_id = ?');
  for (const id of objectIds) remove.run(id);
}

export function readActivityIds(db: Db): string[] {
  return (db.prepare('SELECT object_id FROM cloudflare_object_activity').all() as { object_id: string }[]).map((row) => row.object_id);
}

/** Newest event per (zone, client IP, rule id) among the locally held firewall events. */
export function readEventGroups(db: Db): EventGroup[] {
  const rows = db.prepare('SELECT zone_id, client_ip, rule_id, MAX(datetime) AS last_at FROM firewall_events GROUP BY zone_id, client_ip, rule_id').all() as {
    zone_id: string;
    client_ip: string;
    rule_id: string;
    last_at: number;
  }[];
  return rows.map((row) => ({ zoneId: row.zone_id, clientIp: row.client_ip, ruleId: row.rule_id, lastAt: new Date(row.last_at * 1000) }));
}

/**
 * Per pulled zone: the local firewall events are complete from the later of the pull's start and the last local
 * purge's cut-off, up to where the pull has settled (no late event can still arrive before it).
 */
export function readZoneEvidence(db: Db): Map<string, ZoneEvidence> {
  const purgedBefore = Number(readMeta(db, EVENTS_PURGED_BEFORE_KEY) ?? 0);
  const rows = db.prepare("SELECT zone_id, covered_from, settled_to FROM pull_state WHERE dataset = 'firewall_events'").all() as {
    zone_id: string;
    covered_from: number;
    settled_to: number;
  }[];
  return new Map(
    rows.map((row) => [
      row.zone_id,
      { zoneId: row.zone_id, completeFrom: new Date(Math.max(row.covered_from, purgedBefore) * 1000), settledTo: new Date(row.settled_to * 1000) },
    ]),
  );
}

/** What the purpose rule judges Cloudflare objects by: stored activity, the held events' groups, each zone's evidence. */
export interface CloudflareEvidence {
  readonly activity: ReadonlyMap<string, ObjectActivity>;
  readonly eventGroups: readonly EventGroup[];
  readonly zones: ReadonlyMap<string, ZoneEvidence>;
}

export function readCloudflareEvidence(db: Db): CloudflareEvidence {
  return { activity: readObjectActivity(db), eventGroups: readEventGroups(db), zones: readZoneEvidence(db) };
}

/** Records that events before `cutoff` are gone; written in the transaction that deletes them. */
export function recordEventsPurgedBefore(db: Db, cutoff: Date): void {
  const previous = Number(readMeta(db, EVENTS_PURGED_BEFORE_KEY) ?? 0);
  const seconds = Math.ceil(cutoff.getTime() / 1000);
  if (seconds > previous) writeMeta(db, EVENTS_PURGED_BEFORE_KEY, String(seconds));
}

function toSeconds(date: Date): number;
function toSeconds(date: Date | undefined): number | null;
function toSeconds(date: Date | undefined): number | null {
  return date === undefined ? null : Math.floor(date.getTime() / 1000);
}
