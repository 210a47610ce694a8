import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { findSubjectReach, type ReachedObject } from '../cloudflare/subject-reach.js';
import { buildHoldMatcher, HOURLY_ROW_SPAN_MS, selectHoldsTouching, type Hold } from '../policy/holds.js';
import { networkContains, type Network } from '../policy/network.js';
import type { SubjectRow, SubjectTable } from '../store/subject-queries.js';

/** What becomes of one copy: we delete it, a hold keeps it, Cloudflare keeps it until a date, or it is only reported. */
export type SubjectDisposition = 'deletable' | 'held' | 'kept_by_cloudflare' | 'reported_only';

export interface LocalSubjectLocation {
  readonly id: SubjectTable;
  readonly records: number;
  readonly deletableIds: readonly number[];
  readonly held: number;
  readonly firstSeen: Date | undefined;
  readonly lastSeen: Date | undefined;
  readonly countries: Readonly<Record<string, number>>;
  readonly zones: readonly string[];
}

export interface CloudflareSubjectObject {
  readonly object: ReachedObject;
  readonly disposition: SubjectDisposition;
  readonly why: string;
}

export interface CloudflareAnalyticsCopy {
  /** Which of Cloudflare's kept datasets: security events or request analytics. */
  readonly location: 'cloudflare/firewall-events' | 'cloudflare/http-analytics';
  readonly zoneId: string;
  /** The subject's newest pulled record there ages out of Cloudflare at this time. */
  readonly keptUntil: Date | undefined;
  readonly windowSeconds: number | undefined;
}

export interface SubjectFindings {
  readonly network: Network;
  readonly local: readonly LocalSubjectLocation[];
  /** Undefined when Cloudflare was not read (no token). */
  readonly cloudflare: readonly CloudflareSubjectObject[] | undefined;
  readonly cloudflareAnalytics: readonly CloudflareAnalyticsCopy[];
  readonly notes: readonly string[];
}

/** Each local dataset and the copy of it that Cloudflare itself keeps for its window. */
const KEPT_BY_CLOUDFLARE = [
  ['local/firewall-events', 'cloudflare/firewall-events'],
  ['local/http-analytics', 'cloudflare/http-analytics'],
] as const;

const ERASABLE_MODES = new Set(['block', 'challenge', 'js_challenge', 'managed_challenge']);

/** Sorts what is held about a subject into what we may erase and what stays, and why. Pure. */
export function buildSubjectFindings(input: {
  network: Network;
  rows: ReadonlyMap<SubjectTable, readonly SubjectRow[]>;
  objects: CloudflareObjects | undefined;
  holds: readonly Hold[];
  /** Cloudflare's look-back window per local location and zone, in seconds, where a pull has learnt it. */
  zoneWindows: ReadonlyMap<SubjectTable, ReadonlyMap<string, number>>;
  now: Date;
}): SubjectFindings {
  const isHeld = buildHoldMatcher(input.holds, input.now);
  const local = [...input.rows].map(([id, rows]) => summariseRows(id, rows, isHeld));
  const cloudflare = input.objects
    ? findSubjectReach(input.objects, input.network).objects.map((object) => classify(object, input.network, input.holds, input.now))
    : undefined;
  const cloudflareAnalytics = KEPT_BY_CLOUDFLARE.flatMap(([table, location]) => {
    const lastSeenByZone = new Map<string, number>();
    for (const row of input.rows.get(table) ?? []) lastSeenByZone.set(row.zoneId, Math.max(row.at, lastSeenByZone.get(row.zoneId) ?? 0));
    return [...lastSeenByZone].map(([zoneId, lastSeen]) => {
      const windowSeconds = input.zoneWindows.get(table)?.get(zoneId);
      const keptUntil = windowSeconds === undefined ? undefined : new Date((lastSeen + windowSeconds) * 1000);
      return { location, zoneId, windowSeconds, keptUntil: keptUntil && keptUntil > input.now ? keptUntil : undefined };
    });
  });
  const notes = input.objects ? [] : ['Cloudflare was not read (CLOUDFLARE_API_TOKEN not set): rules and list items are not listed'];
  return { network: input.network, local, cloudflare, cloudflareAnalytics, notes };
}

function summariseRows(id: SubjectTable, rows: readonly SubjectRow[], isHeld: ReturnType<typeof buildHoldMatcher>): LocalSubjectLocation {
  const countries: Record<string, number> = {};
  const deletableIds: number[] = [];
  let held = 0;
  let first = Infinity;
  let last = -Infinity;
  const spanMs = id === 'local/http-analytics' ? HOURLY_ROW_SPAN_MS : 0;
  for (const row of rows) {
    countries[row.country || '--'] = (countries[row.country || '--'] ?? 0) + row.weight;
    first = Math.min(first, row.at);
    last = Math.max(last, row.at);
    if (isHeld({ ip: row.ip, country: row.country, at: new Date(row.at * 1000), spanMs })) held += 1;
    else deletableIds.push(row.id);
  }
  return {
    id,
    records: rows.length,
    deletableIds,
    held,
    firstSeen: rows.length > 0 ? new Date(first * 1000) : undefined,
    lastSeen: rows.length > 0 ? new Date(last * 1000) : undefined,
    countries,
    zones: [...new Set(rows.map((row) => row.zoneId))].sort(),
  };
}

/**
 * A copy is ours to erase when it is about this subject alone: a blocking rule or a managed-list item whose address
 * or range lies inside the request. A broader range that merely contains the subject also covers other people, and
 * allow rules, lockdowns and rule expressions are the company's own configuration: those are reported, not deleted.
 */
function classify(object: ReachedObject, network: Network, holds: readonly Hold[], now: Date): CloudflareSubjectObject {
  const own = object.kind === 'access-rule' ? object.rule.network : object.kind === 'list-item' ? object.item.network : undefined;
  if (own && selectHoldsTouching(holds, own, now).length > 0) return { object, disposition: 'held', why: 'a legal hold covers it' };
  if (object.kind === 'lockdown' || object.kind === 'custom-rule') {
    return { object, disposition: 'reported_only', why: 'company configuration (allow-list or rule expression): review by hand' };
  }
  if (!own || !networkContains(network, own)) return { object, disposition: 'reported_only', why: 'a wider range that also covers other addresses' };
  if (object.kind === 'access-rule' && !ERASABLE_MODES.has(object.rule.mode)) {
    return { object, disposition: 'reported_only', why: `a ${object.rule.mode} (allow) rule: review by hand` };
  }
  if (object.kind === 'list-item' && !object.item.isManaged) {
    return { object, disposition: 'reported_only', why: `list ${object.item.listName} is not in managed_lists` };
  }
  return { object, disposition: 'deletable', why: 'names only this subject' };
}
