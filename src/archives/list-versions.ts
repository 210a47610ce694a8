import type { S3Client } from '@aws-sdk/client-s3';
import type { ArchivePermission } from './bucket-protection.js';
import { classifyFailure, type ArchiveFailure } from './s3-errors.js';
import { loadS3Sdk } from './s3-sdk.js';
import type { ArchiveObject, ObjectVersion } from './summary.js';

/** One row of ListObjectVersions: a version or a delete marker of `key`. */
export interface ListedVersion extends ObjectVersion {
  readonly key: string;
}

export type VersionListing =
  | { readonly kind: 'listed'; readonly objects: ArchiveObject[]; readonly counts: VersionCounts; readonly pages: number }
  | { readonly kind: 'refused'; readonly permission: ArchivePermission; readonly code: string }
  | { readonly kind: 'failed'; readonly reason: ArchiveFailure; readonly code: string };

/** What a versioned archive holds beyond its current objects. */
export interface VersionCounts {
  /** Versions with data (current and noncurrent); delete markers not counted. */
  readonly versions: number;
  readonly noncurrent: number;
  readonly deleteMarkers: number;
  /** Keys whose current version is a delete marker but that still have data in noncurrent versions. */
  readonly hiddenKeys: number;
}

/**
 * Every version and delete marker under the archive's prefix (ListObjectVersions, 1,000 a page, key and version-id
 * markers), grouped by key. Needs s3:ListBucketVersions; refused without it.
 */
export async function listArchiveVersions(client: S3Client, bucket: string, prefix: string, now: Date): Promise<VersionListing> {
  const { ListObjectVersionsCommand } = await loadS3Sdk();
  const rows: ListedVersion[] = [];
  let pages = 0;
  try {
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      pages += 1;
      rows.push(...toListedVersions(page, now));
      const isTruncated = page.IsTruncated === true && page.NextKeyMarker !== undefined;
      keyMarker = isTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = isTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
  } catch (err) {
    const failure = classifyFailure(err);
    if (failure.reason === 'denied') return { kind: 'refused', permission: 's3:ListBucketVersions', code: failure.code };
    return { kind: 'failed', ...failure };
  }
  const objects = buildVersionedObjects(rows);
  return { kind: 'listed', objects, counts: countVersions(rows, objects), pages };
}

/** The versions and delete markers of one ListObjectVersions page, in the order S3 gives them. */
export function toListedVersions(
  page: {
    Versions?: { Key?: string; VersionId?: string; IsLatest?: boolean; LastModified?: Date; Size?: number }[];
    DeleteMarkers?: { Key?: string; VersionId?: string; IsLatest?: boolean; LastModified?: Date }[];
  },
  now: Date,
): ListedVersion[] {
  const toRow = (
    item: { Key?: string; VersionId?: string; IsLatest?: boolean; LastModified?: Date; Size?: number },
    isDeleteMarker: boolean,
  ): ListedVersion[] =>
    item.Key === undefined
      ? []
      : [
          {
            key: item.Key,
            versionId: item.VersionId ?? 'null',
            isDeleteMarker,
            isLatest: item.IsLatest === true,
            lastModified: item.LastModified ?? now,
            size: isDeleteMarker ? 0 : (item.Size ?? 0),
          },
        ];
  return [...(page.Versions ?? []).flatMap((item) => toRow(item, false)), ...(page.DeleteMarkers ?? []).flatMap((item) => toRow(item, true))];
}

/**
 * Groups versions by key (pure). A key with data in any version is an object: its size is all its versions', its
 * LastModified its newest version's. A key with only delete markers holds no data and is left out.
 */
export function buildVersionedObjects(rows: readonly ListedVersion[]): ArchiveObject[] {
  const byKey = new Map<string, ObjectVersion[]>();
  for (const { key, ...version } of rows) {
    const versions = byKey.get(key);
    if (versions) versions.push(version);
    else byKey.set(key, [version]);
  }
  const objects: ArchiveObject[] = [];
  for (const [key, versions] of byKey) {
    const data = versions.filter((version) => !version.isDeleteMarker);
    if (data.length === 0) continue;
    const newestMs = Math.max(...data.map((version) => version.lastModified.getTime()));
    objects.push({ key, size: data.reduce((n, version) => n + version.size, 0), lastModified: new Date(newestMs), versions });
  }
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function countVersions(rows: readonly ListedVersion[], objects: readonly ArchiveObject[]): VersionCounts {
  const data = rows.filter((row) => !row.isDeleteMarker);
  return {
    versions: data.length,
    noncurrent: data.filter((row) => !row.isLatest).length,
    deleteMarkers: rows.length - data.length,
    hiddenKeys: objects.filter((object) => object.versions?.some((version) => version.isLatest && version.isDeleteMarker) === true).length,
  };
}
