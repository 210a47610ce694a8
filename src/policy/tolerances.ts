/** The tolerances the policy checks share; each is defined here once so doctor, purge and the drift report agree. */

/** Days of slack before late deletion counts as a contradiction: a missed daily cron run is not yet a breach. */
export const DRIFT_GRACE_DAYS = 5;

/**
 * How far our clock may be from Cloudflare's `Date` before a purge is refused: `Date` has one-second resolution and a
 * response may take seconds, so 2 minutes leaves room for both while still catching a clock that is clearly wrong.
 */
export const MAX_CLOCK_SKEW_MS = 120_000;
