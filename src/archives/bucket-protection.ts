import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectLockSetting } from './object-lock.js';
import { classifyFailure, errorCode, type ArchiveFailure } from './s3-errors.js';
import { isS3ServiceException, loadS3Sdk } from './s3-sdk.js';

/** An IAM action the archive purge needs on a versioned bucket, named as a policy names it. */
export type ArchivePermission = 's3:GetBucketVersioning' | 's3:ListBucketVersions' | 's3:DeleteObjectVersion';

/** What keeps objects in a bucket beyond a DeleteObjects: versioning (noncurrent versions stay) and object lock. */
export interface BucketProtection {
  /** `suspended` still keeps the versions written while it was enabled. */
  readonly versioning: 'none' | 'enabled' | 'suspended';
  readonly lock: ObjectLockSetting;
}

export type BucketProtectionReading =
  | { readonly kind: 'read'; readonly protection: BucketProtection }
  /** The credentials may not read what the purge must know: the archive is refused, nothing in it deleted. */
  | { readonly kind: 'refused'; readonly permission: ArchivePermission; readonly code: string }
  | { readonly kind: 'failed'; readonly reason: ArchiveFailure; readonly code: string };

// Servers without versioning (s3rver, some S3-compatible stores) answer these; nothing there can be versioned.
const NOT_IMPLEMENTED = new Set(['NotImplemented', 'MethodNotAllowed', 'XNotImplemented']);

/**
 * Reads whether the bucket is versioned (GetBucketVersioning) and its object lock (GetObjectLockConfiguration; S3
 * allows object lock only on versioned buckets). A refused versioning read refuses the archive: without it a
 * purge could leave every deleted object behind as a noncurrent version.
 */
export async function readBucketProtection(client: S3Client, bucket: string): Promise<BucketProtectionReading> {
  const { GetBucketVersioningCommand } = await loadS3Sdk();
  let versioning: BucketProtection['versioning'];
  try {
    const answer = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    versioning = answer.Status === 'Enabled' ? 'enabled' : answer.Status === 'Suspended' ? 'suspended' : 'none';
  } catch (err) {
    if (isNotImplemented(err)) return { kind: 'read', protection: { versioning: 'none', lock: { kind: 'none' } } };
    const failure = classifyFailure(err);
    if (failure.reason === 'denied') return { kind: 'refused', permission: 's3:GetBucketVersioning', code: failure.code };
    return { kind: 'failed', ...failure };
  }
  // Object lock implies versioning (S3 turns it on with the lock); moto reports such a bucket unversioned until its
  // lock configuration is written, so the lock is read either way.
  const lock = await readObjectLock(client, bucket);
  if (versioning === 'none' && lock.kind === 'enabled') versioning = 'enabled';
  return { kind: 'read', protection: { versioning, lock: versioning === 'none' ? { kind: 'none' } : lock } };
}

async function readObjectLock(client: S3Client, bucket: string): Promise<ObjectLockSetting> {
  const { GetObjectLockConfigurationCommand } = await loadS3Sdk();
  try {
    const answer = await client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    const config = answer.ObjectLockConfiguration;
    if (config?.ObjectLockEnabled !== 'Enabled') return { kind: 'none' };
    const retention = config.Rule?.DefaultRetention;
    const mode = retention?.Mode === 'COMPLIANCE' || retention?.Mode === 'GOVERNANCE' ? retention.Mode : undefined;
    const days = retention?.Days ?? 0;
    const years = retention?.Years ?? 0;
    if (mode === undefined || (days <= 0 && years <= 0)) return { kind: 'enabled', defaultRetention: undefined };
    return { kind: 'enabled', defaultRetention: { mode, ...(days > 0 ? { days } : { years }) } };
  } catch (err) {
    if (isS3ServiceException(err) && err.name === 'ObjectLockConfigurationNotFoundError') return { kind: 'none' };
    if (isNotImplemented(err)) return { kind: 'none' };
    // Not allowed (s3:GetBucketObjectLockConfiguration): a refused version deletion is then asked about its lock.
    return { kind: 'unknown', code: errorCode(err) };
  }
}

function isNotImplemented(err: unknown): boolean {
  return isS3ServiceException(err) && (NOT_IMPLEMENTED.has(err.name) || err.$metadata.httpStatusCode === 501);
}
