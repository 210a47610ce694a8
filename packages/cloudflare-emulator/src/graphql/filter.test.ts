import { describe, expect, it } from 'vitest';
import { compileFilter, secondRange, timeBounds, type Accessor } from './filter.js';

interface Row {
  ts: number;
  rayName: string;
  status: number;
  country: string;
}
const access: Accessor<Row> = (row, field) =>
  field === 'datetime'
    ? row.ts
    : field === 'datetimeHour'
      ? row.ts - (row.ts % 3600)
      : field === 'edgeResponseStatus'
        ? row.status
        : field === 'clientCountryName'
          ? row.country
          : row.rayName;
const T0 = Date.parse('2026-10-20T10:00:00Z') / 1000;
const rows: Row[] = [
  { ts: T0 - 1, rayName: 'a1', status: 200, country: 'GB' },
  { ts: T0, rayName: 'b2', status: 403, country: 'DE' },
  { ts: T0, rayName: 'c3', status: 403, country: 'FR' },
  { ts: T0 + 3600, rayName: 'd4', status: 200, country: 'GB' },
];
const select = (filter: Record<string, unknown>): string[] => rows.filter(compileFilter(filter, access, rows[0])).map((r) => r.rayName);

describe('compileFilter', () => {
  it.each<[Record<string, unknown>, string[]]>([
    [{ datetime_geq: '2026-10-20T10:00:00Z' }, ['b2', 'c3', 'd4']],
    [{ datetime_gt: '2026-10-20T10:00:00Z' }, ['d4']],
    [{ datetime_lt: '2026-10-20T10:00:00Z' }, ['a1']],
    [{ datetime_leq: '2026-10-20T10:00:00.000Z' }, ['a1', 'b2', 'c3']],
    [{ datetime: '2026-10-20T10:00:00Z', rayName_gt: 'b2' }, ['c3']],
    [{ edgeResponseStatus: 403, clientCountryName_neq: 'FR' }, ['b2']],
    [{ clientCountryName_in: ['GB', 'FR'] }, ['a1', 'c3', 'd4']],
    [{ clientCountryName_notin: ['GB'] }, ['b2', 'c3']],
    [{ rayName_like: '%3' }, ['c3']],
    [{ OR: [{ rayName: 'a1' }, { rayName: 'd4' }] }, ['a1', 'd4']],
    [{ AND: [{ datetime_geq: '2026-10-20T10:00:00Z' }, { edgeResponseStatus_lt: 300 }] }, ['d4']],
    [{ datetimeHour: '2026-10-20T10:00:00Z' }, ['b2', 'c3']],
    [{}, ['a1', 'b2', 'c3', 'd4']],
  ])('%j', (filter, expected) => {
    expect(select(filter)).toEqual(expected);
  });

  it('rejects an unparsable time', () => {
    expect(() => compileFilter({ datetime_geq: 'yesterday' }, access)).toThrow('error parsing args');
  });
});

describe('timeBounds / secondRange', () => {
  it.each<[Record<string, unknown>, { fromTs: number; toTs: number }]>([
    [
      { datetime_geq: '2026-10-20T10:00:00Z', datetime_lt: '2026-10-20T11:00:00Z' },
      { fromTs: T0, toTs: T0 + 3599 },
    ],
    [
      { datetime_gt: '2026-10-20T10:00:00Z', datetime_leq: '2026-10-20T11:00:00Z' },
      { fromTs: T0 + 1, toTs: T0 + 3600 },
    ],
    [
      { datetime_geq: '2026-10-20T10:00:00.500Z', datetime_lt: '2026-10-20T10:00:01.500Z' },
      { fromTs: T0 + 1, toTs: T0 + 1 },
    ],
    [{ datetime: '2026-10-20T10:00:00Z' }, { fromTs: T0, toTs: T0 }],
    [
      { datetimeHour_geq: '2026-10-20T09:30:00Z', datetimeHour_leq: '2026-10-20T10:30:00Z' },
      { fromTs: T0, toTs: T0 + 3599 },
    ],
    [{ date: '2026-10-20' }, { fromTs: T0 - 36_000, toTs: T0 - 36_000 + 86_399 }],
    [{ AND: [{ datetime_geq: '2026-10-20T09:00:00Z' }, { datetime_geq: '2026-10-20T10:00:00Z' }] }, { fromTs: T0, toTs: Number.POSITIVE_INFINITY }],
    [{ OR: [{ datetime: '2026-10-20T10:00:00Z' }, { datetime: '2026-10-20T10:00:05Z' }] }, { fromTs: T0, toTs: T0 + 5 }],
  ])('%j', (filter, expected) => {
    expect(secondRange(timeBounds(filter))).toEqual(expected);
  });

  it('leaves the start open without a lower bound', () => {
    expect(timeBounds({ datetime_lt: '2026-10-20T10:00:00Z' }).from).toBeUndefined();
  });
});
