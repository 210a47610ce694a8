/**
 * Which time range a dataset pull asks for (pure). It never reaches past the dataset's look-back window
 * (`notOlderThan`, less a safety margin), never asks for records already past our retention, resumes from the
 * stored cursor less a trailing overlap (rows arrive late, field reports G10), and splits the range into windows no
 * wider than `maxDuration`.
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
  /** Rows may still arrive this long after their time: the held range's tail this long is re-read (config `pull.overlap`). */
  readonly overlapSeconds: number;
  /** What is already held without gaps, and up to where no late row can still arrive. */
  readonly state?: { readonly coveredFrom: number; readonly coveredTo: number; readonly settledTo: number } | undefined;
}

export interface RangePlan {
  readonly start: number;
  readonly end: number;
  /** Where the held, gap-free coverage begins once this pull has closed out a window. */
  readonly coveredFrom: number;
  /** The coverage this pull extends (undefined when it starts afresh): rows found before its `coveredTo` are late. */
  readonly continues: { readonly coveredTo: number; readonly settledTo: number } | undefined;
  /** The time the range was planned: every query of this pull is sent at or after it. */
  readonly plannedAt: number;
  readonly overlapSeconds: number;
  readonly unitSeconds: number;
  readonly windows: readonly (readonly [number, number])[];
  readonly gaps: readonly CoverageGap[];
}

export function planRange(input: RangeInput): RangePlan {
  const unit = input.unitSeconds;
  const floorTo = (t: number) => Math.floor(t / unit) * unit;
  const ceilTo = (t: number) => Math.ceil(t / unit) * unit;
  const end = floorTo(input.nowSeconds);
  const lookbackFloor = ceilTo(input.nowSeconds - input.notOlderThan + input.marginSeconds);
  const retentionFloor = ceilTo(input.nowSeconds - input.retentionSeconds);
  const { state, sinceSeconds } = input;

  let requested: number | undefined;
  let held: RangeInput['state'];
  if (sinceSeconds !== undefined) {
    if (state !== undefined && sinceSeconds >= state.coveredFrom && sinceSeconds <= state.coveredTo) held = state;
    else requested = floorTo(sinceSeconds);
  } else held = state;

  const gaps: CoverageGap[] = [];
  const unpulledFrom = held?.coveredTo ?? requested;
  if (unpulledFrom !== undefined) {
    const gapFrom = Math.max(unpulledFrom, retentionFloor);
    const gapTo = Math.min(lookbackFloor, end);
    if (gapFrom < gapTo) gaps.push({ from: gapFrom, to: gapTo, reason: `older than the plan allows (notOlderThan ${input.notOlderThan}s)` });
  }
  // Re-read from wherever late rows may still be missing: the overlap, or further back if the last pull settled less.
  if (held !== undefined) requested = Math.max(held.coveredFrom, floorTo(Math.min(held.coveredTo - input.overlapSeconds, held.settledTo)));
  const start = Math.max(requested ?? lookbackFloor, lookbackFloor, retentionFloor);
  const continues = held !== undefined && start <= held.coveredTo ? { coveredTo: held.coveredTo, settledTo: held.settledTo } : undefined;
  const coveredFrom = continues ? held!.coveredFrom : start;
  const step = Math.max(unit, floorTo(input.maxDuration));
  const windows: [number, number][] = [];
  for (let from = start; from < end; from += step) windows.push([from, Math.min(from + step, end)]);
  return {
    start,
    end: Math.max(start, end),
    coveredFrom,
    continues,
    plannedAt: input.nowSeconds,
    overlapSeconds: input.overlapSeconds,
    unitSeconds: unit,
    windows,
    gaps,
  };
}

/**
 * The pull state once a page has closed out every row before `closedThrough`: coverage never shrinks while a pull
 * re-reads its overlap, and the settled bound (rows before it can no longer arrive late) never passes the time the
 * queries were sent less the overlap, nor the coverage. Hourly groups settle by whole hours only.
 */
export function selectPullBounds(plan: RangePlan, coveredFrom: number, closedThrough: number): { coveredTo: number; settledTo: number } {
  const coveredTo = Math.max(closedThrough, plan.continues?.coveredTo ?? closedThrough);
  const settledNow = Math.floor(Math.min(closedThrough, plan.plannedAt - plan.overlapSeconds) / plan.unitSeconds) * plan.unitSeconds;
  const settledTo = Math.min(coveredTo, Math.max(coveredFrom, plan.continues?.settledTo ?? coveredFrom, settledNow));
  return { coveredTo, settledTo };
}
