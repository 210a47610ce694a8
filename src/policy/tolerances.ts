/** The tolerances the policy checks share; each is defined here once so doctor, purge and the drift report agree. */

/** Days of slack before late deletion counts as a contradiction: a missed daily cron run is not yet a breach. */
export const DRIFT_GRACE_DAYS = 5;

/**
 * How far our clock may be from Cloudflare's `Date` before a purge is refused: `Date` has one-second resolution and a
 * response may take seconds, so 2 minutes leaves room for both while still catching a clock that is clearly wrong.
 */
export const MAX_CLOCK_SKEW_MS = 120_000;

/**
 * Refuses a purge or a pull when our clock is more than 2 minutes from the `Date` of a Cloudflare response. Cloudflare's
 * edges keep NTP time; `Date` has one-second resolution and a response may take seconds, so 2 minutes leaves room
 * for both while still catching a clock that is clearly wrong (a wrong clock moves every retention cut-off).
 */
export function checkServerClock(sample: { serverMs: number; localMs: number } | undefined, refusing = 'purge'): string | undefined {
  if (sample === undefined) return undefined;
  const skewMs = sample.localMs - sample.serverMs;
  if (Math.abs(skewMs) <= MAX_CLOCK_SKEW_MS) return undefined;
  return `The system clock (${new Date(sample.localMs).toISOString()}) is ${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} Cloudflare's (${new Date(sample.serverMs).toISOString()}); refusing to ${refusing}`;
}
