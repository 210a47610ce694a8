/**
 * Which time range a dataset pull asks for (pure). It never reaches past the dataset's look-back window
 * (`notOlderThan`, less a safety margin), never asks for records already past our retention, resumes from the
 * stored cursor, and splits the range into windows no wider than `maxDuration`.
 */

export interface CoverageGap {
  /** Unix seconds, [from, to). */
  readonly from: number;
  readonly to: number;
  readonly reason: string;
}

export interface RangeInput {
  readonly nowSeconds: number;
  readonly notOlderThan: number;
  readonly maxDuration: number;
  /** Seconds kept away from the look-back edge, so a query sent a little later is still inside it. */
  readonly marginSeconds: number;
  /** Records older than this many seconds are past retention and not ingested. */
  readonly retentionSeconds: number;
  /** Time resolution of the dataset's records: 1 for events, 3600 for hourly groups (only whole units are pulled). */
  readonly unitSeconds: number;
  /** An explicit start (--since). */
  readonly sinceSeconds?: number | undefined;
  /** Records younger than this are left for the next pull: Cloudflare's analytics arrive with a short delay. */
  readonly settleSeconds?: number | undefined;
  /** What is already held without gaps. */
  readonly state?: { readonly coveredFrom: number; readonly coveredTo: number } | undefined;
}

export interface RangePlan {
  readonly start: number;
  readonly end: number;
  /** Where the held, gap-free coverage begins once this pull has closed out a window. */
  readonly coveredFrom: number;
  readonly windows: readonly (readonly [number, number])[];
  readonly gaps: readonly CoverageGap[];
}

export function planRange(input: RangeInput): RangePlan {
  const unit = input.unitSeconds;
  const floorTo = (t: number) => Math.floor(t / unit) * unit;
  const ceilTo = (t: number) => Math.ceil(t / unit) * unit;
  const end = floorTo(input.nowSeconds - (input.settleSeconds ?? 0));
  const lookbackFloor = ceilTo(input.nowSeconds - input.notOlderThan + input.marginSeconds);
  const retentionFloor = ceilTo(input.nowSeconds - input.retentionSeconds);
  const { state, sinceSeconds } = input;

  let requested: number | undefined;
  let continues = false;
  if (sinceSeconds !== undefined) {
    continues = state !== undefined && sinceSeconds >= state.coveredFrom && sinceSeconds <= state.coveredTo;
    requested = continues ? state!.coveredTo : floorTo(sinceSeconds);
  } else if (state !== undefined) {
    continues = true;
    requested = state.coveredTo;
  }

  const gaps: CoverageGap[] = [];
  if (requested !== undefined) {
    const gapFrom = Math.max(requested, retentionFloor);
    const gapTo = Math.min(lookbackFloor, end);
    if (gapFrom < gapTo) gaps.push({ from: gapFrom, to: gapTo, reason: `older than the plan allows (notOlderThan ${input.notOlderThan}s)` });
  }
  const start = Math.max(requested ?? lookbackFloor, lookbackFloor, retentionFloor);
  const coveredFrom = continues && start === requested ? state!.coveredFrom : start;
  const step = Math.max(unit, floorTo(input.maxDuration));
  const windows: [number, number][] = [];
  for (let from = start; from < end; from += step) windows.push([from, Math.min(from + step, end)]);
  return { start, end: Math.max(start, end), coveredFrom, windows, gaps };
}
