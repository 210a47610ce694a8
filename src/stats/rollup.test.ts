import { describe, expect, it } from 'vitest';
import type { Db } from '../store/db.js';
import { readRollUpMarkers, readStatsCells } from '../store/stats.js';
import { rollUpBeforeErase, startRollUpBeforePurge, type RollUpResult } from './rollup.js';
import { useTempStore } from '../../test/helpers/store.js';

const DAY = 86_400;
const NOW = new Date('2025-03-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const TODAY = NOW_S - (NOW_S % DAY);
const SETTINGS = { minCount: 3, now: NOW };

let db: Db;
useTempStore((opened) => (db = opened));

/** `ips` distinct IPs in `country`, one event each, at `at + i` seconds. */
function addEvents(zone: string, at: number, country: string, ips: number, prefix = '198.18.0.'): number[] {
  const insert = db.prepare(
    `INSERT INTO firewall_events (zone_id, datetime, ray_name, client_ip, client_country, action, source) VALUES (?, ?, ?, ?, ?, 'block', 'waf')`,
  );
  return Array.from({ length: ips }, (_, i) => Number(insert.run(zone, at + i, `ray-${zone}-${at}-${country}-${i}`, `${prefix}${i}`, country).lastInsertRowid));
}

const rollUpBeforePurge = (...args: Parameters<typeof startRollUpBeforePurge>): RollUpResult => startRollUpBeforePurge(...args).finish();

const cells = () =>
  readStatsCells(db).map(({ day, zoneId, country, count, distinctIps }) => ({ day: (day - TODAY) / DAY, zoneId, country, count, distinctIps }));

describe('rollUpBeforePurge', () => {
  it('rolls a day up whole, once, even when the cut-off falls inside it', () => {
    const day = TODAY - 30 * DAY;
    addEvents('z1', day + 100, 'KR', 4);
    addEvents('z1', day + 80_000, 'KR', 4, '198.18.0.'); // the same 4 IPs later that day, after the cut-off
    addEvents('z1', day + 100, 'US', 2);
    const cutoff = new Date((day + 40_000) * 1000);
    expect(rollUpBeforePurge(db, SETTINGS, 'local/firewall-events', cutoff)).toEqual({ units: 1, cells: 1, suppressedCells: 1, deferredUnits: 0 });
    expect(cells()).toEqual([{ day: -30, zoneId: 'z1', country: 'KR', count: 8, distinctIps: 4 }]);
    // The purge deletes the rows before the cut-off; a later run reaches the rest of the day: not counted again.
    db.prepare('DELETE FROM firewall_events WHERE datetime < ?').run(day + 40_000);
    expect(rollUpBeforePurge(db, SETTINGS, 'local/firewall-events', new Date((day + DAY) * 1000)).units).toBe(0);
    expect(rollUpBeforePurge(db, SETTINGS, 'local/firewall-events', new Date((day + DAY) * 1000)).units).toBe(0);
    expect(cells()).toEqual([{ day: -30, zoneId: 'z1', country: 'KR', count: 8, distinctIps: 4 }]);
    expect(readRollUpMarkers(db)).toEqual([{ dataset: 'firewall_events', day, zoneId: 'z1', rolledUpFor: 'purge', cells: 1, suppressedCells: 1 }]);
  });

  it('counts the rows that its own transaction deletes while the counting runs', () => {
    const day = TODAY - 30 * DAY;
    addEvents('z1', day + 100, 'KR', 5);
    addEvents('z2', day + 200, 'US', 4, '198.18.3.');
    db.transaction(() => {
      const pending = startRollUpBeforePurge(db, SETTINGS, 'local/firewall-events', new Date((day + DAY) * 1000));
      expect(db.prepare('DELETE FROM firewall_events').run().changes).toBe(9);
      expect(pending.finish()).toEqual({ units: 2, cells: 2, suppressedCells: 0, deferredUnits: 0 });
    }).immediate();
    expect(cells()).toEqual([
      { day: -30, zoneId: 'z1', country: 'KR', count: 5, distinctIps: 5 },
      { day: -30, zoneId: 'z2', country: 'US', count: 4, distinctIps: 4 },
    ]);
  });

  it('writes nothing when the transaction rolls back', () => {
    const day = TODAY - 30 * DAY;
    addEvents('z1', day + 100, 'KR', 5);
    expect(() =>
      db.transaction(() => {
        const pending = startRollUpBeforePurge(db, SETTINGS, 'local/firewall-events', new Date((day + DAY) * 1000));
        db.prepare('DELETE FROM firewall_events').run();
        pending.finish();
        throw new Error('the outcome entry could not be written');
      })(),
    ).toThrow('outcome entry');
    expect(cells()).toEqual([]);
    expect(readRollUpMarkers(db)).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM firewall_events').get()).toEqual({ n: 5 });
  });

  it('counts each sampled event as its sample interval, and IPs as they are', () => {
    const day = TODAY - 30 * DAY;
    addEvents('z1', day + 100, 'KR', 4);
    db.prepare('UPDATE firewall_events SET sample_interval = 10').run();
    rollUpBeforePurge(db, SETTINGS, 'local/firewall-events', new Date((day + DAY) * 1000));
    expect(cells()).toEqual([{ day: -30, zoneId: 'z1', country: 'KR', count: 40, distinctIps: 4 }]);
  });

  it('leaves a day alone while none of its rows is past the cut-off', () => {
    addEvents('z1', TODAY - 10 * DAY + 50_000, 'KR', 5);
    expect(rollUpBeforePurge(db, SETTINGS, 'local/firewall-events', new Date((TODAY - 10 * DAY + 50_000) * 1000)).units).toBe(0);
    expect(rollUpBeforePurge(db, SETTINGS, 'local/firewall-events', new Date((TODAY - 10 * DAY + 50_001) * 1000)).units).toBe(1);
  });

  it("on the cut-off's own day, rolls up only the zones with a row before the cut-off", () => {
    const day = TODAY - 30 * DAY;
    addEvents('z1', day + 100, 'KR', 3);
    addEvents('z2', day + 60_000, 'KR', 3, '198.18.7.');
    expect(rollUpBeforePurge(db, SETTINGS, 'local/firewall-events', new Date((day + 50_000) * 1000)).units).toBe(1);
    expect(readRollUpMarkers(db).map((marker) => marker.zoneId)).toEqual(['z1']);
    expect(rollUpBeforePurge(db, SETTINGS, 'local/firewall-events', new Date((day + 70_000) * 1000)).units).toBe(1);
    expect(readRollUpMarkers(db).map((marker) => marker.zoneId)).toEqual(['z1', 'z2']);
  });

  it('rolls up each zone of a day as its own unit; a zone appearing later is rolled up later', () => {
    const day = TODAY - 40 * DAY;
    addEvents('z1', day, 'KR', 3);
    rollUpBeforePurge(db, SETTINGS, 'local/firewall-events', NOW);
    addEvents('z2', day + 5, 'KR', 3, '198.18.9.');
    expect(rollUpBeforePurge(db, SETTINGS, 'local/firewall-events', NOW).units).toBe(1);
    expect(cells()).toEqual([
      { day: -40, zoneId: 'z1', country: 'KR', count: 3, distinctIps: 3 },
      { day: -40, zoneId: 'z2', country: 'KR', count: 3, distinctIps: 3 },
    ]);
  });
});

describe('rollUpBeforeErase', () => {
  it('rolls up the complete days of the rows to erase and defers the day still being collected', () => {
    const yesterday = addEvents('z1', TODAY - DAY + 10, 'KR', 3);
    const today = addEvents('z1', TODAY + 10, 'KR', 3, '198.18.5.');
    const result = rollUpBeforeErase(db, SETTINGS, [{ location: 'local/firewall-events', ids: [yesterday[0]!, today[0]!] }]);
    expect(result).toEqual({ units: 1, cells: 1, suppressedCells: 0, deferredUnits: 1 });
    expect(cells()).toEqual([{ day: -1, zoneId: 'z1', country: 'KR', count: 3, distinctIps: 3 }]);
  });

  it('defers a finished day that the pull has not settled to its end yet (covered is not enough: late rows may come)', () => {
    const ids = addEvents('z1', TODAY - DAY + 10, 'KR', 3);
    db.prepare(
      "INSERT INTO pull_state (zone_id, dataset, covered_from, covered_to, settled_to, last_pull_at) VALUES ('z1', 'firewall_events', ?, ?, ?, ?)",
    ).run(TODAY - 5 * DAY, TODAY - 3600, TODAY - 3600, NOW_S);
    expect(rollUpBeforeErase(db, SETTINGS, [{ location: 'local/firewall-events', ids }]).deferredUnits).toBe(1);
    db.prepare("UPDATE pull_state SET covered_to = ? WHERE zone_id = 'z1'").run(TODAY + 60);
    expect(rollUpBeforeErase(db, SETTINGS, [{ location: 'local/firewall-events', ids }]).deferredUnits).toBe(1);
    db.prepare("UPDATE pull_state SET settled_to = ? WHERE zone_id = 'z1'").run(TODAY);
    expect(rollUpBeforeErase(db, SETTINGS, [{ location: 'local/firewall-events', ids }]).units).toBe(1);
  });

  it('does nothing for no rows', () => {
    expect(rollUpBeforeErase(db, SETTINGS, [{ location: 'local/http-analytics', ids: [] }])).toEqual({
      units: 0,
      cells: 0,
      suppressedCells: 0,
      deferredUnits: 0,
    });
  });
});
