import { buildNetworkMatcher, networksOverlap, parseNetwork, type Network } from './network.js';

/** A legal hold: records it covers are kept whatever their age, until it is released or its `until` passes. */
export interface Hold {
  readonly id: string;
  readonly network: string;
  readonly country: string | undefined;
  /** The hold covers records from this time on (inclusive)… */
  readonly from: Date | undefined;
  /** …and before this time (exclusive). */
  readonly to: Date | undefined;
  readonly until: Date | undefined;
  readonly releasedAt: Date | undefined;
  readonly reason: string;
  readonly reference: string | undefined;
  readonly createdAt: Date;
  readonly createdBy: string;
}

/** An hourly analytics row is dated by the start of its hour and stands for the whole hour. */
export const HOURLY_ROW_SPAN_MS = 3_600_000;

/** What a hold is matched against. */
export interface HeldCandidate {
  readonly ip: string;
  readonly country: string;
  readonly at: Date;
  /** How long the record stands for from `at` (an hourly analytics row: one hour); 0 or absent for an instant. */
  readonly spanMs?: number;
}

/** A hold protects while it is not released and its `until` (if any) is still ahead. */
export function isHoldActive(hold: Hold, now: Date): boolean {
  if (hold.releasedAt !== undefined && hold.releasedAt.getTime() <= now.getTime()) return false;
  return hold.until === undefined || hold.until.getTime() > now.getTime();
}

export type HoldStatus = 'active' | 'expired' | 'released';

/** How `hold list` shows a hold: released (whenever), else active or expired by its `until`. */
export function selectHoldStatus(hold: Hold, now: Date): HoldStatus {
  if (hold.releasedAt) return 'released';
  return isHoldActive(hold, now) ? 'active' : 'expired';
}

export function selectActiveHolds(holds: readonly Hold[], now: Date): Hold[] {
  return holds.filter((hold) => isHoldActive(hold, now));
}

/**
 * "Is this record covered by an active hold", and the networks of those holds: no record outside every one of them
 * is held, which lets a store skip (without asking the predicate) the rows whose address cannot be in any.
 */
export type HoldMatcher = ((candidate: HeldCandidate) => boolean) & { readonly networks: readonly Network[] };

/** Builds a fast predicate "is this record covered by an active hold", for use on every row of a purge. */
export function buildHoldMatcher(holds: readonly Hold[], now: Date): HoldMatcher {
  const active = selectActiveHolds(holds, now).map((hold) => ({
    hold,
    network: parseNetwork(hold.network) as Network,
    country: hold.country?.toUpperCase(),
  }));
  const checks = active.map((entry) => ({ ...entry, contains: buildNetworkMatcher([entry.network]) }));
  const networks = active.map((entry) => entry.network);
  if (checks.length === 0) return Object.assign(() => false, { networks });
  const isHeld = ({ ip, country, at, spanMs = 0 }: HeldCandidate) =>
    checks.some(
      ({ hold, contains, country: holdCountry }) =>
        (holdCountry === undefined || holdCountry === country.toUpperCase()) && overlapsHoldRange(hold, at.getTime(), spanMs) && contains(ip),
    );
  return Object.assign(isHeld, { networks });
}

/** A record standing for [at, at + span) is held when that span overlaps the hold's [from, to): not only when contained. */
function overlapsHoldRange(hold: Hold, atMs: number, spanMs: number): boolean {
  const endMs = atMs + Math.max(spanMs, 0);
  const startsBeforeTo = hold.to === undefined || atMs < hold.to.getTime();
  const endsAfterFrom = hold.from === undefined || (spanMs > 0 ? endMs > hold.from.getTime() : atMs >= hold.from.getTime());
  return startsBeforeTo && endsAfterFrom;
}

/** Holds whose network overlaps the given address or range: a hold on an IP keeps the rules that name it. */
export function selectHoldsTouching(holds: readonly Hold[], target: Network, now: Date): Hold[] {
  return selectActiveHolds(holds, now).filter((hold) => {
    const network = parseNetwork(hold.network);
    return network !== undefined && networksOverlap(network, target);
  });
}

// --- archives (issue 14)
/**
 * Whether data spanning [startMs, endMs] overlaps the hold's [from, to): an archive object whose start is unknown
 * (its time came from LastModified) may hold data from any time before its end.
 */
export function overlapsHoldTime(hold: Hold, startMs: number | undefined, endMs: number): boolean {
  const startsBeforeTo = hold.to === undefined || (startMs ?? -Infinity) < hold.to.getTime();
  const endsAfterFrom = hold.from === undefined || endMs >= hold.from.getTime();
  return startsBeforeTo && endsAfterFrom;
}
