import { describe, expect, it } from 'vitest';
import type { Hold } from '../policy/holds.js';
import { applyArchiveScans, planArchivePurge } from './purge-plan.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const DAY_MS = 86_400_000;
const RETENTION_MS = 30 * DAY_MS;
const MODIFIED = new Date('2026-12-01T00:00:00Z');

function object(key: string, size = 10) {
  return { key, size, lastModified: MODIFIED };
}

function hold(overrides: Partial<Hold>): Hold {
  return {
    id: 'hold_1',
    network: '0.0.0.0/0',
    country: undefined,
    from: undefined,
    to: undefined,
    until: undefined,
    releasedAt: undefined,
    reason: 'test',
    reference: undefined,
    createdAt: new Date('2026-11-01T00:00:00Z'),
    createdBy: 'dpo',
    ...overrides,
  };
}

const OLD_A = 'fw/20261020/20261020T100000Z_20261020T100500Z_aa.log.gz';
const OLD_B = 'fw/20261020/20261020T100500Z_20261020T101000Z_bb.log.gz';
const OLD_C = 'fw/20261010/export.csv.gz';
const YOUNG = 'fw/20261125/20261125T100000Z_20261125T100500Z_cc.log.gz';

describe('planArchivePurge', () => {
  it('deletes objects whose end is older than the retention, sorted by key; young ones are not counted', () => {
    const plan = planArchivePurge([object(YOUNG), object(OLD_B), object(OLD_A, 7), object(OLD_C)], RETENTION_MS, [], NOW);
    expect(plan.toDelete.map((o) => o.key)).toEqual([OLD_C, OLD_A, OLD_B]);
    expect(plan).toMatchObject({ held: 0, undetermined: 0, bytes: { toDelete: 27, held: 0, undetermined: 0 }, cutoff: new Date(NOW.getTime() - RETENTION_MS) });
  });

  it('a hold on every address keeps the objects overlapping its time range (held); one on an address keeps them undetermined', () => {
    const everyAddress = hold({ from: new Date('2026-10-20T10:02:00Z'), to: new Date('2026-10-20T10:03:00Z') });
    const oneAddress = hold({ id: 'hold_2', network: '198.51.100.7/32', from: new Date('2026-10-20T10:06:00Z'), to: new Date('2026-10-20T10:07:00Z') });
    const plan = planArchivePurge([object(OLD_A), object(OLD_B), object(OLD_C)], RETENTION_MS, [everyAddress, oneAddress], NOW);
    expect(plan.toDelete.map((o) => o.key)).toEqual([OLD_C]);
    expect(plan).toMatchObject({ held: 1, undetermined: 1 });
  });

  it('a released or expired hold keeps nothing; a country narrows a /0 hold to undetermined', () => {
    const released = hold({ releasedAt: new Date('2026-11-20T00:00:00Z') });
    const expired = hold({ id: 'hold_2', until: new Date('2026-11-20T00:00:00Z') });
    expect(planArchivePurge([object(OLD_A)], RETENTION_MS, [released, expired], NOW).toDelete).toHaveLength(1);
    const country = hold({ country: 'KR' });
    expect(planArchivePurge([object(OLD_A)], RETENTION_MS, [country], NOW)).toMatchObject({ held: 0, undetermined: 1 });
  });

  it('an object dated only by LastModified may hold data from any earlier time', () => {
    const old = { key: 'fw/misc/x.gz', size: 1, lastModified: new Date('2026-10-01T00:00:00Z') };
    const early = hold({ to: new Date('2020-01-01T00:00:00Z') });
    expect(planArchivePurge([old], RETENTION_MS, [early], NOW)).toMatchObject({ held: 1, toDelete: [] });
  });
});

describe('applyArchiveScans', () => {
  const ipHold = hold({ network: '198.51.100.7/32' });
  const keys = ['fw/20261020/20261020T100000Z_20261020T100500Z_a1.log.gz', 'fw/20261019/20261019T100000Z_20261019T100500Z_b2.log.gz', OLD_C, OLD_B];
  const plan = planArchivePurge(
    keys.map((key, i) => object(key, 100 + i)),
    RETENTION_MS,
    [ipHold],
    NOW,
  );

  it('plans every object an IP hold overlaps for a scan, oldest data first', () => {
    expect(plan.toScan.map((o) => o.key)).toEqual([OLD_C, keys[1], keys[0], OLD_B]);
    expect(plan).toMatchObject({ undetermined: 4, toDelete: [], bytes: { undetermined: 406 } });
  });

  it('held stays, clear goes, failed and over-budget stay undetermined; counts and bytes follow', () => {
    const scans = new Map([
      [OLD_C, { kind: 'held', lines: 3 } as const],
      [keys[1]!, { kind: 'clear', lines: 10 } as const],
      [keys[0]!, { kind: 'undetermined', reason: 'not_gzip', code: 'Z_DATA_ERROR', lines: 0 } as const],
      [OLD_B, { kind: 'over_budget' } as const],
    ]);
    const settled = applyArchiveScans(plan, scans);
    expect(settled.toDelete.map((o) => o.key)).toEqual([keys[1]]);
    expect(settled.toScan.map((o) => o.key)).toEqual([keys[0], OLD_B]);
    expect(settled).toMatchObject({
      held: 1,
      undetermined: 2,
      bytes: { toDelete: 101, held: 102, undetermined: 203 },
      scan: { scanned: 3, scannedBytes: 303, heldByScan: 1, clearedByScan: 1, overBudget: 1, overBudgetBytes: 103, failures: { 'not_gzip:Z_DATA_ERROR': 1 } },
    });
  });

  it('an object without a result stays undetermined', () => {
    expect(applyArchiveScans(plan, new Map())).toMatchObject({ undetermined: 4, toDelete: [], scan: { scanned: 0 } });
  });
});
