import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Hold } from '../policy/holds.js';
import { splitNewlyHeld, type PlannedObject } from './purge-plan.js';

// The rule a hold added while an archive purge runs must never break: just before each deletion batch, no object an
// active hold the plan did not know overlaps in time is sent for deletion — whatever the hold's range, its release or
// expiry, or the object's span (an object dated only by LastModified may hold any earlier data) — and nothing else
// the plan chose is held back.

const AT = new Date('2026-12-04T00:00:00Z');
const T0 = Date.parse('2026-10-01T00:00:00Z');
const MINUTE = 60_000;

const objectArb = fc.record({
  startMin: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
  lengthMin: fc.integer({ min: 1, max: 60 }),
});

const holdArb = fc.record({
  known: fc.boolean(),
  fromMin: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
  // A hold's range is never empty (hold add refuses --to before or at --from).
  lengthMin: fc.option(fc.integer({ min: 1, max: 2_000 }), { nil: undefined }),
  ended: fc.constantFrom('active', 'released', 'expired'),
});

describe('property: a hold added during an archive purge keeps every object it overlaps', () => {
  it('never sends an object a new active hold overlaps; keeps back nothing else', () => {
    fc.assert(
      fc.property(fc.array(objectArb, { minLength: 1, maxLength: 40 }), fc.array(holdArb, { maxLength: 6 }), (objectSpecs, holdSpecs) => {
        const objects: PlannedObject[] = objectSpecs.map((spec, i) => {
          const end = new Date(T0 + ((spec.startMin ?? 5_000) + spec.lengthMin) * MINUTE);
          const start = spec.startMin === undefined ? undefined : new Date(T0 + spec.startMin * MINUTE);
          return { key: `k${i}`, size: 1, lastModified: end, start, end };
        });
        const holds: Hold[] = holdSpecs.map((spec, i) => ({
          id: `hold_${i}`,
          network: '198.51.100.7/32',
          country: undefined,
          from: spec.fromMin === undefined ? undefined : new Date(T0 + spec.fromMin * MINUTE),
          to: spec.fromMin === undefined || spec.lengthMin === undefined ? undefined : new Date(T0 + (spec.fromMin + spec.lengthMin) * MINUTE),
          until: spec.ended === 'expired' ? new Date(AT.getTime() - MINUTE) : undefined,
          releasedAt: spec.ended === 'released' ? new Date(AT.getTime() - MINUTE) : undefined,
          reason: 'police request',
          reference: undefined,
          createdAt: new Date(AT.getTime() - 60 * MINUTE),
          createdBy: 'dpo',
        }));
        const planHoldIds = new Set(holds.filter((_, i) => holdSpecs[i]!.known).map((hold) => hold.id));
        const { kept, toDelete } = splitNewlyHeld(objects, holds, planHoldIds, AT);

        // The oracle, in whole minutes: some minute lies both in the object's span [start, end] (from the beginning of
        // time without a start) and in the hold's range [from, to) (open where a bound is missing).
        const newActive = holdSpecs.filter((spec) => !spec.known && spec.ended === 'active');
        const covered = (object: PlannedObject) => {
          const spec = objectSpecs[Number(object.key.slice(1))]!;
          const objectFrom = spec.startMin ?? -Infinity;
          const objectTo = (spec.startMin ?? 5_000) + spec.lengthMin;
          return newActive.some((hold) => {
            const holdFrom = hold.fromMin ?? -Infinity;
            const holdLast = hold.fromMin === undefined || hold.lengthMin === undefined ? Infinity : hold.fromMin + hold.lengthMin - 1;
            return Math.max(objectFrom, holdFrom) <= Math.min(objectTo, holdLast);
          });
        };
        for (const object of toDelete) expect(covered(object), object.key).toBe(false);
        expect(kept.every(covered)).toBe(true);
        expect([...kept, ...toDelete].map((o) => o.key).sort()).toEqual(objects.map((o) => o.key).sort());
      }),
      { numRuns: 500 },
    );
  });
});
