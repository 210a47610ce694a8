import { describe, expect, it } from 'vitest';
import type { Db } from './db.js';
import { createHttpAnalyticsWriter, listHttpAnalytics } from './http-analytics.js';
import { useTempStore } from '../../test/helpers/store.js';

let db: Db;
useTempStore((opened) => (db = opened));

describe('http analytics writer', () => {
  it('inserts new groups, overwrites the count of held ones and counts those that changed (re-pulling an hour is idempotent)', () => {
    const writer = createHttpAnalyticsWriter(db);
    const row = { zoneId: 'z1', hour: 1_760_954_400, clientIp: '203.0.113.69', clientCountry: 'GB', requests: 5 };
    expect(writer.upsert([row, { ...row, clientIp: '', requests: 9 }])).toEqual({ inserted: 2, updated: 0, changed: 0 });
    expect(writer.upsert([{ ...row, requests: 7 }])).toEqual({ inserted: 0, updated: 1, changed: 1 });
    expect(
      writer.upsert([
        { ...row, requests: 7 },
        { ...row, clientIp: '', requests: 9 },
      ]),
    ).toEqual({ inserted: 0, updated: 2, changed: 0 });
    expect(listHttpAnalytics(db, 'z1')).toEqual([
      { zoneId: 'z1', hour: 1_760_954_400, clientIp: '', clientCountry: 'GB', requests: 9 },
      { zoneId: 'z1', hour: 1_760_954_400, clientIp: '203.0.113.69', clientCountry: 'GB', requests: 7 },
    ]);
  });
});
