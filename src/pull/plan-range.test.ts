import { describe, expect, it } from 'vitest';
import { planRange, selectPullBounds, type RangeInput } from './plan-range.js';

const NOW = Date.parse('2026-10-20T12:30:15Z') / 1000;
const DAY = 86_400;
const base: RangeInput = {
  nowSeconds: NOW,
  notOlderThan: DAY,
  maxDuration: DAY,
  marginSeconds: 60,
  retentionSeconds: 30 * DAY,
  unitSeconds: 1,
  overlapSeconds: 0,
};

describe('planRange', () => {
  it('asks for the look-back window less the margin, up to now, by default', () => {
    const plan = planRange(base);
    expect(plan.start).toBe(NOW - DAY + 60);
    expect(plan.end).toBe(NOW);
    expect(plan.windows).toEqual([[NOW - DAY + 60, NOW]]);
    expect(plan.gaps).toEqual([]);
    expect(plan.coveredFrom).toBe(plan.start);
  });

  it('splits into windows no wider than maxDuration', () => {
    const plan = planRange({ ...base, notOlderThan: 3 * DAY, maxDuration: DAY });
    expect(plan.windows).toHaveLength(3);
    for (const [from, to] of plan.windows) expect(to - from).toBeLessThanOrEqual(DAY);
    expect(plan.windows.at(-1)?.[1]).toBe(NOW);
  });

  it('resumes from the cursor and keeps the coverage start', () => {
    const plan = planRange({ ...base, state: { coveredFrom: NOW - 20_000, coveredTo: NOW - 500, settledTo: NOW - 500 } });
    expect(plan.start).toBe(NOW - 500);
    expect(plan.coveredFrom).toBe(NOW - 20_000);
    expect(plan.continues).toEqual({ coveredTo: NOW - 500, settledTo: NOW - 500 });
    expect(plan.gaps).toEqual([]);
  });

  it('reports what fell out of the look-back window since the last pull as a gap', () => {
    const plan = planRange({ ...base, state: { coveredFrom: NOW - 3 * DAY, coveredTo: NOW - 2 * DAY, settledTo: NOW - 2 * DAY } });
    expect(plan.gaps).toEqual([{ from: NOW - 2 * DAY, to: NOW - DAY + 60, reason: 'older than the plan allows (notOlderThan 86400s)' }]);
    expect(plan.start).toBe(NOW - DAY + 60);
    expect(plan.coveredFrom).toBe(plan.start);
    expect(plan.continues).toBeUndefined();
  });

  it('an explicit --since older than the window is a gap; older than retention is not asked for at all', () => {
    const plan = planRange({ ...base, sinceSeconds: NOW - 40 * DAY });
    expect(plan.gaps).toEqual([{ from: NOW - 30 * DAY, to: NOW - DAY + 60, reason: 'older than the plan allows (notOlderThan 86400s)' }]);
    const short = planRange({ ...base, sinceSeconds: NOW - 3600, retentionSeconds: 600 });
    expect(short.start).toBe(NOW - 600);
    expect(short.gaps).toEqual([]);
  });

  it('pulls whole hours only for hourly groups', () => {
    const plan = planRange({ ...base, unitSeconds: 3600, notOlderThan: 7 * DAY, maxDuration: DAY });
    expect(plan.end).toBe(Date.parse('2026-10-20T12:00:00Z') / 1000);
    expect(plan.start % 3600).toBe(0);
    expect(plan.start).toBeGreaterThanOrEqual(NOW - 7 * DAY + 60);
    expect(plan.windows).toHaveLength(7);
  });

  it('an empty range has no windows', () => {
    expect(planRange({ ...base, state: { coveredFrom: NOW - 100, coveredTo: NOW, settledTo: NOW } }).windows).toEqual([]);
  });
});

describe('planRange overlap (late rows, field reports G10)', () => {
  const overlap = { ...base, overlapSeconds: 600 };

  it('ends at now and re-reads the overlap of what it covered on the next run', () => {
    const plan = planRange(overlap);
    expect(plan.end).toBe(NOW);
    const next = planRange({ ...overlap, nowSeconds: NOW + 180, state: { coveredFrom: plan.start, coveredTo: NOW, settledTo: NOW - 600 } });
    expect(next.start).toBe(NOW - 600);
    expect(next.end).toBe(NOW + 180);
    expect(next.coveredFrom).toBe(plan.start);
    expect(next.continues).toEqual({ coveredTo: NOW, settledTo: NOW - 600 });
  });

  it.each([
    ['settled as far as the overlap allows', NOW - 600, NOW - 600],
    ['settled less (killed mid-pull, or the overlap grew): from the settled bound', NOW - 900, NOW - 900],
    ['settled bound before the coverage start: never before the coverage', NOW - 5000, NOW - 1200],
  ])('re-reads from the earlier of the overlap and the settled bound: %s', (_name, settledTo, start) => {
    const plan = planRange({ ...overlap, state: { coveredFrom: NOW - 1200, coveredTo: NOW, settledTo } });
    expect(plan.start).toBe(start);
  });

  it('re-reads whole hours for hourly groups', () => {
    const hour = Date.parse('2026-10-20T12:00:00Z') / 1000;
    const plan = planRange({
      ...overlap,
      unitSeconds: 3600,
      notOlderThan: 7 * DAY,
      state: { coveredFrom: hour - DAY, coveredTo: hour, settledTo: hour - 3600 },
    });
    expect(plan.start).toBe(hour - 3600);
    expect(plan.windows).toEqual([[hour - 3600, hour]]);
  });

  it('a --since inside the coverage resumes like a plain pull; one before it starts afresh', () => {
    const state = { coveredFrom: NOW - 5000, coveredTo: NOW - 100, settledTo: NOW - 700 };
    expect(planRange({ ...overlap, sinceSeconds: NOW - 3000, state }).start).toBe(NOW - 700);
    const afresh = planRange({ ...overlap, sinceSeconds: NOW - 9000, state });
    expect([afresh.start, afresh.continues]).toEqual([NOW - 9000, undefined]);
  });
});

describe('selectPullBounds', () => {
  const fresh = planRange({ ...base, overlapSeconds: 600 });
  const continuing = planRange({ ...base, overlapSeconds: 600, state: { coveredFrom: NOW - 5000, coveredTo: NOW - 100, settledTo: NOW - 1000 } });

  it.each([
    ['fresh pull, page closed long before the query', fresh, NOW - 9000, NOW - 5000, { coveredTo: NOW - 5000, settledTo: NOW - 5000 }],
    ['fresh pull, closed at the query time: settled only up to the query less the overlap', fresh, NOW - 5000, NOW, { coveredTo: NOW, settledTo: NOW - 600 }],
    ['fresh pull covering less than the overlap: nothing settled yet', fresh, NOW - 300, NOW, { coveredTo: NOW, settledTo: NOW - 300 }],
    [
      'killed inside the overlap: coverage does not shrink, the settled bound grows by what was re-read',
      continuing,
      NOW - 5000,
      NOW - 900,
      { coveredTo: NOW - 100, settledTo: NOW - 900 },
    ],
    ['finished', continuing, NOW - 5000, NOW, { coveredTo: NOW, settledTo: NOW - 600 }],
  ])('%s', (_name, plan, coveredFrom, closedThrough, expected) => {
    expect(selectPullBounds(plan, coveredFrom, closedThrough)).toEqual(expected);
  });

  it('re-reads a continuing pull from its settled bound', () => {
    expect(continuing.start).toBe(NOW - 1000);
  });

  it('settles hourly groups by whole hours only', () => {
    const hour = Date.parse('2026-10-20T12:00:00Z') / 1000;
    const hourly = { ...base, unitSeconds: 3600, overlapSeconds: 600 };
    expect(selectPullBounds(planRange(hourly), hour - DAY, hour).settledTo).toBe(hour); // planned 12:30:15
    expect(selectPullBounds(planRange({ ...hourly, nowSeconds: hour + 300 }), hour - DAY, hour).settledTo).toBe(hour - 3600);
  });
});
