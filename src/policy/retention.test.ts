import { describe, expect, it } from 'vitest';
import { parseDuration } from '../config/duration.js';
import { buildHoldMatcher, isHoldActive, type Hold } from './holds.js';
import { isPastRetention, retentionCutoff } from './retention.js';

const NOW = new Date('2025-03-01T00:00:00Z');
const THIRTY_DAYS = parseDuration('30d')!;
const CUTOFF = new Date('2025-01-30T00:00:00Z');

describe('isPastRetention', () => {
  it('puts the cut-off exactly one retention before now', () => {
    expect(retentionCutoff(THIRTY_DAYS, NOW)).toEqual(CUTOFF);
  });

  it.each([
    ['exactly at the cut-off', 0, false],
    ['one second before the cut-off', -1000, true],
    ['one second after the cut-off', 1000, false],
    ['one millisecond before', -1, true],
    ['far in the past', -365 * 86_400_000, true],
    ['in the future (clock skew)', 40 * 86_400_000, false],
  ])('%s', (_, offsetMs, expected) => {
    expect(isPastRetention(new Date(CUTOFF.getTime() + offsetMs), THIRTY_DAYS, NOW)).toBe(expected);
  });

  it('follows a retention shortened between runs', () => {
    const record = new Date('2025-02-10T00:00:00Z');
    expect(isPastRetention(record, THIRTY_DAYS, NOW)).toBe(false);
    expect(isPastRetention(record, parseDuration('14d')!, NOW)).toBe(true);
  });
});

function hold(overrides: Partial<Hold>): Hold {
  return {
    id: 'h1',
    network: '198.51.100.0/24',
    country: undefined,
    from: undefined,
    to: undefined,
    until: undefined,
    releasedAt: undefined,
    reason: 'police request',
    reference: undefined,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    createdBy: 'tester@host',
    ...overrides,
  };
}

describe('holds', () => {
  it('stops protecting once released or past until', () => {
    expect(isHoldActive(hold({}), NOW)).toBe(true);
    expect(isHoldActive(hold({ until: NOW }), NOW)).toBe(false);
    expect(isHoldActive(hold({ until: new Date(NOW.getTime() + 1) }), NOW)).toBe(true);
    expect(isHoldActive(hold({ releasedAt: new Date('2025-02-01T00:00:00Z') }), NOW)).toBe(false);
  });

  it.each([
    ['inside the range', { ip: '198.51.100.7', country: 'KR', at: CUTOFF }, {}, true],
    ['outside the range', { ip: '198.51.101.7', country: 'KR', at: CUTOFF }, {}, false],
    ['other country', { ip: '198.51.100.7', country: 'US', at: CUTOFF }, { country: 'KR' }, false],
    ['same country, any case', { ip: '198.51.100.7', country: 'kr', at: CUTOFF }, { country: 'KR' }, true],
    ['before from', { ip: '198.51.100.7', country: 'KR', at: CUTOFF }, { from: new Date(CUTOFF.getTime() + 1) }, false],
    ['at to (exclusive)', { ip: '198.51.100.7', country: 'KR', at: CUTOFF }, { to: CUTOFF }, false],
    ['IPv6 in an IPv6 hold', { ip: '2001:db8::5', country: 'DE', at: CUTOFF }, { network: '2001:db8::/64' }, true],
    ['released', { ip: '198.51.100.7', country: 'KR', at: CUTOFF }, { releasedAt: CUTOFF }, false],
  ])('matches %s', (_, candidate, overrides, expected) => {
    expect(buildHoldMatcher([hold(overrides)], NOW)(candidate)).toBe(expected);
  });

  it('matches nothing with no holds', () => {
    expect(buildHoldMatcher([], NOW)({ ip: '198.51.100.7', country: 'KR', at: CUTOFF })).toBe(false);
  });
});
