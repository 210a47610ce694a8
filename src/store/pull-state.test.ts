import { describe, expect, it } from 'vitest';
import type { Db } from './db.js';
import { readAllPullStates, readPullState, writePullState } from './pull-state.js';
import { useTempStore } from '../../test/helpers/store.js';

let db: Db;
useTempStore((opened) => (db = opened));

describe('pull state', () => {
  it('keeps one covered range per zone and dataset, replaced on each write', () => {
    expect(readPullState(db, 'z1', 'firewall_events')).toBeUndefined();
    writePullState(db, { zoneId: 'z1', dataset: 'firewall_events', coveredFrom: 100, coveredTo: 200, lastPullAt: 300 });
    writePullState(db, { zoneId: 'z1', dataset: 'firewall_events', coveredFrom: 100, coveredTo: 250, lastPullAt: 350 });
    writePullState(db, { zoneId: 'z1', dataset: 'http_analytics', coveredFrom: 0, coveredTo: 3600, lastPullAt: 350 });
    expect(readPullState(db, 'z1', 'firewall_events')).toEqual({ zoneId: 'z1', dataset: 'firewall_events', coveredFrom: 100, coveredTo: 250, lastPullAt: 350 });
    expect(readAllPullStates(db).map((s) => s.dataset)).toEqual(['firewall_events', 'http_analytics']);
  });
});
