import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRange, selectPullBounds } from './plan-range.js';

/**
 * A model of repeated pulls against a source whose rows become visible only after a lag (field reports G10), driven
 * by the real planRange and selectPullBounds: rows get random times and lags up to the overlap, pulls come at
 * random moments and may be killed after any page. Two properties: everything before the settled bound is held
 * exactly at every moment, and one pull after the lag has passed leaves the store exact.
 */
const OVERLAP = 600;
const SPAN = 4 * 3600;
const HOUR = 3600;

interface Model {
  readonly rows: readonly { readonly t: number; readonly lag: number }[];
  /** Seconds between pulls, and after how many pages each pull is killed (undefined: it finishes). */
  readonly pulls: readonly { readonly gap: number; readonly killAfter: number | undefined; readonly pageSeconds: number }[];
}

const modelArb: fc.Arbitrary<Model> = fc.record({
  rows: fc.array(fc.record({ t: fc.integer({ min: 0, max: SPAN - 1 }), lag: fc.integer({ min: 0, max: OVERLAP }) }), { maxLength: 300 }),
  pulls: fc.array(
    fc.record({
      gap: fc.integer({ min: 1, max: 1800 }),
      killAfter: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
      pageSeconds: fc.integer({ min: 60, max: 2400 }),
    }),
    { minLength: 1, maxLength: 25 },
  ),
});

/** Runs the pulls, then one finishing pull after every row's lag; checks the settled invariant after every page. */
function simulate(model: Model, unit: number): { held: Map<number, number>; truth: Map<number, number> } {
  const keyOf = (t: number) => (unit === 1 ? t : Math.floor(t / HOUR) * HOUR);
  const truth = new Map<number, number>();
  for (const row of model.rows) truth.set(keyOf(row.t), (truth.get(keyOf(row.t)) ?? 0) + 1);
  // Events: a row is held once (natural key); hourly groups: a group holds the count seen at its latest read.
  const held = new Map<number, number>();
  let state: { coveredFrom: number; coveredTo: number; settledTo: number } | undefined;
  let now = 0;
  const pulls = [...model.pulls, { gap: SPAN + OVERLAP, killAfter: undefined, pageSeconds: SPAN }];
  for (const pull of pulls) {
    now += pull.gap;
    // The look-back window and retention reach back to 0: the model's history starts there.
    const plan = planRange({
      nowSeconds: now,
      notOlderThan: now,
      maxDuration: 1e9,
      marginSeconds: 0,
      retentionSeconds: now,
      unitSeconds: unit,
      overlapSeconds: OVERLAP,
      state,
    });
    let page = 0;
    for (const [from, to] of plan.windows) {
      for (let a = from; a < to && (pull.killAfter === undefined || page < pull.killAfter); page++) {
        const b = Math.min(to, a + Math.max(unit, Math.floor(pull.pageSeconds / unit) * unit));
        const queriedAt = now + page; // every query is sent at or after the planning time
        const seen = new Map<number, number>();
        for (const row of model.rows) {
          if (row.t >= a && row.t < b && row.t + row.lag <= queriedAt) seen.set(unit === 1 ? model.rows.indexOf(row) : keyOf(row.t), 0);
        }
        if (unit === 1) for (const id of seen.keys()) held.set(id, 1);
        else for (let h = a; h < b; h += HOUR) held.set(h, model.rows.filter((r) => keyOf(r.t) === h && r.t + r.lag <= queriedAt).length);
        state = { coveredFrom: plan.coveredFrom, ...selectPullBounds(plan, plan.coveredFrom, b) };
        expectSettledExact(model, unit, held, state.settledTo);
        a = b;
      }
    }
  }
  return { held, truth };
}

function expectSettledExact(model: Model, unit: number, held: Map<number, number>, settledTo: number): void {
  if (unit === 1) {
    model.rows.forEach((row, id) => {
      if (row.t < settledTo) expect(held.has(id), `row at ${row.t} before settled ${settledTo}`).toBe(true);
    });
  } else {
    for (let h = 0; h + HOUR <= settledTo; h += HOUR) {
      expect(held.get(h) ?? 0, `hour ${h} before settled ${settledTo}`).toBe(model.rows.filter((r) => Math.floor(r.t / HOUR) * HOUR === h).length);
    }
  }
}

describe('late rows never lost (model of repeated, killed pulls)', () => {
  it('security events: settled means held, and one pull after the lag leaves every row held exactly once', () => {
    fc.assert(
      fc.property(modelArb, (model) => {
        const { held } = simulate(model, 1);
        expect(held.size).toBe(model.rows.length);
      }),
      { numRuns: 150 },
    );
  });

  it('hourly groups: settled hours carry their full count, and one pull after the lag makes every count exact', () => {
    fc.assert(
      fc.property(modelArb, (model) => {
        const { held, truth } = simulate(model, HOUR);
        for (const [hour, count] of truth) expect(held.get(hour)).toBe(count);
      }),
      { numRuns: 150 },
    );
  });
});
