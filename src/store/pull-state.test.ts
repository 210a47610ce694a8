import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore, type Db } from './db.js';
import { MIGRATIONS } from './migrations/index.js';
import { readAllPullStates, readPullState, writePullState } from './pull-state.js';
import { useTempStore } from '../../test/helpers/store.js';

let db: Db;
useTempStore((opened) => (db = opened));

describe('pull state', () => {
  it('keeps one covered and settled range per zone and dataset, replaced on each write', () => {
    expect(readPullState(db, 'z1', 'firewall_events')).toBeUndefined();
    writePullState(db, { zoneId: 'z1', dataset: 'firewall_events', coveredFrom: 100, coveredTo: 200, settledTo: 150, lastPullAt: 300 });
    writePullState(db, { zoneId: 'z1', dataset: 'firewall_events', coveredFrom: 100, coveredTo: 250, settledTo: 190, lastPullAt: 350 });
    writePullState(db, { zoneId: 'z1', dataset: 'http_analytics', coveredFrom: 0, coveredTo: 3600, settledTo: 0, lastPullAt: 350 });
    expect(readPullState(db, 'z1', 'firewall_events')).toEqual({
      zoneId: 'z1',
      dataset: 'firewall_events',
      coveredFrom: 100,
      coveredTo: 250,
      settledTo: 190,
      lastPullAt: 350,
    });
    expect(readAllPullStates(db).map((s) => s.dataset)).toEqual(['firewall_events', 'http_analytics']);
  });
});

describe('migration "settled pull coverage"', () => {
  it('settles what an earlier pull covered up to 10 minutes before it ran, never past its coverage or before its start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'luxeret-'));
    try {
      const path = join(dir, 'old.db');
      const old = new Database(path);
      for (const migration of MIGRATIONS.filter((m) => m.version < 5)) old.exec(migration.sql);
      old.pragma('user_version = 4');
      const insert = old.prepare('INSERT INTO pull_state (zone_id, dataset, covered_from, covered_to, last_pull_at) VALUES (?, ?, ?, ?, ?)');
      insert.run('z1', 'firewall_events', 1000, 9880, 10_000); // old 120 s settle: covered to the pull time less 2 minutes
      insert.run('z2', 'firewall_events', 9500, 9880, 10_000); // covers less than the 10 minutes before the pull
      insert.run('z3', 'http_analytics', 0, 7200, 20_000); // pulled long after its coverage ends
      old.close();
      const migrated = openStore(path);
      expect(readAllPullStates(migrated).map((s) => [s.zoneId, s.settledTo])).toEqual([
        ['z1', 9400],
        ['z2', 9500],
        ['z3', 7200],
      ]);
      migrated.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
