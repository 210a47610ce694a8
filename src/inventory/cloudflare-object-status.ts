import type { CloudflareObjects, ObjectPart, ReadStatus, ZoneInfo } from '../cloudflare/objects/types.js';
import type { LocationStatus } from './inventory.js';

/**
 * One location's status from the read statuses of its parts: `error` if any read failed (the inventory then exits 4);
 * otherwise `ok` if anything was read; otherwise `not_readable` (the token) or `not_available` (the plan). Gated
 * scopes are named in the notes either way, so "not on this plan" is never mistaken for "nothing there".
 */
export function buildObjectStatus(objects: CloudflareObjects, parts: readonly ObjectPart[]): { status: LocationStatus; notes: string[] } {
  const statuses = objects.statuses.filter((status) => parts.includes(status.part));
  const notes = statuses.filter((status) => status.state !== 'ok').map((status) => `${describeScope(objects.zones, status)}: ${status.message ?? status.state}`);
  const has = (state: ReadStatus['state']) => statuses.some((status) => status.state === state);
  const status: LocationStatus = has('error') ? 'error' : has('ok') || statuses.length === 0 ? 'ok' : has('not_readable') ? 'not_readable' : 'not_available';
  return { status, notes };
}

/** `zone shop.example.com (023e…)`, `account 01a7…`; a Logpush part says which kind of job it is. */
export function describeScope(zones: readonly ZoneInfo[], status: Pick<ReadStatus, 'scope' | 'part'>): string {
  const { scope } = status;
  const prefix = status.part === 'logpush' ? 'Logpush jobs of ' : status.part === 'logpull-retention' ? 'Logpull retention of ' : '';
  if (scope.type === 'account') return `${prefix}account ${scope.id}`;
  return `${prefix}${describeZone(zones, scope.id)}`;
}

export function describeZone(zones: readonly ZoneInfo[], zoneId: string): string {
  const name = zones.find((zone) => zone.id === zoneId)?.name;
  return name ? `zone ${name} (${zoneId})` : `zone ${zoneId}`;
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
  /** Why objects were undetermined, e.g. "3 kept as undetermined: events cover only since …". */
  readonly undeterminedNotes: readonly string[];
}
