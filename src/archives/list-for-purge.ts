import type { S3Client } from '@aws-sdk/client-s3';
import type { ArchiveConfig } from '../config/archives.js';
import { readBucketProtection, type ArchivePermission, type BucketProtection } from './bucket-protection.js';
import { listArchiveVersions, type VersionCounts } from './list-versions.js';
import { listArchiveObjects } from './read-archive.js';
import type { ArchiveFailure } from './s3-errors.js';
import type { ArchiveObject } from './summary.js';

export type ArchiveListing =
  | {
      readonly kind: 'listed';
      readonly objects: ArchiveObject[];
      readonly protection: BucketProtection;
      /** Versioned buckets: versions, noncurrent versions and delete markers counted. */
      readonly versionCounts: VersionCounts | undefined;
    }
  | { readonly kind: 'refused'; readonly permission: ArchivePermission; readonly code: string }
  | { readonly kind: 'failed'; readonly reason: ArchiveFailure; readonly code: string };

/**
 * What a purge must know of an archive before deleting: whether the bucket keeps versions (then every version and
 * delete marker of each key is listed, since noncurrent versions hold IP addresses too) and its object lock.
 */
export async function listArchiveForPurge(client: S3Client, archive: ArchiveConfig, now: Date): Promise<ArchiveListing> {
  const { bucket, prefix } = archive.location;
  const reading = await readBucketProtection(client, bucket);
  if (reading.kind !== 'read') return reading;
  const { protection } = reading;
  if (protection.versioning === 'none') {
    const listing = await listArchiveObjects(client, archive, now);
    return listing.kind === 'failed' ? listing : { kind: 'listed', objects: listing.objects, protection, versionCounts: undefined };
  }
  const listing = await listArchiveVersions(client, bucket, prefix, now);
  return listing.kind === 'listed' ? { kind: 'listed', objects: listing.objects, protection, versionCounts: listing.counts } : listing;
}
