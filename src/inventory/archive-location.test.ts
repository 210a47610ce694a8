import { describe, expect, it } from 'vitest';
import type { ArchiveConfig } from '../config/archives.js';
import { addArchiveJobs, buildArchiveLocation, selectArchiveJobs } from './archive-location.js';

const ARCHIVE: ArchiveConfig = {
  name: 'firewall',
  url: 's3://luxeret-logs/firewall/',
  location: { bucket: 'luxeret-logs', prefix: 'firewall/' },
  endpoint: undefined,
  region: 'us-east-1',
  forcePathStyle: false,
  retention: { text: '30d', ms: 30 * 86_400_000 },
};

describe('selectArchiveJobs', () => {
  it.each([
    ['s3://luxeret-logs/firewall/{DATE}?region=us-east-1', true],
    ['r2://luxeret-logs/firewall/{DATE}?account-id=abc&access-key-id=REDACTED', true],
    ['s3://luxeret-logs/firewall/zone-a/{DATE}', true],
    ['s3://luxeret-logs/firewall', true],
    ['s3://luxeret-logs/http/{DATE}', false],
    ['s3://luxeret-logs/{DATE}', false],
    ['s3://other-bucket/firewall/{DATE}', false],
    ['https://logs.example/firewall', false],
  ])('%s → %s', (destination, matches) => {
    expect(selectArchiveJobs(ARCHIVE, [{ id: 1, name: '', destination }])).toHaveLength(matches ? 1 : 0);
  });
});

describe('buildArchiveLocation', () => {
  it('a failed listing is an error location that names the reason, never counts', () => {
    const location = buildArchiveLocation(ARCHIVE, { kind: 'failed', reason: 'denied', code: 'AccessDenied' });
    expect(location).toMatchObject({ id: 'archive/firewall', kind: 'archive', status: 'error', records: 0, bytes: 0, retention: '30d' });
    expect(location.notes).toEqual([{ code: 'archive.failed', where: 'luxeret-logs/firewall/', reason: 'denied', errorCode: 'AccessDenied' }]);
  });

  it('counts objects and adds the Logpush jobs that write there', () => {
    const summary = {
      objects: 3,
      bytes: 300,
      oldest: new Date('2026-10-01T00:00:00Z'),
      newest: new Date('2026-11-30T00:00:00Z'),
      pastRetention: 1,
      pastRetentionBytes: 100,
      timeSources: { name: 2, folder: 1, modified: 0 },
    };
    const location = buildArchiveLocation(ARCHIVE, { kind: 'read', summary, lifecycle: { kind: 'later', days: 90 }, pages: 1 });
    const withJobs = addArchiveJobs(location, ARCHIVE, [
      { id: 7, name: 'fw', destination: 's3://luxeret-logs/firewall/{DATE}' },
      { id: 8, name: '', destination: 's3://luxeret-logs/http/{DATE}' },
    ]);
    expect(withJobs).toMatchObject({
      records: 3,
      pastRetention: 1,
      bytes: 300,
      status: 'ok',
      archive: { lifecycle: 'later', lifecycleDays: 90, logpushJobs: [7] },
    });
    expect(withJobs.notes.map((note) => note.code)).toEqual([
      'archive.objects',
      'archive.past_retention',
      'archive.time_sources',
      'archive.lifecycle',
      'archive.written_by',
    ]);
    expect(addArchiveJobs(location, ARCHIVE, []).notes.at(-1)).toEqual({ code: 'archive.no_job' });
  });
});
