import { describe, expect, it } from 'vitest';
import { formatProgress } from './progress-line.js';

describe('formatProgress', () => {
  it.each([
    [undefined, undefined, 0, 'purge: plan'],
    [0, 0, 1000, 'purge: plan'],
    [100, 400, 2000, 'purge: plan 100/400 · 50/s · ETA 6s'],
    [400, 400, 2000, 'purge: plan 400/400 · 200/s'],
    [10, 10_000, 10_000, 'purge: plan 10/10,000 · 1/s · ETA 166m30s'],
  ])('%s of %s after %d ms', (done, total, elapsedMs, expected) => {
    expect(formatProgress('purge: plan', done, total, 0, elapsedMs)).toBe(expected);
  });
});
