import type { LifecycleRule as S3LifecycleRule, S3Client } from '@aws-sdk/client-s3';
import type { ArchiveConfig } from '../config/archives.js';
import type { EnvVars } from '../config/environment.js';
import { selectLifecycleVerdict, type LifecycleRule, type LifecycleVerdict } from './lifecycle.js';
import { readBucketProtection, type ArchivePermission } from './bucket-protection.js';
import { listArchiveVersions, type VersionCounts } from './list-versions.js';
import { classifyFailure, errorCode, type ArchiveFailure } from './s3-errors.js';
import { isS3ServiceException, loadS3Sdk } from './s3-sdk.js';
import type { LifecycleReader } from './r2-lifecycle.js';
import { buildArchiveSummary, type ArchiveObject, type ArchiveSummary } from './summary.js';

export { classifyFailure, errorCode, type ArchiveFailure };

/** What inventory learns of one archive, or why it could not. */
export type ArchiveReading =
  | {
      readonly kind: 'read';
      readonly summary: ArchiveSummary;
      readonly lifecycle: LifecycleVerdict;
      readonly pages: number;
      /** What the bucket's versioning keeps beyond the current objects; absent for an unversioned bucket. */
      readonly versioning?: ArchiveVersioning;
    }
  | { readonly kind: 'failed'; readonly reason: ArchiveFailure; readonly code: string };

/**
 * An S3 client for one archive. Credentials come from the AWS SDK's default chain, read from the run's environment
 * (the CLI hands it in): AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY(/AWS_SESSION_TOKEN), else AWS_PROFILE and the
 * SDK's other sources. Never from the config, never from a Logpush job's destination_conf. The SDK is loaded by the
 * first client a run opens.
 */
export async function openArchiveClient(archive: ArchiveConfig, env: EnvVars): Promise<S3Client> {
  const { S3Client } = await loadS3Sdk();
  const accessKeyId = env['AWS_ACCESS_KEY_ID']?.trim();
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY']?.trim();
  const sessionToken = env['AWS_SESSION_TOKEN']?.trim();
  const profile = env['AWS_PROFILE']?.trim();
  return new S3Client({
    region: archive.region,
    ...(archive.endpoint === undefined ? {} : { endpoint: archive.endpoint }),
    forcePathStyle: archive.forcePathStyle,
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
    ...(profile ? { profile } : {}),
    // R2 and most S3-compatible servers reject the checksums the SDK now adds to every request by default.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}

/**
 * In a versioned bucket the summary counts keys with data in any version (noncurrent versions hold IP addresses
 * too); `versions` says how many versions and delete markers there are. `unknown`: the versioning or the versions
 * could not be read (the permission named), so only current objects are counted.
 */
export type ArchiveVersioning =
  ({ readonly kind: 'enabled' | 'suspended' } & VersionCounts) | { readonly kind: 'unknown'; readonly permission: ArchivePermission; readonly code: string };

/**
 * Lists every object under the archive's prefix (1,000 a page), then reads the lifecycle rules: through
 * `lifecycleReader` when it reads this archive's (R2 through the Cloudflare API), else through S3. A versioned bucket
 * is listed by version (ListObjectVersions), so keys whose current version was deleted still count while data remains.
 */
export async function readArchive(client: S3Client, archive: ArchiveConfig, now: Date, lifecycleReader?: LifecycleReader): Promise<ArchiveReading> {
  const listing = await listArchiveContents(client, archive, now);
  if (listing.kind === 'failed') return listing;
  const { objects, pages, versioning } = listing;
  const summary = buildArchiveSummary(objects, archive.retention.ms, now);
  const lifecycle = (await lifecycleReader?.(archive)) ?? (await readLifecycle(client, archive));
  return { kind: 'read', summary, lifecycle, pages, ...(versioning ? { versioning } : {}) };
}

/** What an archive holds for a reader that deletes nothing; `versioning` absent for an unversioned bucket. */
export type ArchiveContents =
  | { readonly kind: 'listed'; readonly objects: ArchiveObject[]; readonly pages: number; readonly versioning: ArchiveVersioning | undefined }
  | Extract<ArchiveReading, { kind: 'failed' }>;

/**
 * Every object under the archive's prefix; in a versioned (or suspended) bucket every version and delete marker of
 * each key (`versions`). When the versioning or the versions cannot be read, the current objects, with the
 * permission that was missing (`unknown`): a reader says what it could not see rather than failing.
 */
export async function listArchiveContents(client: S3Client, archive: ArchiveConfig, now: Date): Promise<ArchiveContents> {
  const { bucket, prefix } = archive.location;
  const protection = await readBucketProtection(client, bucket);
  let versioning: ArchiveVersioning | undefined;
  if (protection.kind === 'refused') versioning = { kind: 'unknown', permission: protection.permission, code: protection.code };
  else if (protection.kind === 'read' && protection.protection.versioning !== 'none') {
    const listing = await listArchiveVersions(client, bucket, prefix, now);
    if (listing.kind === 'failed') return listing;
    if (listing.kind === 'listed') {
      return { kind: 'listed', objects: listing.objects, pages: listing.pages, versioning: { kind: protection.protection.versioning, ...listing.counts } };
    }
    versioning = { kind: 'unknown', permission: listing.permission, code: listing.code };
  }
  const listing = await listArchiveObjects(client, archive, now);
  return listing.kind === 'failed' ? listing : { ...listing, versioning };
}

/** Every object under the archive's prefix (1,000 a page, continuation tokens), or why they could not be listed. */
export async function listArchiveObjects(
  client: S3Client,
  archive: ArchiveConfig,
  now: Date,
): Promise<{ readonly kind: 'listed'; readonly objects: ArchiveObject[]; readonly pages: number } | Extract<ArchiveReading, { kind: 'failed' }>> {
  const { bucket, prefix } = archive.location;
  const { ListObjectsV2Command } = await loadS3Sdk();
  const objects: ArchiveObject[] = [];
  let pages = 0;
  try {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      pages += 1;
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        objects.push({ key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified ?? now });
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  } catch (err) {
    return { kind: 'failed', ...classifyFailure(err) };
  }
  return { kind: 'listed', objects, pages };
}

async function readLifecycle(client: S3Client, archive: ArchiveConfig): Promise<LifecycleVerdict> {
  const { GetBucketLifecycleConfigurationCommand } = await loadS3Sdk();
  try {
    const answer = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: archive.location.bucket }));
    return selectLifecycleVerdict((answer.Rules ?? []).map(toLifecycleRule), archive.location.prefix, archive.retention.ms);
  } catch (err) {
    if (isS3ServiceException(err) && err.name === 'NoSuchLifecycleConfiguration') return { kind: 'none' };
    // Not allowed (s3:GetBucketLifecycleConfiguration missing) or not implemented by the server: said, not fatal.
    return { kind: 'unknown', reason: errorCode(err) };
  }
}

function toLifecycleRule(rule: S3LifecycleRule): LifecycleRule {
  // The prefix sits in Filter.Prefix, Filter.And.Prefix, or (deprecated) the rule's own Prefix.
  const prefix = rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? rule.Prefix ?? '';
  return { isEnabled: rule.Status === 'Enabled', prefix, expirationDays: rule.Expiration?.Days };
}

/** Reads archives with clients opened from the run's environment; each client is closed after its archive. */
export function openArchiveReader(env: EnvVars, lifecycleReader?: LifecycleReader): (archive: ArchiveConfig, now: Date) => Promise<ArchiveReading> {
  return async (archive, now) => {
    const client = await openArchiveClient(archive, env);
    try {
      return await readArchive(client, archive, now, lifecycleReader);
    } finally {
      client.destroy();
    }
  };
}

/** An open connection to one archive's bucket, for the use cases that must not import the SDK themselves. */
export type ArchiveClient = S3Client;
