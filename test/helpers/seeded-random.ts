/** A small deterministic PRNG (mulberry32), so a seeded data set is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An age in seconds under `maxDays` days, kept an hour away from every boundary a test checks, so run time cannot flip one. */
export function ageAwayFromBoundaries(next: () => number, maxDays: number, boundaries: readonly number[]): number {
  for (;;) {
    const age = Math.floor(next() * maxDays * 86_400);
    if (boundaries.every((b) => Math.abs(age - b) > 3_600)) return age;
  }
}
