import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseSinceOption, parseTimeOption } from './options.js';

const savedTz = process.env['TZ'];
afterEach(() => {
  if (savedTz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = savedTz;
});

describe('parseTimeOption: never the machine zone', () => {
  it.each([
    ['2027-06-01', 'UTC', '2027-06-01T00:00:00.000Z', 'UTC'],
    ['2027-06-01', 'Asia/Seoul', '2027-05-31T15:00:00.000Z', 'Asia/Seoul'],
    ['2027-06-01T09:30', 'Asia/Seoul', '2027-06-01T00:30:00.000Z', 'Asia/Seoul'],
    ['2027-06-01 09:30:15', 'UTC', '2027-06-01T09:30:15.000Z', 'UTC'],
    ['2027-01-15T12:00', 'America/New_York', '2027-01-15T17:00:00.000Z', 'America/New_York'],
    ['2027-06-01T00:00:00Z', 'Asia/Seoul', '2027-06-01T00:00:00.000Z', undefined],
    ['2027-06-01T09:00:00+09:00', 'UTC', '2027-06-01T00:00:00.000Z', undefined],
    ['2027-06-01T09:00:00-0130', 'UTC', '2027-06-01T10:30:00.000Z', undefined],
  ])('%s in %s is %s', (value, zone, iso, readInZone) => {
    for (const machine of ['Asia/Seoul', 'America/Los_Angeles', 'UTC']) {
      process.env['TZ'] = machine;
      expect(parseTimeOption('--until', value, zone)).toEqual({ at: new Date(iso), readInZone });
    }
  });

  it.each([
    'next tuesday',
    '2027-02-30',
    '2027-13-01',
    '2027-06-01T25:00Z',
    '2027',
    '06/01/2027',
    '2027-06-01T09:00+9',
    '',
    '2026-06-01T00:00+25:00',
    '2026-06-01T00:00+99',
    '2026-06-01T00:00-15:00',
    '2026-06-01T00:00+09:60',
    '2026-06-01T12:61Z',
  ])('%j is a usage error naming the option', (value) => {
    expect(() => parseTimeOption('--from', value)).toThrow(UsageError);
    expect(() => parseTimeOption('--from', value)).toThrow(/--from/);
  });
});

describe('parseSinceOption', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  it('reads a duration before now, or a time', () => {
    expect(parseSinceOption('--since', '2d', now).at).toEqual(new Date('2026-02-27T00:00:00Z'));
    expect(parseSinceOption('--since', '2026-02-01', now, 'Asia/Seoul').at).toEqual(new Date('2026-01-31T15:00:00Z'));
  });

  it.each(['200000000d', 'P99999999D', 'soon'])('refuses %j with a usage error, not a crash', (value) => {
    expect(() => parseSinceOption('--since', value, now)).toThrow(UsageError);
  });
});
