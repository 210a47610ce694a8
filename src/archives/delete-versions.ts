import type { ListObjectVersionsCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { ArchivePermission } from './bucket-protection.js';
import { DELETE_BATCH } from './delete-objects.js';
import { selectLatestLockEnd, type LockedUntil, type ObjectLockSetting } from './object-lock.js';
import { classifyFailure } from './s3-errors.js';
import { loadS3Sdk } from './s3-sdk.js';
import type { ObjectVersion } from './summary.js';

/** What deleting every version of a set of keys did, as the bucket's version listing shows it afterwards. */
export interface VersionDeleteReport {
  /** Keys none of whose listed versions and delete markers is left. */
  readonly gone: readonly string[];
  /** Keys with a version left that an object lock keeps (a retain-until date in the future, or a legal hold). */
  readonly locked: readonly { readonly key: string; readonly until: LockedUntil | undefined }[];
  /** Keys with a version left for another reason, with the S3 error code the deletion or the check gave. */
  readonly failed: readonly { readonly key: string; readonly code: string }[];
  /** Set when the first batch was refused whole (no version deleted, none locked): the rest was not tried. */
  readonly refused: { readonly permission: ArchivePermission; readonly code: string } | undefined;
  readonly requests: number;
  /**
   * A key the last confirming listing saw still present, below its batch's last key, and not deleted since: the next
   * call's listings may start after it (pass it back as `presentKey`). Undefined when no such key was seen.
   */
  readonly presentKey: string | undefined;
}

interface Target {
  readonly key: string;
  readonly version: ObjectVersion;
}

/** At most this many refused versions are asked about their lock (two requests each): the few a lock keeps. */
const LOCK_QUESTIONS = 200;

/**
 * Deletes every listed version and delete marker of the keys (DeleteObjects with VersionId, Quiet, up to 1,000
 * versions a request), then lists each batch's key range's versions again: what is still listed is not gone,
 * whatever the answer said. A version already gone (a re-run after a crash) is simply not listed any more. A version
 * S3 refuses (AccessDenied) in a bucket that may have object lock is asked for its legal hold and retain-until date:
 * kept by the lock, not a failure. When the first batch is refused whole and no lock explains it, the credentials
 * lack s3:DeleteObjectVersion: nothing was deleted, and nothing more is tried.
 * `presentKey` (a previous call's report's) lets the first listing start after a key known to be there.
 */
export async function deleteArchiveVersions(
  client: S3Client,
  bucket: string,
  objects: readonly { readonly key: string; readonly versions?: readonly ObjectVersion[] | undefined }[],
  lock: ObjectLockSetting,
  now: Date,
  onBatch?: (done: number) => void,
  presentKey?: string,
): Promise<VersionDeleteReport> {
  const { DeleteObjectsCommand } = await loadS3Sdk();
  const targets = objects
    .flatMap((object) => (object.versions ?? []).map((version): Target => ({ key: object.key, version })))
    .sort((a, b) => compare(a.key, b.key) || compare(a.version.versionId, b.version.versionId));
  const planned = new Set(targets.map((target) => targetId(target.key, target.version.versionId)));
  const left = new Map<Target, string>();
  const lockedUntil = new Map<Target, LockedUntil>();
  const seenKeys = new Set<string>();
  const strayKeys = new Set<string>();
  let refused: VersionDeleteReport['refused'];
  let requests = 0;
  let questions = 0;
  // Keys a listing saw still present, none of whose versions was deleted since (ascending, at most two, as a batch's
  // last key may go on into the next batch): a later listing starts after the greatest one below its batch.
  let startKeys = presentKey === undefined ? [] : [presentKey];
  for (let i = 0; i < targets.length; i += DELETE_BATCH) {
    const batch = targets.slice(i, i + DELETE_BATCH);
    // This batch deletes keys from its first on: a start key there may lose its versions, and is past the start anyway.
    startKeys = startKeys.filter((key) => key < batch[0]!.key);
    if (refused) {
      for (const target of batch) left.set(target, refused.code);
      continue;
    }
    const codes = new Map<string, string>();
    const denied = new Set<string>();
    try {
      requests += 1;
      const answer = await client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Quiet: true, Objects: batch.map((target) => ({ Key: target.key, VersionId: target.version.versionId })) },
        }),
      );
      for (const error of answer.Errors ?? []) {
        if (error.Key === undefined) continue;
        // S3 names the version in each error; moto names only the key, so such an error stands for the key's versions.
        const ids =
          error.VersionId === undefined
            ? batch.filter((t) => t.key === error.Key).map((t) => targetId(t.key, t.version.versionId))
            : [targetId(error.Key, error.VersionId)];
        for (const id of ids) {
          codes.set(id, error.Code ?? 'unknown');
          if (error.Code === 'AccessDenied') denied.add(id);
        }
      }
    } catch (err) {
      const failure = classifyFailure(err);
      for (const target of batch) {
        const id = targetId(target.key, target.version.versionId);
        codes.set(id, failure.code);
        if (failure.reason === 'denied') denied.add(id);
      }
    }
    const check = await listVersionsStillPresent(client, bucket, batch, planned, startKeys.at(-1));
    requests += check.requests;
    startKeys = [...new Set([...startKeys, ...check.presentBelowLast, ...check.presentLast])].sort(compare).slice(-2);
    let goneInBatch = 0;
    for (const target of batch) {
      const id = targetId(target.key, target.version.versionId);
      seenKeys.add(target.key);
      if (check.present !== undefined && !check.present.has(id)) {
        goneInBatch += 1;
        continue;
      }
      left.set(target, codes.get(id) ?? (check.present === undefined ? `not_confirmed:${check.code}` : 'still_present'));
      if (!denied.has(id) || lock.kind === 'none' || target.version.isDeleteMarker || questions >= LOCK_QUESTIONS) continue;
      questions += 1;
      const asked = await askLock(client, bucket, target, now);
      requests += asked.requests;
      if (asked.until !== undefined) lockedUntil.set(target, asked.until);
    }
    for (const key of check.strays) strayKeys.add(key);
    const isFirst = i === 0;
    const leftInBatch = batch.filter((target) => left.has(target));
    if (
      isFirst &&
      goneInBatch === 0 &&
      leftInBatch.length > 0 &&
      leftInBatch.every((t) => denied.has(targetId(t.key, t.version.versionId)) && !lockedUntil.has(t))
    ) {
      refused = { permission: 's3:DeleteObjectVersion', code: left.get(leftInBatch[0]!)! };
    }
    onBatch?.(seenKeys.size);
  }
  return { ...summariseByKey(objects, targets, left, lockedUntil, strayKeys), refused, requests, presentKey: startKeys.at(-1) };
}

/** A key is gone when all its versions are and none new appeared; locked when a lock keeps one of those left; else failed. */
function summariseByKey(
  objects: readonly { readonly key: string }[],
  targets: readonly Target[],
  left: ReadonlyMap<Target, string>,
  lockedUntil: ReadonlyMap<Target, LockedUntil>,
  strayKeys: ReadonlySet<string>,
): Pick<VersionDeleteReport, 'gone' | 'locked' | 'failed'> {
  const leftByKey = new Map<string, Target[]>();
  for (const target of targets) {
    if (!left.has(target)) continue;
    const list = leftByKey.get(target.key);
    if (list) list.push(target);
    else leftByKey.set(target.key, [target]);
  }
  const gone: string[] = [];
  const locked: { key: string; until: LockedUntil | undefined }[] = [];
  const failed: { key: string; code: string }[] = [];
  for (const { key } of objects) {
    const remaining = leftByKey.get(key);
    if (remaining === undefined) {
      if (strayKeys.has(key)) failed.push({ key, code: 'new_version' });
      else gone.push(key);
    } else if (remaining.some((target) => lockedUntil.has(target)))
      locked.push({ key, until: selectLatestLockEnd(remaining.flatMap((target) => lockedUntil.get(target) ?? [])) });
    else failed.push({ key, code: left.get(remaining[0]!)! });
  }
  return { gone, locked, failed };
}

/** A legal hold, or a retain-until date still ahead, on one version; undefined when neither could be learnt. */
async function askLock(client: S3Client, bucket: string, target: Target, now: Date): Promise<{ until: LockedUntil | undefined; requests: number }> {
  const { GetObjectLegalHoldCommand, GetObjectRetentionCommand } = await loadS3Sdk();
  const input = { Bucket: bucket, Key: target.key, VersionId: target.version.versionId };
  try {
    const hold = await client.send(new GetObjectLegalHoldCommand(input));
    if (hold.LegalHold?.Status === 'ON') return { until: 'legal_hold', requests: 1 };
  } catch {
    // No legal hold configured, or s3:GetObjectLegalHold missing: the retention may still tell.
  }
  try {
    const retention = await client.send(new GetObjectRetentionCommand(input));
    const until = retention.Retention?.RetainUntilDate;
    return { until: until !== undefined && until.getTime() > now.getTime() ? until : undefined, requests: 2 };
  } catch {
    return { until: undefined, requests: 2 };
  }
}

/**
 * Lists the versions under the sorted batch's common prefix up to its last key and returns which of its versions are
 * still there, and which of its keys have a version the plan did not list (written since): `present` undefined when
 * the listing failed. Also returns the greatest key below the last one, and the last one, that it saw still present.
 *
 * The listing starts after `after` (KeyMarker), a key an earlier listing saw present and none of whose versions was
 * deleted since, when it is below the batch; else at the prefix. Starting at the prefix re-lists every key kept there
 * before the batch, for each batch: quadratic over a purge among kept (held, locked) keys. The marker must be a key
 * still present, not a computed one nor the previous batch's last key (deleted): S3 lists the keys after KeyMarker,
 * but moto (5.x, `list_object_versions`) skips the keys before it and then the first version at or after it as well,
 * which is the newest version of the next key when no key is named exactly so. Naming a present key `after` below the
 * batch, moto skips a version of that key, and S3 none of the batch's. (Were that key deleted by someone else in the
 * meantime, moto would skip the next key's newest version; S3 does not depend on the key being there.)
 */
async function listVersionsStillPresent(
  client: S3Client,
  bucket: string,
  batch: readonly Target[],
  planned: ReadonlySet<string>,
  after: string | undefined,
): Promise<{
  present: Set<string> | undefined;
  strays: Set<string>;
  code: string;
  requests: number;
  presentBelowLast: string[];
  presentLast: string[];
}> {
  const first = batch[0]!.key;
  const last = batch[batch.length - 1]!.key;
  const keys = new Set(batch.map((target) => target.key));
  const present = new Set<string>();
  const strays = new Set<string>();
  let prefix = '';
  while (prefix.length < first.length && first[prefix.length] === last[prefix.length]) prefix += first[prefix.length];
  const { ListObjectVersionsCommand } = await loadS3Sdk();
  let requests = 0;
  let belowLast: string | undefined;
  let isLastPresent = false;
  try {
    let keyMarker = after !== undefined && after > prefix && after < first ? after : undefined;
    let versionIdMarker: string | undefined;
    let isPast = false;
    do {
      requests += 1;
      const page: ListObjectVersionsCommandOutput = await client.send(
        new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
      );
      for (const item of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
        if (item.Key === undefined) continue;
        if (item.Key > last) {
          isPast = true;
          continue;
        }
        if (item.Key === last) isLastPresent = true;
        else if (belowLast === undefined || item.Key > belowLast) belowLast = item.Key;
        if (keys.has(item.Key)) {
          const id = targetId(item.Key, item.VersionId ?? 'null');
          present.add(id);
          if (!planned.has(id)) strays.add(item.Key);
        }
      }
      const isTruncated: boolean = !isPast && page.IsTruncated === true && page.NextKeyMarker !== undefined;
      keyMarker = isTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = isTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
  } catch (err) {
    return { present: undefined, strays, code: classifyFailure(err).code, requests, presentBelowLast: [], presentLast: [] };
  }
  return {
    present,
    strays,
    code: '',
    requests,
    presentBelowLast: belowLast === undefined ? [] : [belowLast],
    presentLast: isLastPresent ? [last] : [],
  };
}

function targetId(key: string, versionId: string): string {
  return `${key}\u0000${versionId}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
