import { describe, expect, it } from 'vitest';
import { formatDurationUnits } from './duration-units.js';

describe('formatDurationUnits', () => {
  it.each([
    [86_400_000, '1d'],
    [691_200_000, '1w1d'],
    [(4 * 7 + 2) * 86_400_000, '4w2d'],
    [259_232_000, '3d32s'],
    [60_500, '1m500ms'],
    [3_600_000 + 1, '1h1ms'],
    [0, '0s'],
    [-5, '0s'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDurationUnits(ms)).toBe(text);
  });
});
