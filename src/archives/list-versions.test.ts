import { describe, expect, it } from 'vitest';
import { buildVersionedObjects, toListedVersions } from './list-versions.js';

const at = (iso: string) => new Date(iso);

describe('buildVersionedObjects', () => {
  const rows = toListedVersions(
    {
      Versions: [
        { Key: 'f/b', VersionId: 'b2', IsLatest: true, LastModified: at('2025-01-03T00:00:00Z'), Size: 7 },
        { Key: 'f/b', VersionId: 'b1', IsLatest: false, LastModified: at('2025-01-01T00:00:00Z'), Size: 5 },
        { Key: 'f/a', VersionId: 'a1', IsLatest: false, LastModified: at('2025-01-02T00:00:00Z'), Size: 3 },
        { Key: 'f/n', IsLatest: true, LastModified: at('2025-01-02T00:00:00Z'), Size: 1 },
      ],
      DeleteMarkers: [
        { Key: 'f/a', VersionId: 'am', IsLatest: true, LastModified: at('2025-02-01T00:00:00Z') },
        { Key: 'f/m', VersionId: 'mm', IsLatest: true, LastModified: at('2025-02-01T00:00:00Z') },
      ],
    },
    at('2025-03-01T00:00:00Z'),
  );

  it('groups every version and delete marker by key, sums the data versions, dates a key by its newest data version', () => {
    const objects = buildVersionedObjects(rows);
    expect(objects.map((o) => [o.key, o.size, o.lastModified.toISOString(), o.versions?.map((v) => v.versionId)])).toEqual([
      // Hidden behind a delete marker: still an object (its noncurrent version holds data), dated by that version.
      ['f/a', 3, '2025-01-02T00:00:00.000Z', ['a1', 'am']],
      ['f/b', 12, '2025-01-03T00:00:00.000Z', ['b2', 'b1']],
      // Written before versioning was turned on: S3 lists it with version id "null".
      ['f/n', 1, '2025-01-02T00:00:00.000Z', ['null']],
    ]);
  });

  it('leaves out a key with only delete markers: it holds no data', () => {
    expect(buildVersionedObjects(rows).some((o) => o.key === 'f/m')).toBe(false);
  });
});

describe('toListedVersions', () => {
  it('lists versions then delete markers, in page order; a marker has no size; a row without a key is skipped', () => {
    const now = at('2025-03-01T00:00:00Z');
    const rows = toListedVersions(
      {
        Versions: [
          { Key: 'f/a', VersionId: 'a1', IsLatest: false, LastModified: at('2025-01-02T00:00:00Z'), Size: 3 },
          { VersionId: 'x', Size: 9 },
          { Key: 'f/n', Size: 1 },
        ],
        DeleteMarkers: [{ Key: 'f/a', VersionId: 'am', IsLatest: true, LastModified: at('2025-02-01T00:00:00Z') }, { VersionId: 'y' }],
      },
      now,
    );
    expect(rows).toEqual([
      { key: 'f/a', versionId: 'a1', isDeleteMarker: false, isLatest: false, lastModified: at('2025-01-02T00:00:00Z'), size: 3 },
      { key: 'f/n', versionId: 'null', isDeleteMarker: false, isLatest: false, lastModified: now, size: 1 },
      { key: 'f/a', versionId: 'am', isDeleteMarker: true, isLatest: true, lastModified: at('2025-02-01T00:00:00Z'), size: 0 },
    ]);
  });
});
