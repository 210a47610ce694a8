import { describe, expect, it } from 'vitest';
import { parseArchiveUrl } from './archive-url.js';
import { selectLifecycleVerdict } from './lifecycle.js';
import { buildArchiveSummary } from './summary.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const DAY_MS = 86_400_000;
const RETENTION_MS = 30 * DAY_MS;
const MODIFIED = new Date('2026-11-30T00:00:00Z');

describe('buildArchiveSummary', () => {
  it('counts objects, bytes, times and what is past retention, exactly at the boundary and 1 ms either side', () => {
    const at = (ms: number): string => {
      const end = new Date(NOW.getTime() - RETENTION_MS + ms);
      const start = new Date(end.getTime() - 1000);
      const compact = (d: Date): string =>
        d
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z')
          .replace(/[-:]/g, '');
      return `x/${compact(start).slice(0, 8)}/${compact(start)}_${compact(end)}_ab12cd34.log.gz`;
    };
    const summary = buildArchiveSummary(
      [
        { key: at(-1000), size: 10, lastModified: MODIFIED }, // one second past: whole seconds in names
        { key: at(0), size: 20, lastModified: MODIFIED }, // exactly at the cutoff: not past
        { key: at(1000), size: 30, lastModified: MODIFIED },
        { key: 'x/20261001/export.gz', size: 40, lastModified: MODIFIED }, // folder: ends 2026-10-02, past
        { key: 'x/README', size: 50, lastModified: MODIFIED },
      ],
      RETENTION_MS,
      NOW,
    );
    expect(summary).toEqual({
      objects: 5,
      bytes: 150,
      oldest: new Date('2026-10-02T00:00:00Z'),
      newest: MODIFIED,
      pastRetention: 2,
      pastRetentionBytes: 50,
      timeSources: { name: 3, folder: 1, modified: 1 },
    });
  });

  it('an empty archive has no times', () => {
    expect(buildArchiveSummary([], RETENTION_MS, NOW)).toEqual({
      objects: 0,
      bytes: 0,
      oldest: undefined,
      newest: undefined,
      pastRetention: 0,
      pastRetentionBytes: 0,
      timeSources: { name: 0, folder: 0, modified: 0 },
    });
  });
});

describe('selectLifecycleVerdict', () => {
  const rule = (days: number | undefined, prefix = '', isEnabled = true) => ({ isEnabled, prefix, expirationDays: days });
  it.each([
    [[], { kind: 'none' }],
    [[rule(undefined)], { kind: 'none' }],
    [[rule(7, '', false)], { kind: 'none' }],
    [[rule(7, 'other/')], { kind: 'none' }],
    [[rule(7)], { kind: 'earlier', days: 7 }],
    [[rule(30, 'logs/')], { kind: 'same', days: 30 }],
    [[rule(90, 'logs/firewall/'), rule(400)], { kind: 'later', days: 90 }],
  ] as const)('%j → %j (archive prefix logs/, retention 30d)', (rules, verdict) => {
    expect(selectLifecycleVerdict(rules, 'logs/', RETENTION_MS)).toEqual(verdict);
  });
});

describe('parseArchiveUrl', () => {
  it.each([
    ['s3://bucket/prefix/', { location: { bucket: 'bucket', prefix: 'prefix/' } }],
    ['s3://bucket/a/b', { location: { bucket: 'bucket', prefix: 'a/b/' } }],
    ['s3://bucket', { location: { bucket: 'bucket', prefix: '' } }],
    ['s3://bucket/', { location: { bucket: 'bucket', prefix: '' } }],
  ])('%s', (url, parsed) => expect(parseArchiveUrl(url)).toEqual(parsed));
  it.each(['https://bucket/x', 's3://', 's3://Bucket/x', 's3://a/x'])('refuses %s', (url) => expect(parseArchiveUrl(url)).toHaveProperty('problem'));
});
