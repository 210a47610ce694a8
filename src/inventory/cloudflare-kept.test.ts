import { describe, expect, it } from 'vitest';
import { buildCloudflareKeptLocation, parseZoneSettings, selectWindowStart, type ZoneWindowInput } from './cloudflare-kept.js';
import { sayNotes } from '../../test/helpers/notes.js';

const NOW = new Date('2025-03-01T00:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const ZONE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const ZONE_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const EMPTY = { records: 0, distinctIps: 0, countries: [], oldest: undefined, newest: undefined };

describe('parseZoneSettings', () => {
  it.each([
    ['absent', undefined, { windowSeconds: undefined, problem: 'missing' }],
    [
      'as a pull stores it',
      '{"firewallEventsAdaptive":{"notOlderThan":86400,"maxDuration":86400,"maxPageSize":10000},"httpRequestsAdaptiveGroups":{}}',
      { windowSeconds: 86400, problem: undefined },
    ],
    ['not JSON', '{nope', { windowSeconds: undefined, problem: 'malformed' }],
    ['no firewall dataset', '{"httpRequestsAdaptiveGroups":{"notOlderThan":1}}', { windowSeconds: undefined, problem: 'malformed' }],
    ['a string window', '{"firewallEventsAdaptive":{"notOlderThan":"86400"}}', { windowSeconds: undefined, problem: 'malformed' }],
    ['a zero window', '{"firewallEventsAdaptive":{"notOlderThan":0}}', { windowSeconds: undefined, problem: 'malformed' }],
    ['null', 'null', { windowSeconds: undefined, problem: 'malformed' }],
  ])('%s', (_, text, expected) => {
    expect(parseZoneSettings(text)).toEqual(expected);
  });
});

describe('selectWindowStart', () => {
  it('is now minus the window, in whole seconds', () => {
    expect(selectWindowStart(86_400, NOW)).toBe(NOW_S - 86_400);
  });
  it('rounds a fractional now up: an event exactly window seconds old at that instant is already out', () => {
    expect(selectWindowStart(86_400, new Date(NOW.getTime() + 1))).toBe(NOW_S - 86_400 + 1);
    expect(selectWindowStart(86_400, new Date(NOW.getTime() - 1))).toBe(NOW_S - 86_400);
  });
});

describe('buildCloudflareKeptLocation', () => {
  const zoneA: ZoneWindowInput = {
    zoneId: ZONE_A,
    name: 'luxeret.com',
    isConfigured: true,
    settings: { windowSeconds: 86_400, problem: undefined },
    span: { records: 5, oldest: new Date('2025-02-28T01:00:00Z'), newest: new Date('2025-02-28T20:00:00Z') },
  };
  const zoneB: ZoneWindowInput = {
    zoneId: ZONE_B,
    name: undefined,
    isConfigured: true,
    settings: { windowSeconds: 2_678_400, problem: undefined },
    span: { records: 3, oldest: new Date('2025-02-01T00:00:00Z'), newest: new Date('2025-02-10T00:00:00Z') },
  };

  it('reports each zone window, the expiry of the newest copy, and nothing for us to purge', () => {
    const summary = {
      records: 8,
      distinctIps: 3,
      countries: [
        { code: 'US', count: 2 },
        { code: 'KR', count: 6 },
      ],
      oldest: zoneB.span!.oldest,
      newest: zoneA.span!.newest,
    };
    const location = buildCloudflareKeptLocation({ zones: [zoneA, zoneB], summary });
    expect(location).toMatchObject({
      id: 'cloudflare/firewall-events',
      kind: 'cloudflare',
      records: 8,
      distinctIps: 3,
      countries: [
        { code: 'KR', count: 6 },
        { code: 'US', count: 2 },
      ],
      pastRetention: 0,
      held: 0,
      retention: '1d/31d',
      controlledBy: 'cloudflare',
      status: 'ok',
    });
    // zone A: newest 2025-02-28T20:00 + 1 day; zone B: 2025-02-10 + 31 days = 2025-03-13: the later one wins.
    expect(location.expires).toEqual(new Date('2025-03-13T00:00:00Z'));
    expect(location.zones).toEqual([
      {
        zoneId: ZONE_A,
        name: 'luxeret.com',
        windowSeconds: 86_400,
        records: 5,
        oldest: zoneA.span!.oldest,
        newest: zoneA.span!.newest,
        expires: new Date('2025-03-01T20:00:00Z'),
      },
      {
        zoneId: ZONE_B,
        name: undefined,
        windowSeconds: 2_678_400,
        records: 3,
        oldest: zoneB.span!.oldest,
        newest: zoneB.span!.newest,
        expires: new Date('2025-03-13T00:00:00Z'),
      },
    ]);
    expect(sayNotes(location.notes)).toEqual([
      `zone luxeret.com (${ZONE_A}): kept by Cloudflare for 1 day; not deletable through the API; the pulled copies age out from 2025-03-01T01:00:00Z to 2025-03-01T20:00:00Z`,
      `zone ${ZONE_B}: kept by Cloudflare for 31 days; not deletable through the API; the pulled copies age out from 2025-03-04T00:00:00Z to 2025-03-13T00:00:00Z`,
      'counts are the events we pulled: Cloudflare may hold more (events never pulled)',
    ]);
    expect(sayNotes(location.notes, 'ko')).toEqual([
      `영역 luxeret.com (${ZONE_A}): Cloudflare가 1일 동안 보관하며 API로 삭제할 수 없음; 가져온 사본은 2025-03-01T01:00:00Z부터 2025-03-01T20:00:00Z까지 차례로 만료됩니다`,
      `영역 ${ZONE_B}: Cloudflare가 31일 동안 보관하며 API로 삭제할 수 없음; 가져온 사본은 2025-03-04T00:00:00Z부터 2025-03-13T00:00:00Z까지 차례로 만료됩니다`,
      '건수는 우리가 가져온(pull) 보안 이벤트입니다: Cloudflare에는 가져오지 않은 보안 이벤트가 더 있을 수 있습니다',
    ]);
  });

  it('says when the window is unknown or unreadable, and counts nothing for that zone', () => {
    const unknown: ZoneWindowInput = {
      zoneId: ZONE_A,
      name: undefined,
      isConfigured: true,
      settings: { windowSeconds: undefined, problem: 'missing' },
      span: undefined,
    };
    const garbled: ZoneWindowInput = {
      zoneId: ZONE_B,
      name: undefined,
      isConfigured: false,
      settings: { windowSeconds: undefined, problem: 'malformed' },
      span: { records: 9, oldest: undefined, newest: undefined },
    };
    const location = buildCloudflareKeptLocation({ zones: [unknown, garbled], summary: EMPTY });
    expect(location.retention).toBeUndefined();
    expect(location.expires).toBeUndefined();
    expect(location.zones?.map((zone) => zone.records)).toEqual([undefined, undefined]);
    expect(sayNotes(location.notes)).toEqual([
      `zone ${ZONE_A}: window unknown; run pull to learn this zone's window`,
      `zone ${ZONE_B} is not in the config; its pulled events are still reported`,
      `zone ${ZONE_B}: its stored settings are unreadable; run pull to learn this zone's window`,
      'counts are the events we pulled: Cloudflare may hold more (events never pulled)',
    ]);
    expect(sayNotes(location.notes, 'ko')[2]).toBe(`영역 ${ZONE_B}: 저장된 설정을 읽을 수 없음; pull을 실행하면 이 영역의 보관 기간을 알 수 있습니다`);
  });

  it('has no expiry when no pulled event is inside the window', () => {
    const quiet: ZoneWindowInput = { ...zoneA, span: { records: 0, oldest: undefined, newest: undefined } };
    const location = buildCloudflareKeptLocation({ zones: [quiet], summary: EMPTY });
    expect(location.expires).toBeUndefined();
    expect(sayNotes(location.notes)[0]).toContain('no pulled event is still inside the window');
  });

  it('says so when no zone is configured', () => {
    const location = buildCloudflareKeptLocation({ zones: [], summary: EMPTY });
    expect(sayNotes(location.notes)).toEqual(['no zones configured']);
    expect(location.zones).toEqual([]);
  });
});
