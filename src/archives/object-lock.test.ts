import { describe, expect, it } from 'vitest';
import { selectDefaultLockEnd, selectDefaultLockedUntil, selectLatestLockEnd, selectLockedObjects, type ObjectLockSetting } from './object-lock.js';
import type { ObjectVersion } from './summary.js';

const now = new Date('2025-03-01T00:00:00Z');
const DAY_MS = 86_400_000;

function version(writtenAt: Date, fields: Partial<ObjectVersion> = {}): ObjectVersion {
  return { versionId: `v${writtenAt.getTime()}`, isDeleteMarker: false, isLatest: true, lastModified: writtenAt, size: 10, ...fields };
}

const compliance30: ObjectLockSetting = { kind: 'enabled', defaultRetention: { mode: 'COMPLIANCE', days: 30 } };

describe('selectDefaultLockEnd', () => {
  it.each([
    [{ mode: 'COMPLIANCE', days: 1 } as const, '2024-02-28T12:00:00Z', '2024-02-29T12:00:00.000Z'],
    [{ mode: 'GOVERNANCE', years: 1 } as const, '2024-02-28T12:00:00Z', '2025-02-28T12:00:00.000Z'],
    [{ mode: 'GOVERNANCE', years: 2 } as const, '2023-06-01T00:00:00Z', '2025-06-01T00:00:00.000Z'],
  ])('%o from %s ends at %s', (retention, writtenAt, end) => {
    expect(selectDefaultLockEnd(new Date(writtenAt), retention).toISOString()).toBe(end);
  });
});

describe('selectDefaultLockedUntil', () => {
  it.each([
    ['written 30 days ago less 1 ms: still locked', 30 * DAY_MS - 1, new Date(now.getTime() + 1)],
    ['written exactly 30 days ago: the lock has ended', 30 * DAY_MS, undefined],
    ['written 30 days ago plus 1 ms: ended', 30 * DAY_MS + 1, undefined],
  ])('%s', (_, ageMs, until) => {
    expect(selectDefaultLockedUntil([version(new Date(now.getTime() - ageMs))], compliance30, now)).toEqual(until);
  });

  it('takes the latest end over the versions and ignores delete markers', () => {
    const versions = [version(new Date(now.getTime() - 20 * DAY_MS)), version(new Date(now.getTime() - 10 * DAY_MS)), version(now, { isDeleteMarker: true })];
    expect(selectDefaultLockedUntil(versions, compliance30, now)).toEqual(new Date(now.getTime() + 20 * DAY_MS));
  });

  it.each<ObjectLockSetting>([{ kind: 'none' }, { kind: 'enabled', defaultRetention: undefined }, { kind: 'unknown', code: 'AccessDenied' }])(
    'predicts nothing without a default retention (%o)',
    (setting) => {
      expect(selectDefaultLockedUntil([version(now)], setting, now)).toBeUndefined();
    },
  );
});

describe('selectLatestLockEnd', () => {
  it('a legal hold outlasts any date; else the latest date; nothing for none', () => {
    expect(selectLatestLockEnd([new Date(1), 'legal_hold', new Date(5)])).toBe('legal_hold');
    expect(selectLatestLockEnd([new Date(1), new Date(5), new Date(3)])).toEqual(new Date(5));
    expect(selectLatestLockEnd([])).toBeUndefined();
  });
});

describe('selectLockedObjects', () => {
  it('keeps whole keys with a locked version, counts them and their bytes, and passes the rest on', () => {
    const locked = { key: 'a', size: 30, versions: [version(new Date(now.getTime() - 40 * DAY_MS)), version(new Date(now.getTime() - DAY_MS))] };
    const free = { key: 'b', size: 5, versions: [version(new Date(now.getTime() - 40 * DAY_MS))] };
    const unversioned = { key: 'c', size: 7 };
    expect(selectLockedObjects([locked, free, unversioned], compliance30, now)).toEqual({
      toDelete: [free, unversioned],
      locked: { count: 1, bytes: 30, until: new Date(now.getTime() + 29 * DAY_MS) },
    });
    expect(selectLockedObjects([locked, free], { kind: 'none' }, now)).toEqual({ toDelete: [locked, free], locked: { count: 0, bytes: 0, until: undefined } });
  });
});
