import { describe, expect, it } from 'vitest';
import { planRange, type RangeInput } from './plan-range.js';

const NOW = Date.parse('2026-10-20T12:30:15Z') / 1000;
const DAY = 86_400;
const base: RangeInput = { nowSeconds: NOW, notOlderThan: DAY, maxDuration: DAY, marginSeconds: 60, retentionSeconds: 30 * DAY, unitSeconds: 1 };

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
    const plan = planRange({ ...base, state: { coveredFrom: NOW - 20_000, coveredTo: NOW - 500 } });
    expect(plan.start).toBe(NOW - 500);
    expect(plan.coveredFrom).toBe(NOW - 20_000);
    expect(plan.gaps).toEqual([]);
  });

  it('reports what fell out of the look-back window since the last pull as a gap', () => {
    const plan = planRange({ ...base, state: { coveredFrom: NOW - 3 * DAY, coveredTo: NOW - 2 * DAY } });
    expect(plan.gaps).toEqual([{ from: NOW - 2 * DAY, to: NOW - DAY + 60, reason: 'older than the plan allows (notOlderThan 86400s)' }]);
    expect(plan.start).toBe(NOW - DAY + 60);
    expect(plan.coveredFrom).toBe(plan.start);
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
    expect(planRange({ ...base, state: { coveredFrom: NOW - 100, coveredTo: NOW } }).windows).toEqual([]);
  });
});

describe('planRange settle time', () => {
  it('leaves the newest records for the next pull', () => {
    const plan = planRange({ ...base, settleSeconds: 120 });
    expect(plan.end).toBe(NOW - 120);
    const next = planRange({ ...base, nowSeconds: NOW + 600, settleSeconds: 120, state: { coveredFrom: plan.start, coveredTo: plan.end } });
    expect(next.start).toBe(NOW - 120);
    expect(next.end).toBe(NOW + 480);
  });
});
