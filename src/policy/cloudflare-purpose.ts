import type { Duration } from '../config/duration.js';
import { selectHoldsTouching, type Hold } from './holds.js';
import { parseNetwork } from './network.js';

/**
 * When an IP object held in Cloudflare (an IP Access Rule, an item of a managed IP list) has served its purpose.
 *
 * Rule (issue 4): a blocking rule on an address or range, or an item of a managed list, is past its purpose when it is
 * older than its retention AND no security event from that address or range (or hitting the rule itself) was seen in
 * that period. Missing evidence is not evidence of idleness: when the pulled events do not cover the whole period the
 * object is "undetermined" and kept.
 *
 * Why a per-object activity record: local firewall events are themselves purged after `retention.firewall_events`
 * (30d by default), shorter than `retention.access_rules` (90d). So before each local purge deletes events, their
 * newest time per Cloudflare object is folded into a record keyed by the object's Cloudflare id (no IP: the object in
 * Cloudflare already holds it, and the record dies with the object), together with the start of the period whose
 * events were all considered (`evidenceFrom`). If events are ever deleted without being folded (a purge with no
 * Cloudflare access), the next fold sees the gap and restarts the evidence, so such objects become undetermined
 * rather than wrongly idle.
 */

export type CloudflareObjectKind = 'access_rule' | 'list_item';

/** What the rule needs to know of one Cloudflare object; built by the purge from the fetched snapshot. */
export interface PurposeCandidate {
  readonly id: string;
  readonly kind: CloudflareObjectKind;
  /** Access rules: block | challenge | js_challenge | managed_challenge | whitelist. Absent for list items. */
  readonly mode?: string | undefined;
  /** Access rules: ip | ip6 | ip_range | asn | country. List items: always an address or range. */
  readonly target?: string | undefined;
  /** The address, range, country code or ASN the object names. */
  readonly value: string;
  readonly createdOn: Date;
  /** Zones whose security events are evidence for this object (a zone rule: its zone; account objects: every configured zone). */
  readonly zoneIds: readonly string[];
  /** List items: whether their list is in `managed_lists`. */
  readonly isManagedList?: boolean | undefined;
}

/**
 * What is known about the security events of one zone: all of them from `completeFrom` up to `settledTo` are
 * considered. Only the settled part counts: events keep arriving for minutes after their time (field reports G10),
 * so a rule must not look idle over a stretch whose events may still come in.
 */
export interface ZoneEvidence {
  readonly zoneId: string;
  readonly completeFrom: Date;
  readonly settledTo: Date;
}

/** The stored per-object activity: newest event seen, and the period whose events were all considered. */
export interface ObjectActivity {
  readonly objectId: string;
  readonly kind: CloudflareObjectKind;
  readonly lastSeenAt: Date | undefined;
  readonly evidenceFrom: Date;
  /** Events up to here had been pulled when the record was last updated; continuity is checked against it. */
  readonly foldedTo: Date;
}

/** Newest local event per (zone, client IP, rule id): the store aggregates, this module matches. */
export interface EventGroup {
  readonly zoneId: string;
  readonly clientIp: string;
  readonly ruleId: string;
  readonly lastAt: Date;
}

export type KeepReason = 'allow-rule' | 'not-an-address' | 'unmanaged-list' | 'unparseable' | 'young' | 'recent-event';

export type PurposeDecision =
  | { readonly verdict: 'delete'; readonly lastSeenAt: Date | undefined }
  | { readonly verdict: 'keep'; readonly reason: KeepReason }
  | { readonly verdict: 'held'; readonly holdIds: readonly string[] }
  | { readonly verdict: 'undetermined'; readonly reason: UndeterminedReason };

/** Why the pulled events cannot tell whether an object served its purpose; the report catalogue words it. */
export type UndeterminedReason =
  | { readonly code: 'undetermined.no_zone' }
  | { readonly code: 'undetermined.zone_not_pulled'; readonly zoneId: string }
  | { readonly code: 'undetermined.zone_pulled_until'; readonly zoneId: string; readonly until: string }
  | { readonly code: 'undetermined.no_activity' }
  | { readonly code: 'undetermined.coverage'; readonly since: string };

export interface PurposeContext {
  readonly retention: Duration;
  readonly now: Date;
  readonly holds: readonly Hold[];
  /** Evidence per configured zone that has been pulled; a zone without an entry has no evidence. */
  readonly zones: ReadonlyMap<string, ZoneEvidence>;
  /** Pulled events older than this much before `now` make the evidence stale (events after them are unknown). */
  readonly maxStalenessMs: number;
}

/** A pull that ended more than a day ago leaves a day of hits unknown: a rule may look idle only because of that. */
export const DEFAULT_MAX_STALENESS_MS = 24 * 3_600_000;

const ENFORCING_MODES = new Set(['block', 'challenge', 'js_challenge', 'managed_challenge']);
const ADDRESS_TARGETS = new Set(['ip', 'ip6', 'ip_range']);

/** Decides one object's fate at `ctx.now`; pure. Holds are checked last, so `held` counts only objects a hold saves. */
export function judgeCloudflareObject(candidate: PurposeCandidate, activity: ObjectActivity | undefined, ctx: PurposeContext): PurposeDecision {
  if (candidate.kind === 'access_rule') {
    if (!ENFORCING_MODES.has(candidate.mode ?? '')) return { verdict: 'keep', reason: 'allow-rule' };
    if (!ADDRESS_TARGETS.has(candidate.target ?? '')) return { verdict: 'keep', reason: 'not-an-address' };
  } else if (candidate.isManagedList !== true) {
    return { verdict: 'keep', reason: 'unmanaged-list' };
  }
  const network = parseNetwork(candidate.value);
  if (!network) return { verdict: 'keep', reason: 'unparseable' };
  const cutoffMs = ctx.now.getTime() - ctx.retention.ms;
  // "Older than retention", as for local records: exactly at the cut-off is not yet older.
  if (!(candidate.createdOn.getTime() < cutoffMs)) return { verdict: 'keep', reason: 'young' };
  // An event exactly at the cut-off was seen within the period.
  if (activity?.lastSeenAt !== undefined && activity.lastSeenAt.getTime() >= cutoffMs) return { verdict: 'keep', reason: 'recent-event' };
  const gap = findEvidenceGap(candidate, activity, ctx, cutoffMs);
  if (gap !== undefined) return { verdict: 'undetermined', reason: gap };
  const holds = selectHoldsTouching(ctx.holds, network, ctx.now);
  if (holds.length > 0) return { verdict: 'held', holdIds: holds.map((hold) => hold.id) };
  return { verdict: 'delete', lastSeenAt: activity?.lastSeenAt };
}

/** Why the pulled events cannot tell whether an object served its purpose; undefined when they can. */
function findEvidenceGap(
  candidate: PurposeCandidate,
  activity: ObjectActivity | undefined,
  ctx: PurposeContext,
  cutoffMs: number,
): UndeterminedReason | undefined {
  if (candidate.zoneIds.length === 0) return { code: 'undetermined.no_zone' };
  for (const zoneId of candidate.zoneIds) {
    const zone = ctx.zones.get(zoneId);
    if (!zone) return { code: 'undetermined.zone_not_pulled', zoneId };
    if (zone.settledTo.getTime() < ctx.now.getTime() - ctx.maxStalenessMs)
      return { code: 'undetermined.zone_pulled_until', zoneId, until: zone.settledTo.toISOString() };
  }
  if (!activity) return { code: 'undetermined.no_activity' };
  if (activity.evidenceFrom.getTime() > cutoffMs) return { code: 'undetermined.coverage', since: activity.evidenceFrom.toISOString() };
  return undefined;
}

/**
 * Folds the events still held locally into the per-object activity records; pure. Called before every local purge
 * of firewall events (and, without writing, by a dry run). Evidence stays continuous only when the events now held
 * start no later than where the previous fold ended; otherwise events were lost unfolded and evidence restarts.
 */
export function buildObjectActivity(
  candidates: readonly PurposeCandidate[],
  previous: ReadonlyMap<string, ObjectActivity>,
  events: readonly EventGroup[],
  zones: ReadonlyMap<string, ZoneEvidence>,
): Map<string, ObjectActivity> {
  const lastSeen = selectLastSeen(candidates, events);
  const result = new Map<string, ObjectActivity>();
  for (const candidate of candidates) {
    const prior = previous.get(candidate.id);
    const evidence = candidate.zoneIds.map((zoneId) => zones.get(zoneId));
    if (candidate.zoneIds.length === 0 || evidence.some((zone) => zone === undefined)) {
      if (prior) result.set(candidate.id, prior);
      continue;
    }
    const present = evidence as ZoneEvidence[];
    const localFrom = Math.max(...present.map((zone) => zone.completeFrom.getTime()));
    const localTo = Math.min(...present.map((zone) => zone.settledTo.getTime()));
    const isContinuous = prior !== undefined && prior.foldedTo.getTime() >= localFrom;
    const evidenceFrom = isContinuous ? Math.min(prior.evidenceFrom.getTime(), localFrom) : localFrom;
    const seen = [prior?.lastSeenAt?.getTime(), lastSeen.get(candidate.id)?.getTime()].filter((t): t is number => t !== undefined);
    result.set(candidate.id, {
      objectId: candidate.id,
      kind: candidate.kind,
      lastSeenAt: seen.length > 0 ? new Date(Math.max(...seen)) : undefined,
      evidenceFrom: new Date(evidenceFrom),
      foldedTo: new Date(Math.max(localTo, prior?.foldedTo.getTime() ?? 0)),
    });
  }
  return result;
}

/** Newest event per object among `events`: from an address inside the object's network, or hitting the rule by id. */
export function selectLastSeen(candidates: readonly PurposeCandidate[], events: readonly EventGroup[]): Map<string, Date> {
  // Index networks by (family, prefix, base) so each event is matched with one lookup per prefix length in use.
  const byNetwork = new Map<string, { id: string; zoneIds: ReadonlySet<string> }[]>();
  const prefixes = { ipv4: new Set<number>(), ipv6: new Set<number>() };
  const byId = new Map<string, ReadonlySet<string>>();
  for (const candidate of candidates) {
    const zoneIds = new Set(candidate.zoneIds);
    if (candidate.kind === 'access_rule') byId.set(candidate.id, zoneIds);
    const network = parseNetwork(candidate.value);
    if (!network) continue;
    prefixes[network.family].add(network.prefix);
    const key = `${network.family}|${network.text}`;
    const entry = byNetwork.get(key) ?? [];
    entry.push({ id: candidate.id, zoneIds });
    byNetwork.set(key, entry);
  }
  const result = new Map<string, Date>();
  const see = (id: string, at: Date): void => {
    const current = result.get(id);
    if (!current || current.getTime() < at.getTime()) result.set(id, at);
  };
  for (const event of events) {
    const ruleZones = event.ruleId === '' ? undefined : byId.get(event.ruleId);
    if (ruleZones?.has(event.zoneId)) see(event.ruleId, event.lastAt);
    const address = parseNetwork(event.clientIp);
    if (!address) continue;
    for (const prefix of prefixes[address.family]) {
      const base = prefix === address.prefix ? address : parseNetwork(`${address.address}/${prefix}`);
      if (!base) continue;
      for (const match of byNetwork.get(`${base.family}|${base.text}`) ?? []) {
        if (match.zoneIds.has(event.zoneId)) see(match.id, event.lastAt);
      }
    }
  }
  return result;
}
