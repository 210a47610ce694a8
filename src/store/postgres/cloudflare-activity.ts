import type { CloudflareObjectKind, EventGroup, ObjectActivity, ZoneEvidence } from '../../policy/cloudflare-purpose.js';
import { EVENTS_PURGED_BEFORE_KEY, type CloudflareEvidence } from '../cloudflare-activity.js';
import type { PgTx } from './connection.js';
import { readMeta } from './meta.js';

/** The evidence the purpose rule judges Cloudflare objects by; as readCloudflareEvidence in ../cloudflare-activity.ts. */
export async function readPgCloudflareEvidence(tx: PgTx): Promise<CloudflareEvidence> {
  return { activity: await readObjectActivity(tx), eventGroups: await readEventGroups(tx), zones: await readZoneEvidence(tx) };
}

async function readObjectActivity(tx: PgTx): Promise<Map<string, ObjectActivity>> {
  const { rows } = await tx.query<{ object_id: string; kind: CloudflareObjectKind; last_seen_at: string | null; evidence_from: string; folded_to: string }>(
    'SELECT object_id, kind, last_seen_at::text, evidence_from::text, folded_to::text FROM cloudflare_object_activity',
  );
  return new Map(
    rows.map((row) => [
      row.object_id,
      {
        objectId: row.object_id,
        kind: row.kind,
        lastSeenAt: row.last_seen_at === null ? undefined : new Date(Number(row.last_seen_at) * 1000),
        evidenceFrom: new Date(Number(row.evidence_from) * 1000),
        foldedTo: new Date(Number(row.folded_to) * 1000),
      },
    ]),
  );
}

/** Newest event per (zone, client IP, rule id) among the held firewall events. */
async function readEventGroups(tx: PgTx): Promise<EventGroup[]> {
  const { rows } = await tx.query<{ zone_id: string; client_ip: string; rule_id: string; last_at: string }>(
    'SELECT zone_id, client_ip, rule_id, max(datetime)::text AS last_at FROM firewall_events GROUP BY zone_id, client_ip, rule_id',
  );
  return rows.map((row) => ({ zoneId: row.zone_id, clientIp: row.client_ip, ruleId: row.rule_id, lastAt: new Date(Number(row.last_at) * 1000) }));
}

async function readZoneEvidence(tx: PgTx): Promise<Map<string, ZoneEvidence>> {
  const purgedBefore = Number((await readMeta(tx, EVENTS_PURGED_BEFORE_KEY)) ?? 0);
  const { rows } = await tx.query<{ zone_id: string; covered_from: string; settled_to: string }>(
    "SELECT zone_id, covered_from::text, settled_to::text FROM pull_state WHERE dataset = 'firewall_events'",
  );
  return new Map(
    rows.map((row) => [
      row.zone_id,
      {
        zoneId: row.zone_id,
        completeFrom: new Date(Math.max(Number(row.covered_from), purgedBefore) * 1000),
        settledTo: new Date(Number(row.settled_to) * 1000),
      },
    ]),
  );
}
