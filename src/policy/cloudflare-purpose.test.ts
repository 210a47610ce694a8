import { describe, expect, it } from 'vitest';
import type { Hold } from './holds.js';
import {
  buildObjectActivity,
  DEFAULT_MAX_STALENESS_MS,
  judgeCloudflareObject,
  selectLastSeen,
  type ObjectActivity,
  type PurposeCandidate,
  type PurposeContext,
  type ZoneEvidence,
} from './cloudflare-purpose.js';
import { sayNotes } from '../../test/helpers/notes.js';

const NOW = new Date('2025-03-01T00:00:00Z');
const DAY = 86_400_000;
const ZONE = 'z1';
const CUTOFF = new Date(NOW.getTime() - 90 * DAY);
const at = (ms: number) => new Date(CUTOFF.getTime() + ms);

const zones = new Map<string, ZoneEvidence>([[ZONE, { zoneId: ZONE, completeFrom: new Date(NOW.getTime() - 200 * DAY), settledTo: NOW }]]);
const ctx = (over: Partial<PurposeContext> = {}): PurposeContext => ({
  retention: { text: '90d', ms: 90 * DAY },
  now: NOW,
  holds: [],
  zones,
  maxStalenessMs: DEFAULT_MAX_STALENESS_MS,
  ...over,
});
const rule = (over: Partial<PurposeCandidate> = {}): PurposeCandidate => ({
  id: 'r1',
  kind: 'access_rule',
  mode: 'block',
  target: 'ip',
  value: '203.0.113.5',
  createdOn: at(-1),
  zoneIds: [ZONE],
  ...over,
});
const activity = (over: Partial<ObjectActivity> = {}): ObjectActivity => ({
  objectId: 'r1',
  kind: 'access_rule',
  lastSeenAt: undefined,
  evidenceFrom: new Date(NOW.getTime() - 200 * DAY),
  foldedTo: NOW,
  ...over,
});
const hold = (network: string, over: Partial<Hold> = {}): Hold => ({
  id: 'h1',
  network,
  country: undefined,
  from: undefined,
  to: undefined,
  until: undefined,
  releasedAt: undefined,
  reason: 'police',
  reference: undefined,
  createdAt: NOW,
  createdBy: 'test',
  ...over,
});

describe('judgeCloudflareObject', () => {
  it.each([
    ['created 1 ms before the cut-off', rule({ createdOn: at(-1) }), 'delete'],
    ['created exactly at the cut-off', rule({ createdOn: at(0) }), 'keep'],
    ['created 1 ms after the cut-off', rule({ createdOn: at(1) }), 'keep'],
    ['challenge', rule({ mode: 'challenge' }), 'delete'],
    ['js_challenge', rule({ mode: 'js_challenge' }), 'delete'],
    ['managed_challenge', rule({ mode: 'managed_challenge' }), 'delete'],
    ['whitelist', rule({ mode: 'whitelist' }), 'keep'],
    ['ip6', rule({ target: 'ip6', value: '2001:db8::1' }), 'delete'],
    ['ip_range', rule({ target: 'ip_range', value: '198.51.100.0/24' }), 'delete'],
    ['country', rule({ target: 'country', value: 'KR' }), 'keep'],
    ['asn', rule({ target: 'asn', value: 'AS64500' }), 'keep'],
    ['unknown mode', rule({ mode: 'log' }), 'keep'],
    ['garbage value', rule({ value: 'not-an-ip' }), 'keep'],
    ['managed list item', rule({ kind: 'list_item', mode: undefined, target: undefined, isManagedList: true }), 'delete'],
    ['unmanaged list item', rule({ kind: 'list_item', mode: undefined, target: undefined, isManagedList: false }), 'keep'],
  ])('%s', (_name, candidate, verdict) => {
    expect(judgeCloudflareObject(candidate, activity({ objectId: candidate.id }), ctx()).verdict).toBe(verdict);
  });

  it.each([
    ['event 1 ms before the cut-off', at(-1), 'delete'],
    ['event exactly at the cut-off', at(0), 'keep'],
    ['event 1 ms after the cut-off', at(1), 'keep'],
  ])('last seen: %s', (_name, lastSeenAt, verdict) => {
    expect(judgeCloudflareObject(rule(), activity({ lastSeenAt }), ctx()).verdict).toBe(verdict);
  });

  it.each([
    ['evidence from 1 ms before the cut-off', at(-1), 'delete'],
    ['evidence exactly from the cut-off', at(0), 'delete'],
    ['evidence from 1 ms after the cut-off', at(1), 'undetermined'],
  ])('coverage: %s', (_name, evidenceFrom, verdict) => {
    expect(judgeCloudflareObject(rule(), activity({ evidenceFrom }), ctx()).verdict).toBe(verdict);
  });

  it('names the date events cover from when undetermined', () => {
    const decision = judgeCloudflareObject(rule(), activity({ evidenceFrom: new Date('2025-02-01T00:00:00Z') }), ctx());
    expect(decision).toEqual({ verdict: 'undetermined', reason: { code: 'undetermined.coverage', since: '2025-02-01T00:00:00.000Z' } });
    const reason = decision.verdict === 'undetermined' ? [decision.reason] : [];
    expect(sayNotes(reason)).toEqual(['undetermined: events cover only since 2025-02-01T00:00:00.000Z']);
    expect(sayNotes(reason, 'ko')).toEqual(['판단 보류: 이벤트가 2025-02-01T00:00:00.000Z 이후만 있음']);
  });

  it('is undetermined without a pull of a relevant zone, without zones, with a stale pull, or without an activity record', () => {
    expect(judgeCloudflareObject(rule({ zoneIds: [ZONE, 'z2'] }), activity(), ctx()).verdict).toBe('undetermined');
    expect(judgeCloudflareObject(rule({ zoneIds: [] }), activity(), ctx()).verdict).toBe('undetermined');
    const stale = new Map([[ZONE, { zoneId: ZONE, completeFrom: new Date(0), settledTo: new Date(NOW.getTime() - DEFAULT_MAX_STALENESS_MS - 1) }]]);
    expect(judgeCloudflareObject(rule(), activity(), ctx({ zones: stale })).verdict).toBe('undetermined');
    expect(judgeCloudflareObject(rule(), undefined, ctx()).verdict).toBe('undetermined');
    // Young and recently seen objects are kept for that reason, whatever the evidence.
    expect(judgeCloudflareObject(rule({ createdOn: NOW }), undefined, ctx())).toEqual({ verdict: 'keep', reason: 'young' });
  });

  it('keeps what an active hold touches (address in a held range, range around a held address), not after release or until', () => {
    expect(judgeCloudflareObject(rule(), activity(), ctx({ holds: [hold('203.0.113.0/24')] }))).toEqual({ verdict: 'held', holdIds: ['h1'] });
    const range = rule({ target: 'ip_range', value: '203.0.113.0/24' });
    expect(judgeCloudflareObject(range, activity(), ctx({ holds: [hold('203.0.113.77')] })).verdict).toBe('held');
    expect(judgeCloudflareObject(rule(), activity(), ctx({ holds: [hold('203.0.114.0/24')] })).verdict).toBe('delete');
    expect(judgeCloudflareObject(rule(), activity(), ctx({ holds: [hold('203.0.113.5', { releasedAt: NOW })] })).verdict).toBe('delete');
    expect(judgeCloudflareObject(rule(), activity(), ctx({ holds: [hold('203.0.113.5', { until: NOW })] })).verdict).toBe('delete');
    expect(judgeCloudflareObject(rule({ mode: 'whitelist' }), activity(), ctx({ holds: [hold('203.0.113.5')] })).verdict).toBe('keep');
  });
});

describe('selectLastSeen', () => {
  const candidates = [
    rule({ id: 'a', value: '203.0.113.5' }),
    rule({ id: 'b', target: 'ip_range', value: '198.51.100.0/24' }),
    rule({ id: 'c', target: 'ip6', value: '2001:db8::1' }),
    rule({ id: 'd', kind: 'list_item', value: '2001:db8:1:2::/64', zoneIds: [ZONE, 'z2'] }),
    rule({ id: 'e', value: '192.0.2.9', zoneIds: ['z2'] }),
  ];
  const ev = (clientIp: string, t: number, zoneId = ZONE, ruleId = '') => ({ zoneId, clientIp, ruleId, lastAt: new Date(t) });

  it('matches exact addresses, ranges, IPv6 spelled differently, rule ids, and only in the object’s zones', () => {
    const seen = selectLastSeen(candidates, [
      ev('203.0.113.5', 10),
      ev('203.0.113.5', 30),
      ev('198.51.100.200', 20),
      ev('198.51.101.1', 99),
      ev('2001:DB8:0::1', 40),
      ev('2001:db8:1:2:ffff::1', 50, 'z2'),
      ev('192.0.2.9', 60, ZONE),
      ev('10.0.0.1', 70, 'z2', 'e'),
    ]);
    expect(Object.fromEntries([...seen].map(([id, date]) => [id, date.getTime()]))).toEqual({ a: 30, b: 20, c: 40, d: 50, e: 70 });
  });

  it('matches nothing on an empty store', () => {
    expect(selectLastSeen(candidates, []).size).toBe(0);
  });
});

describe('buildObjectActivity', () => {
  const T = (days: number) => new Date(NOW.getTime() - days * DAY);
  const z = (from: number, to = 0) => new Map([[ZONE, { zoneId: ZONE, completeFrom: T(from), settledTo: T(to) }]]);
  const event = { zoneId: ZONE, clientIp: '203.0.113.5', ruleId: '', lastAt: T(50) };

  it('starts evidence where the local events start, and keeps the newest event', () => {
    const result = buildObjectActivity([rule()], new Map(), [event], z(120));
    expect(result.get('r1')).toEqual({ objectId: 'r1', kind: 'access_rule', lastSeenAt: T(50), evidenceFrom: T(120), foldedTo: T(0) });
  });

  it('keeps evidence continuous across folds while local events start before the previous fold ended', () => {
    const prior = new Map([['r1', activity({ evidenceFrom: T(120), foldedTo: T(29), lastSeenAt: T(100) })]]);
    const result = buildObjectActivity([rule()], prior, [], z(30));
    expect(result.get('r1')).toMatchObject({ evidenceFrom: T(120), lastSeenAt: T(100), foldedTo: T(0) });
  });

  it('restarts evidence after events were deleted unfolded (a gap)', () => {
    const prior = new Map([['r1', activity({ evidenceFrom: T(120), foldedTo: T(60), lastSeenAt: T(100) })]]);
    const result = buildObjectActivity([rule()], prior, [], z(30));
    expect(result.get('r1')).toMatchObject({ evidenceFrom: T(30), lastSeenAt: T(100) });
  });

  it('leaves the record alone when a relevant zone has no pull, and creates none', () => {
    const prior = new Map([['r1', activity()]]);
    expect(buildObjectActivity([rule({ zoneIds: ['zz'] })], prior, [], z(30)).get('r1')).toBe(prior.get('r1'));
    expect(buildObjectActivity([rule({ zoneIds: ['zz'] })], new Map(), [], z(30)).size).toBe(0);
  });
});
