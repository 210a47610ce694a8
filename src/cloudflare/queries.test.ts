import { describe, expect, it } from 'vitest';
import { isFieldAvailable, type DatasetSettings } from './queries.js';

const settings = (availableFields: string[]): DatasetSettings => ({
  enabled: true,
  maxDuration: 86_400,
  maxNumberOfFields: 40,
  maxPageSize: 10_000,
  notOlderThan: 691_200,
  availableFields,
});

// G1: documented underscore paths; dotted paths and bare names are accepted as well.
const SPELLINGS: [string, string[]][] = [
  ['underscore', ['count', 'dimensions_clientIP', 'dimensions_datetimeHour', 'dimensions_clientCountryName', 'sum_requests']],
  ['dotted', ['count', 'dimensions.clientIP', 'dimensions.datetimeHour', 'dimensions.clientCountryName', 'sum.requests']],
  ['bare', ['count', 'clientIP', 'datetimeHour', 'clientCountryName', 'requests']],
];

describe('isFieldAvailable', () => {
  it.each(SPELLINGS)('finds fields listed in the %s spelling, asked for in any spelling', (_name, listed) => {
    const s = settings(listed);
    for (const wanted of ['clientIP', 'dimensions_clientIP', 'dimensions.clientIP', 'datetimeHour', 'count', 'sum_requests', 'sum.requests']) {
      expect(isFieldAvailable(s, wanted)).toBe(true);
    }
  });

  it.each(SPELLINGS)('does not find what the %s list leaves out, nor a field that only shares a prefix', (_name, listed) => {
    const s = settings(listed);
    for (const missing of ['clientAsn', 'dimensions_clientAsn', 'clientIPClass', 'dimensions', 'avg_sampleInterval', 'sum_visits']) {
      expect(isFieldAvailable(s, missing)).toBe(false);
    }
  });
});
