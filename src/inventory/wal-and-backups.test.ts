import { describe, expect, it } from 'vitest';
import { buildWalAndBackupsLocation } from './wal-and-backups.js';

const READING = { walKeepSizeMb: 0, maxWalSizeMb: 1024, archiveMode: 'off' };
const PURGED = new Date('2025-03-01T03:00:00Z');

describe('buildWalAndBackupsLocation', () => {
  it('says until when deleted rows may exist in backups: the last purge plus backup_retention', () => {
    const location = buildWalAndBackupsLocation({ reading: READING, backupRetention: { text: '14d', ms: 14 * 86_400_000 }, lastPurgeAt: PURGED });
    expect(location).toMatchObject({
      id: 'postgres/wal-and-backups',
      kind: 'engine',
      retention: '14d',
      expires: new Date('2025-03-15T03:00:00Z'),
      status: 'ok',
    });
    expect(location.notes).toEqual([
      { code: 'engine.wal', walKeepSizeMb: 0, maxWalSizeMb: 1024 },
      { code: 'engine.archive_off' },
      { code: 'engine.backups_until', retention: '14d', lastPurge: '2025-03-01T03:00:00Z', until: '2025-03-15T03:00:00Z' },
    ]);
  });

  it.each([
    ['no backup_retention', undefined, PURGED, { code: 'engine.backup_retention_unknown' }],
    ['no purge yet', { text: 'P2W', ms: 14 * 86_400_000 }, undefined, { code: 'engine.backups_no_purge', retention: 'P2W' }],
  ])('with %s, gives no date and says why', (_, backupRetention, lastPurgeAt, note) => {
    const location = buildWalAndBackupsLocation({ reading: { ...READING, archiveMode: 'always' }, backupRetention, lastPurgeAt });
    expect(location.expires).toBeUndefined();
    expect(location.notes).toEqual([{ code: 'engine.wal', walKeepSizeMb: 0, maxWalSizeMb: 1024 }, { code: 'engine.archive_on', archiveMode: 'always' }, note]);
  });
});
