import type { S3Client } from '@aws-sdk/client-s3';
import { errorCode } from './s3-errors.js';
import { loadS3Sdk } from './s3-sdk.js';

/** DeleteObjects takes at most 1,000 keys a request. */
export const DELETE_BATCH = 1_000;

/** What deleting a set of keys did, as the bucket shows it afterwards. */
export interface ArchiveDeleteReport {
  /** Keys confirmed gone by listing after their batch. */
  readonly gone: readonly string[];
  /** Keys still there (or not confirmed), with the S3 error code the deletion or the check gave. */
  readonly failed: readonly { readonly key: string; readonly code: string }[];
  readonly requests: number;
}

/** Deleted batches confirmed by one listing: the listing of two deleted ranges in a row costs one page, like one. */
const CONFIRM_EVERY_BATCHES = 2;

const NOTHING_CONFIRMED: ArchiveDeleteReport = { gone: [], failed: [], requests: 0 };

/**
 * Deletes keys with DeleteObjects (Quiet), up to 1,000 a request, and confirms them by listing their key range again
 * afterwards: what is still listed failed, whatever the answer said. Every second `delete()` confirms the two batches
 * with one listing and returns that report (an empty one otherwise); `confirm()` at the end confirms what is left.
 * Nothing counts as gone before its confirmation.
 * Deleting a key that is already gone is no error in S3, so a re-run after a crash is harmless. A refused request
 * (AccessDenied) fails its whole batch; later batches go on.
 */
export function openObjectDeleter(
  client: S3Client,
  bucket: string,
): { delete(keys: readonly string[]): Promise<ArchiveDeleteReport>; confirm(): Promise<ArchiveDeleteReport> } {
  let pending: string[] = [];
  let batches = 0;
  let codes = new Map<string, string>();
  let requests = 0;
  const confirm = async (): Promise<ArchiveDeleteReport> => {
    const keys = [...pending].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const gone: string[] = [];
    const failed: { key: string; code: string }[] = [];
    if (keys.length > 0) {
      const check = await listStillPresent(client, bucket, keys);
      requests += check.requests;
      for (const key of keys) {
        if (check.present === undefined) failed.push({ key, code: codes.get(key) ?? `not_confirmed:${check.code}` });
        else if (check.present.has(key)) failed.push({ key, code: codes.get(key) ?? 'still_present' });
        else gone.push(key);
      }
    }
    const report = { gone, failed, requests };
    pending = [];
    codes = new Map();
    requests = 0;
    return report;
  };
  return {
    confirm,
    async delete(keys) {
      if (keys.length > DELETE_BATCH) throw new Error(`DeleteObjects takes at most ${DELETE_BATCH} keys, got ${keys.length}`);
      if (keys.length === 0) return NOTHING_CONFIRMED;
      const { DeleteObjectsCommand } = await loadS3Sdk();
      pending.push(...keys);
      batches += 1;
      try {
        requests += 1;
        const answer = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Quiet: true, Objects: keys.map((Key) => ({ Key })) } }));
        for (const error of answer.Errors ?? []) if (error.Key !== undefined) codes.set(error.Key, error.Code ?? 'unknown');
      } catch (err) {
        const code = errorCode(err);
        for (const key of keys) codes.set(key, code);
      }
      return batches % CONFIRM_EVERY_BATCHES === 0 ? confirm() : NOTHING_CONFIRMED;
    },
  };
}

/**
 * Lists the sorted batch's key range (from just before its first key to its last, under their common prefix) and
 * returns which of its keys are still there; `present` undefined when the listing failed.
 */
async function listStillPresent(
  client: S3Client,
  bucket: string,
  batch: readonly string[],
): Promise<{ present: Set<string> | undefined; code: string; requests: number }> {
  const first = batch[0]!;
  const last = batch[batch.length - 1]!;
  const wanted = new Set(batch);
  const present = new Set<string>();
  let prefix = '';
  while (prefix.length < first.length && first[prefix.length] === last[prefix.length]) prefix += first[prefix.length];
  const { ListObjectsV2Command } = await loadS3Sdk();
  let requests = 0;
  try {
    let token: string | undefined;
    do {
      requests += 1;
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(token === undefined ? { StartAfter: first.slice(0, -1) } : { ContinuationToken: token }),
        }),
      );
      let past = false;
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        if (item.Key > last) past = true;
        else if (wanted.has(item.Key)) present.add(item.Key);
      }
      token = !past && page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  } catch (err) {
    return { present: undefined, code: errorCode(err), requests };
  }
  return { present, code: '', requests };
}
