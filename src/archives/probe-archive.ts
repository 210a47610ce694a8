import type { S3Client } from '@aws-sdk/client-s3';
import type { ArchiveConfig } from '../config/archives.js';
import type { EnvVars } from '../config/environment.js';
import { readBucketProtection, type BucketProtectionReading } from './bucket-protection.js';
import { openArchiveClient } from './read-archive.js';
import { classifyFailure, type ArchiveFailure } from './s3-errors.js';
import { loadS3Sdk } from './s3-sdk.js';

/** What `doctor` learns of one archive without reading or deleting any object. */
export interface ArchiveProbe {
  /** One listing page of at most one key: whether the credentials may list (s3:ListBucket) and the bucket exists. */
  readonly listing: { readonly kind: 'listed'; readonly any: boolean } | { readonly kind: 'failed'; readonly reason: ArchiveFailure; readonly code: string };
  /** Versioning and object lock, as the purge reads them (undefined when the listing failed). */
  readonly protection: BucketProtectionReading | undefined;
  /** Whether AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE was set (the SDK's other sources are not seen here). */
  readonly credentials: 'environment' | 'profile' | 'none';
}

/** Lists one key under the archive's prefix and reads the bucket's versioning and lock; deletes nothing. */
export async function probeArchive(client: S3Client, archive: ArchiveConfig, credentials: ArchiveProbe['credentials']): Promise<ArchiveProbe> {
  const { bucket, prefix } = archive.location;
  const { ListObjectsV2Command } = await loadS3Sdk();
  try {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
    const protection = await readBucketProtection(client, bucket);
    return { listing: { kind: 'listed', any: (page.KeyCount ?? page.Contents?.length ?? 0) > 0 }, protection, credentials };
  } catch (err) {
    return { listing: { kind: 'failed', ...classifyFailure(err) }, protection: undefined, credentials };
  }
}

/** Probes archives with clients opened from the run's environment; each client is closed after its archive. */
export function openArchiveProber(env: EnvVars): (archive: ArchiveConfig) => Promise<ArchiveProbe> {
  const credentials: ArchiveProbe['credentials'] =
    env['AWS_ACCESS_KEY_ID']?.trim() && env['AWS_SECRET_ACCESS_KEY']?.trim() ? 'environment' : env['AWS_PROFILE']?.trim() ? 'profile' : 'none';
  return async (archive) => {
    const client = await openArchiveClient(archive, env);
    try {
      return await probeArchive(client, archive, credentials);
    } finally {
      client.destroy();
    }
  };
}
