import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCompactTime, parseCompactTime, selectObjectTime } from './object-time.js';

const DAY_MS = 86_400_000;
const MODIFIED = new Date('2026-12-01T08:00:00Z');
// Whole seconds between 2000 and 2099, as Logpush writes them.
const second = fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 }).map((s) => new Date(s * 1000));
const hash = fc.stringMatching(/^[0-9a-f]{8}$/);
const folderName = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);

describe('selectObjectTime (property)', () => {
  it('a Logpush name gives its end, whatever the folders above it and LastModified', () => {
    fc.assert(
      fc.property(second, fc.integer({ min: 0, max: 3_600 }), hash, fc.array(folderName, { maxLength: 3 }), (start, lengthS, h, folders) => {
        const end = new Date(start.getTime() + lengthS * 1000);
        const key = [...folders, formatCompactTime(start).slice(0, 8), `${formatCompactTime(start)}_${formatCompactTime(end)}_${h}.log.gz`].join('/');
        expect(selectObjectTime(key, MODIFIED)).toEqual({ start, end, source: 'name' });
      }),
    );
  });

  it('any other name under a {DATE} folder: the end of that day', () => {
    fc.assert(
      fc.property(second, folderName, (time, name) => {
        const day = new Date(Math.floor(time.getTime() / DAY_MS) * DAY_MS);
        const key = `logs/${formatCompactTime(day).slice(0, 8)}/${name}.json.gz`;
        expect(selectObjectTime(key, MODIFIED)).toEqual({ start: day, end: new Date(day.getTime() + DAY_MS), source: 'folder' });
      }),
    );
  });

  it('neither a Logpush name nor a {DATE} folder: LastModified', () => {
    fc.assert(
      fc.property(fc.array(folderName, { maxLength: 3 }), folderName, second, (folders, name, modified) => {
        const key = [...folders, `${name}.gz`].join('/');
        expect(selectObjectTime(key, modified)).toEqual({ start: undefined, end: modified, source: 'modified' });
      }),
    );
  });

  it('formatCompactTime and parseCompactTime are inverse on whole seconds', () => {
    fc.assert(
      fc.property(second, (time) => {
        expect(parseCompactTime(formatCompactTime(time))).toEqual(time);
      }),
    );
  });
});

describe('selectObjectTime (examples)', () => {
  it.each([
    ['20261125/20261125T101500Z_20261125T102000Z_ab12cd34.log.gz', '2026-11-25T10:20:00.000Z', 'name'],
    ['firewall/20261125/20261125T101500Z_20261125T102000Z_ab12cd34.log', '2026-11-25T10:20:00.000Z', 'name'],
    // End before start, or an impossible date: not trusted; the folder decides.
    ['20261125/20261125T102000Z_20261125T101500Z_ab12cd34.log.gz', '2026-11-26T00:00:00.000Z', 'folder'],
    ['20261125/20261131T101500Z_20261131T102000Z_ab12cd34.log.gz', '2026-11-26T00:00:00.000Z', 'folder'],
    ['20261125/export.csv', '2026-11-26T00:00:00.000Z', 'folder'],
    ['20261332/export.csv', MODIFIED.toISOString(), 'modified'],
    ['README.txt', MODIFIED.toISOString(), 'modified'],
  ])('%s → %s (%s)', (key, end, source) => {
    const time = selectObjectTime(key, MODIFIED);
    expect({ end: time.end.toISOString(), source: time.source }).toEqual({ end, source });
  });
});
