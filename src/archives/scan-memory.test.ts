import { describe, expect, it } from 'vitest';
import type { Hold } from '../policy/holds.js';
import type { PlannedObject, PlannedScan } from './purge-plan.js';
import { buildRecall, NO_SCAN_MEMORY, parseScanMemory, rememberScans, serialiseScanMemory } from './scan-memory.js';

const AT = new Date('2026-12-04T00:00:00Z');
const START = new Date('2026-10-20T10:00:00Z');

function hold(id: string, fields: Partial<Hold> = {}): Hold {
  return {
    id,
    network: '198.51.100.7/32',
    country: undefined,
    from: new Date('2026-10-20T00:00:00Z'),
    to: new Date('2026-10-21T00:00:00Z'),
    until: undefined,
    releasedAt: undefined,
    reason: 'police request',
    reference: undefined,
    createdAt: new Date('2026-11-01T00:00:00Z'),
    createdBy: 'dpo',
    ...fields,
  };
}

function object(key: string, fields: Partial<PlannedObject> = {}): PlannedObject {
  return { key, size: 1000, lastModified: new Date('2026-10-20T10:06:00Z'), start: START, end: new Date(START.getTime() + 300_000), ...fields };
}

const HELD: PlannedScan = { kind: 'held', lines: 12 };

describe('remembered scan verdicts', () => {
  it('recalls an object found held while every hold over its time then is still active, not after one is released', () => {
    const a = object('a.log.gz');
    const memory = rememberScans(NO_SCAN_MEMORY, [a], new Map([[a.key, HELD]]), [hold('h1'), hold('h2')], AT);
    expect(memory.held).toEqual([{ key: 'a.log.gz', size: 1000, modified: a.lastModified.getTime(), versions: 1, holds: ['h1', 'h2'] }]);
    const stored = parseScanMemory(serialiseScanMemory(memory));
    expect(buildRecall(stored, [hold('h1'), hold('h2')], AT)(a)).toBe(true);
    // A hold added since only keeps more.
    expect(buildRecall(stored, [hold('h1'), hold('h2'), hold('h3')], AT)(a)).toBe(true);
    expect(buildRecall(stored, [hold('h1'), hold('h2', { releasedAt: new Date('2026-12-01T00:00:00Z') })], AT)(a)).toBe(false);
    expect(buildRecall(stored, [hold('h1')], AT)(a)).toBe(false);
  });

  it('does not recall an object rewritten since (another size, LastModified or number of versions)', () => {
    const a = object('a.log.gz');
    const recall = buildRecall(rememberScans(NO_SCAN_MEMORY, [a], new Map([[a.key, HELD]]), [hold('h1')], AT), [hold('h1')], AT);
    expect(recall(a)).toBe(true);
    expect(recall({ ...a, size: 1001 })).toBe(false);
    expect(recall({ ...a, lastModified: new Date(a.lastModified.getTime() + 1) })).toBe(false);
    const version = (versionId: string, isLatest: boolean) => ({ versionId, isDeleteMarker: false, isLatest, lastModified: a.lastModified, size: 1000 });
    expect(recall({ ...a, versions: [version('v1', false), version('v2', true)] })).toBe(false);
  });

  it('keeps only what is still waiting on a hold and held; a clear or undecided object is forgotten', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((key) => object(key));
    const first = rememberScans(
      NO_SCAN_MEMORY,
      [a!, b!],
      new Map([
        [a!.key, HELD],
        [b!.key, HELD],
      ]),
      [hold('h1')],
      AT,
    );
    const scans = new Map<string, PlannedScan>([
      [a!.key, { kind: 'held', lines: 0, remembered: true }],
      [c!.key, { kind: 'undetermined', reason: 'not_gzip', code: 'Z_DATA_ERROR', lines: 0 }],
    ]);
    // b is no longer in the plan's objects to scan (deleted, or its hold gone): forgotten.
    expect(rememberScans(first, [a!, c!], scans, [hold('h1')], AT).held.map((entry) => entry.key)).toEqual(['a']);
  });

  it('forgets what it cannot read, rather than trusting it', () => {
    expect(parseScanMemory(undefined)).toEqual(NO_SCAN_MEMORY);
    expect(parseScanMemory('not json')).toEqual(NO_SCAN_MEMORY);
    expect(parseScanMemory('{"held":[{"key":"a","size":"1"}]}')).toEqual(NO_SCAN_MEMORY);
  });
});
