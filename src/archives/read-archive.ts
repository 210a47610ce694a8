import {
  GetBucketLifecycleConfigurationCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  type LifecycleRule as S3LifecycleRule,
} from '@aws-sdk/client-s3';
import type { ArchiveConfig } from '../config/archives.js';
import type { EnvVars } from '../config/environment.js';
import { selectLifecycleVerdict, type LifecycleRule, type LifecycleVerdict } from './lifecycle.js';
import type { LifecycleReader } from './r2-lifecycle.js';
import { buildArchiveSummary, type ArchiveObject, type ArchiveSummary } from './summary.js';

/** What inventory learns of one archive, or why it could not. */
export type ArchiveReading =
  | { readonly kind: 'read'; readonly summary: ArchiveSummary; readonly lifecycle: LifecycleVerdict; readonly pages: number }
  | { readonly kind: 'failed'; readonly reason: ArchiveFailure; readonly code: string };

/** `denied`: the credentials were refused or lack s3:ListBucket; `no_bucket`: no such bucket; `unreachable`: no answer. */
export type ArchiveFailure = 'denied' | 'no_bucket' | 'unreachable';

const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'CredentialsProviderError']);

/**
 * An S3 client for one archive. Credentials come from the AWS SDK's default chain, read from the run's environment
 * (the CLI hands it in): AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY(/AWS_SESSION_TOKEN), else AWS_PROFILE and the
 * SDK's other sources. Never from the config, never from a Logpush job's destination_conf.
 */
export function openArchiveClient(archive: ArchiveConfig, env: EnvVars): S3Client {
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
 * Lists every object under the archive's prefix (1,000 a page, continuation tokens), then reads the lifecycle rules:
 * through `lifecycleReader` when it reads this archive's (R2 through the Cloudflare API), else through S3.
 */
export async function readArchive(client: S3Client, archive: ArchiveConfig, now: Date, lifecycleReader?: LifecycleReader): Promise<ArchiveReading> {
  const listing = await listArchiveObjects(client, archive, now);
  if (listing.kind === 'failed') return listing;
  const { objects, pages } = listing;
  const summary = buildArchiveSummary(objects, archive.retention.ms, now);
  const lifecycle = (await lifecycleReader?.(archive)) ?? (await readLifecycle(client, archive));
  return { kind: 'read', summary, lifecycle, pages };
}

/** Every object under the archive's prefix (1,000 a page, continuation tokens), or why they could not be listed. */
export async function listArchiveObjects(
  client: S3Client,
  archive: ArchiveConfig,
  now: Date,
): Promise<{ readonly kind: 'listed'; readonly objects: ArchiveObject[]; readonly pages: number } | Extract<ArchiveReading, { kind: 'failed' }>> {
  const { bucket, prefix } = archive.location;
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
  try {
    const answer = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: archive.location.bucket }));
    return selectLifecycleVerdict((answer.Rules ?? []).map(toLifecycleRule), archive.location.prefix, archive.retention.ms);
  } catch (err) {
    if (err instanceof S3ServiceException && err.name === 'NoSuchLifecycleConfiguration') return { kind: 'none' };
    // Not allowed (s3:GetBucketLifecycleConfiguration missing) or not implemented by the server: said, not fatal.
    return { kind: 'unknown', reason: errorCode(err) };
  }
}

function toLifecycleRule(rule: S3LifecycleRule): LifecycleRule {
  // The prefix sits in Filter.Prefix, Filter.And.Prefix, or (deprecated) the rule's own Prefix.
  const prefix = rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? rule.Prefix ?? '';
  return { isEnabled: rule.Status === 'Enabled', prefix, expirationDays: rule.Expiration?.Days };
}

export function classifyFailure(err: unknown): { reason: ArchiveFailure; code: string } {
  const code = errorCode(err);
  if (err instanceof S3ServiceException) {
    if (code === 'NoSuchBucket') return { reason: 'no_bucket', code };
    const status = err.$metadata.httpStatusCode;
    if (DENIED.has(code) || status === 401 || status === 403) return { reason: 'denied', code };
    return { reason: 'unreachable', code };
  }
  return { reason: DENIED.has(code) ? 'denied' : 'unreachable', code };
}

/** The S3 error code or the network error's code: never a message, which may quote a key or a header. */
export function errorCode(err: unknown): string {
  if (err instanceof S3ServiceException) return err.name;
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : err.name;
  }
  return 'unknown';
}

/** Reads archives with clients opened from the run's environment; each client is closed after its archive. */
export function openArchiveReader(env: EnvVars, lifecycleReader?: LifecycleReader): (archive: ArchiveConfig, now: Date) => Promise<ArchiveReading> {
  return async (archive, now) => {
    const client = openArchiveClient(archive, env);
    try {
      return await readArchive(client, archive, now, lifecycleReader);
    } finally {
      client.destroy();
    }
  };
}

/** An open connection to one archive's bucket, for the use cases that must not import the SDK themselves. */
export type ArchiveClient = S3Client;
