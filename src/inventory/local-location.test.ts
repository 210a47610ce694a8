import { describe, expect, it } from 'vitest';
import { parseDuration } from '../config/duration.js';
import { buildLocalLocation } from './local-location.js';
import { sayNotes } from '../../test/helpers/notes.js';

const THIRTY_DAYS = parseDuration('30d')!;
const summary = {
  records: 10,
  distinctIps: 4,
  countries: [
    { code: 'US', count: 3 },
    { code: 'KR', count: 7 },
  ],
  oldest: new Date('2025-01-01T00:00:00Z'),
  newest: new Date('2025-02-28T00:00:00Z'),
};

describe('buildLocalLocation', () => {
  it('reports what we hold, under our control and retention, with the purge counts', () => {
    const location = buildLocalLocation({ id: 'local/firewall-events', summary, expiry: { expired: 3, held: 1 }, retention: THIRTY_DAYS });
    const { notes, ...rest } = location;
    expect({ ...rest, notes: sayNotes(notes), notesKo: sayNotes(notes, 'ko') }).toEqual({
      id: 'local/firewall-events',
      kind: 'local',
      records: 10,
      distinctIps: 4,
      countries: [
        { code: 'KR', count: 7 },
        { code: 'US', count: 3 },
      ],
      oldest: summary.oldest,
      newest: summary.newest,
      pastRetention: 3,
      held: 1,
      retention: '30d',
      controlledBy: 'us',
      expires: undefined,
      status: 'ok',
      notes: ['3 record(s) past retention (30d): the next purge deletes them', '1 record(s) past retention are kept by active legal holds'],
      notesKo: ['3건이 보유기간(30d)을 지났습니다: 다음 파기(purge) 때 삭제됩니다', '보유기간이 지난 1건은 유효한 법적 보존 조치(legal hold)로 보관됩니다'],
    });
  });

  it('adds requests and a country-only note for request analytics', () => {
    const location = buildLocalLocation({
      id: 'local/http-analytics',
      summary,
      expiry: { expired: 0, held: 0 },
      retention: THIRTY_DAYS,
      requests: 1234,
      countryOnlyRows: 2,
    });
    expect(location.requests).toBe(1234);
    expect(sayNotes(location.notes)).toEqual(["2 row(s) have countries only: the zone's plan does not offer clientIP"]);
  });

  it('has no requests field on security events and nulls when empty', () => {
    const empty = { records: 0, distinctIps: 0, countries: [], oldest: undefined, newest: undefined };
    const location = buildLocalLocation({ id: 'local/firewall-events', summary: empty, expiry: { expired: 0, held: 0 }, retention: THIRTY_DAYS });
    expect('requests' in location).toBe(false);
    expect(sayNotes(location.notes)).toEqual([]);
    expect(location.oldest).toBeUndefined();
  });
});
