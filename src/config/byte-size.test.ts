import { describe, expect, it } from 'vitest';
import { formatByteSize, parseByteSize } from './byte-size.js';

describe('parseByteSize', () => {
  it.each([
    [0, 0],
    [1_000_000, 1_000_000],
    ['1000000', 1_000_000],
    ['500MB', 500_000_000],
    ['2GB', 2_000_000_000],
    ['2 gb', 2_000_000_000],
    ['1.5GB', 1_500_000_000],
    ['64kB', 64_000],
    ['10B', 10],
    ['1TB', 1e12],
  ])('%j → %d bytes', (value, bytes) => {
    expect(parseByteSize(value)?.bytes).toBe(bytes);
  });

  it.each([-1, 1.5, '1GiB', '2G', 'GB', '', 'lots', '-5MB', null, true, 1e300, '99999999TB'])('%j is no size', (value) => {
    expect(parseByteSize(value)).toBeUndefined();
  });
});

describe('formatByteSize', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1_500_000, '1.5MB'],
    [1e9, '1GB'],
    [2_345_000_000, '2.3GB'],
  ])('%d → %s', (bytes, text) => {
    expect(formatByteSize(bytes)).toBe(text);
  });
});
