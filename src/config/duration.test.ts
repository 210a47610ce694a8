import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['30d', 30 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['45m', 45 * 60_000],
    ['90s', 90_000],
    ['P30D', 30 * 86_400_000],
    ['PT12H', 12 * 3_600_000],
    ['P1W', 7 * 86_400_000],
    ['P1DT1H30M', 86_400_000 + 5_400_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)?.ms).toBe(ms);
  });

  it.each(['30x', '', 'P', 'PT', 'P1M', 'P1Y', '-5d', '1.5d', 'thirty days'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
