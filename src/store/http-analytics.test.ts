import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Db } from './db.js';
import { createHttpAnalyticsWriter, listHttpAnalytics } from './http-analytics.js';

let db: Db;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxeret-'));
  db = openStore(join(dir, 'luxeret.db'), { create: true });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('http analytics writer', () => {
  it('inserts new groups and overwrites the count of held ones (re-pulling an hour is idempotent)', () => {
    const writer = createHttpAnalyticsWriter(db);
    const row = { zoneId: 'z1', hour: 1_760_954_400, clientIp: '203.0.113.69', clientCountry: 'GB', requests: 5 };
    expect(writer.upsert([row, { ...row, clientIp: '', requests: 9 }])).toEqual({ inserted: 2, updated: 0 });
    expect(writer.upsert([{ ...row, requests: 7 }])).toEqual({ inserted: 0, updated: 1 });
    expect(listHttpAnalytics(db, 'z1')).toEqual([
      { zoneId: 'z1', hour: 1_760_954_400, clientIp: '', clientCountry: 'GB', requests: 9 },
      { zoneId: 'z1', hour: 1_760_954_400, clientIp: '203.0.113.69', clientCountry: 'GB', requests: 7 },
    ]);
  });
});
