import type { CloudflareObjects, ObjectPart, ReadStatus, ZoneInfo } from '../cloudflare/objects/types.js';
import { sortCountries, type CountryCount, type InventoryLocation, type LocationId, type LocationStatus } from './inventory.js';
import type { LocationNote, ObjectKind, ScopeName, ZoneName } from './notes.js';
import type { UndeterminedReason } from '../policy/cloudflare-purpose.js';

/**
 * One location's status from the read statuses of its parts: `error` if any read failed (the inventory then exits 4);
 * otherwise `ok` if anything was read; otherwise `not_readable` (the token) or `not_available` (the plan). Gated
 * scopes are named in the notes either way, so "not on this plan" is never mistaken for "nothing there".
 */
export function buildObjectStatus(objects: CloudflareObjects, parts: readonly ObjectPart[]): { status: LocationStatus; notes: LocationNote[] } {
  const statuses = objects.statuses.filter((status) => parts.includes(status.part));
  const notes = statuses
    .filter((s) => s.state !== 'ok')
    .map((s): LocationNote => ({
      code: 'objects.read_state',
      scope: buildScopeName(objects.zones, s),
      state: s.state,
      message: s.message,
      plan: s.plan,
      permission: s.permission,
    }));
  const has = (state: ReadStatus['state']) => statuses.some((status) => status.state === state);
  const status: LocationStatus = has('error') ? 'error' : has('ok') || statuses.length === 0 ? 'ok' : has('not_readable') ? 'not_readable' : 'not_available';
  return { status, notes };
}

/** A zone or account as notes name it, with the zone's name when the snapshot knows it. */
export function buildScopeName(zones: readonly ZoneInfo[], status: Pick<ReadStatus, 'scope' | 'part'>): ScopeName {
  const { scope } = status;
  return { where: scope.type === 'account' ? { type: 'account', id: scope.id } : buildZoneName(zones, scope.id), part: status.part };
}

/** A zone with its name from the snapshot, when known. */
export function buildZoneName(zones: readonly ZoneInfo[], zoneId: string): ZoneName {
  return { type: 'zone', id: zoneId, name: zones.find((zone) => zone.id === zoneId)?.name };
}

/** What differs between the locations of Cloudflare objects; the rest of an InventoryLocation follows from it. */
export interface ObjectLocationFacts {
  readonly id: LocationId;
  readonly records: number;
  readonly distinctIps: number;
  readonly countries?: readonly CountryCount[];
  /** Creation or update times of the objects counted: oldest and newest. */
  readonly dates?: readonly Date[];
  /** The purpose rule's verdict, for objects a purge may delete; undefined for reported-only ones. */
  readonly expiry?: ObjectExpiry | undefined;
  /** The retention rule as written, for objects a purge may delete. */
  readonly retention?: string;
  /** Objects we configured (rules, lists) are ours to keep or delete; log retention is Cloudflare's. */
  readonly controlledBy: 'us' | 'cloudflare';
  readonly status: LocationStatus;
  readonly notes: readonly LocationNote[];
}

export function buildObjectLocation(facts: ObjectLocationFacts): InventoryLocation {
  return {
    id: facts.id,
    kind: 'cloudflare',
    records: facts.records,
    distinctIps: facts.distinctIps,
    countries: sortCountries(facts.countries ?? []),
    ...selectOldestNewest(facts.dates ?? []),
    pastRetention: facts.expiry?.expired ?? 0,
    held: facts.expiry?.held ?? 0,
    retention: facts.retention,
    controlledBy: facts.controlledBy,
    expires: undefined,
    status: facts.status,
    notes: facts.notes,
  };
}

export function selectOldestNewest(dates: readonly Date[]): { oldest: Date | undefined; newest: Date | undefined } {
  if (dates.length === 0) return { oldest: undefined, newest: undefined };
  const times = dates.map((date) => date.getTime());
  return { oldest: new Date(Math.min(...times)), newest: new Date(Math.max(...times)) };
}

/** What the purpose rule decided for a location's objects (from the purge plan, so both always agree). */
export interface ObjectExpiry {
  readonly expired: number;
  readonly held: number;
  readonly undetermined: number;
  /** Why objects were undetermined (e.g. events cover only since …), with counts. */
  readonly undeterminedReasons: readonly { readonly reason: UndeterminedReason; readonly count: number }[];
}

/** The purpose rule's verdicts as notes: not judged, served their purpose, held, undetermined. */
export function addExpiryNotes(notes: LocationNote[], expiry: ObjectExpiry | undefined, retention: string, objects: ObjectKind): void {
  if (expiry === undefined) {
    notes.push({ code: 'objects.not_judged' });
    return;
  }
  if (expiry.expired > 0) notes.push({ code: 'objects.served_purpose', objects, count: expiry.expired, retention });
  if (expiry.held > 0) notes.push({ code: 'objects.held', objects, count: expiry.held });
  if (expiry.undetermined === 0) return;
  if (expiry.undeterminedReasons.length === 0) notes.push({ code: 'objects.undetermined', objects, count: expiry.undetermined });
  for (const { reason, count } of expiry.undeterminedReasons) notes.push({ code: 'objects.kept_undetermined', count, reason });
}
