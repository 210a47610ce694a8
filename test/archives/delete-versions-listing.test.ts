import { ListObjectVersionsCommand, PutObjectCommand, DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DELETE_BATCH } from '../../src/archives/delete-objects.js';
import { deleteArchiveVersions } from '../../src/archives/delete-versions.js';
import { buildVersionedObjects, toListedVersions, type ListedVersion } from '../../src/archives/list-versions.js';
import type { ArchiveObject } from '../../src/archives/summary.js';
import { startDenyingProxy, type DenyingProxy } from '../helpers/s3-deny-proxy.js';
import { openTestS3Client } from '../helpers/s3-server.js';
import { createMotoBucket, describeMoto, MOTO_ACCESS_KEY_ID, MOTO_SECRET_ACCESS_KEY, startMotoServer, type TestMotoServer } from '../helpers/moto-server.js';

// The listing that confirms each batch of version deletions (moto_server on 127.0.0.1), in a purge of thousands of
// keys under one day folder among keys that stay: each batch's listing costs about its own range in pages, not its
// position in the folder, and it still sees every version left, moto's KeyMarker quirk notwithstanding.

/** Small pages, so that re-listing the kept keys before a batch shows in the count (moto's default page for a listing). */
const PAGE = 50;
const DAY = 'firewall/20250101/';
const NOW = new Date('2025-03-01T00:00:00Z');

let moto: TestMotoServer;
let proxy: DenyingProxy;
let client: S3Client;
let listingRequests = 0;

function dayKey(n: number): string {
  return `${DAY}20250101T${n.toString().padStart(6, '0')}Z_${n.toString(16).padStart(8, '0')}.log.gz`;
}

async function putAll(bucket: string, writes: readonly { key: string; body: string }[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < writes.length) {
        const write = writes[next++]!;
        await moto.client.send(new PutObjectCommand({ Bucket: bucket, Key: write.key, Body: write.body }));
      }
    }),
  );
}

/** Every version and delete marker in the bucket, as `key version-id`, sorted (through moto directly, not counted). */
async function listAll(bucket: string): Promise<string[]> {
  const rows: string[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await moto.client.send(
      new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker, MaxKeys: 1_000 }),
    );
    rows.push(...[...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => `${v.Key} ${v.VersionId}`));
    keyMarker = page.IsTruncated === true ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated === true ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  return rows.sort();
}

/** The day folder's objects with their versions, as the purge plan lists them (pages of 1,000, not counted). */
async function listObjects(bucket: string): Promise<ArchiveObject[]> {
  const rows: ListedVersion[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await moto.client.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'firewall/', KeyMarker: keyMarker, VersionIdMarker: versionIdMarker, MaxKeys: 1_000 }),
    );
    rows.push(...toListedVersions(page, NOW));
    keyMarker = page.IsTruncated === true ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated === true ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  return buildVersionedObjects(rows);
}

/** Deletes the objects as `purge` does: 1,000 keys a call (or `perCall`), each call's listing starting where the last left. */
async function purgeInCalls(
  bucket: string,
  objects: readonly ArchiveObject[],
  options: { perCall?: number; beforeCall?: (call: number) => Promise<void> } = {},
): Promise<{ gone: string[]; failed: { key: string; code: string }[]; locked: number; pagesPerCall: number[] }> {
  const gone: string[] = [];
  const failed: { key: string; code: string }[] = [];
  let locked = 0;
  const pagesPerCall: number[] = [];
  let presentKey: string | undefined;
  const perCall = options.perCall ?? DELETE_BATCH;
  for (let i = 0; i < objects.length; i += perCall) {
    await options.beforeCall?.(i / perCall);
    const before = listingRequests;
    const report = await deleteArchiveVersions(client, bucket, objects.slice(i, i + perCall), { kind: 'none' }, NOW, undefined, presentKey);
    pagesPerCall.push(listingRequests - before);
    presentKey = report.presentKey;
    gone.push(...report.gone);
    failed.push(...report.failed);
    locked += report.locked.length;
  }
  return { gone, failed, locked, pagesPerCall };
}

describeMoto('confirming version deletions: one listing page per page of the batch, whatever its place (moto)', () => {
  beforeAll(async () => {
    moto = await startMotoServer({ env: { MOTO_S3_DEFAULT_MAX_KEYS: String(PAGE) } });
    // A pass-through that counts the ListObjectVersions requests (GET /bucket?versions) the deletion sends.
    proxy = await startDenyingProxy(moto.endpoint, (method, url) => {
      if (method === 'GET' && /[?&]versions(=|&|$)/.test(url)) listingRequests += 1;
      return false;
    });
    client = openTestS3Client(proxy.endpoint, MOTO_ACCESS_KEY_ID, MOTO_SECRET_ACCESS_KEY);
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await proxy?.close();
    await moto?.close();
  });

  it('3,000 keys purged among 1,000 kept in one day folder: each batch lists its own range, every version and marker goes', async () => {
    const bucket = 'lux-listing-pages';
    await createMotoBucket(moto.client, bucket, { versioned: true });
    // Every fourth key is kept (as a hold or a lock keeps keys among the expired), the rest purged; every 100th key
    // also has a noncurrent version under a delete marker. Keys of other prefixes, before and after, stay.
    const isKept = (n: number): boolean => n % 4 === 3;
    const writes: { key: string; body: string }[] = [];
    for (let n = 0; n < 4_000; n += 1) {
      writes.push({ key: dayKey(n), body: `a${n}` });
      if (n % 100 === 0) writes.push({ key: dayKey(n), body: `b${n}` });
    }
    writes.push(...['dns/20250101/a.log.gz', 'http/20250101/z.log.gz'].map((key) => ({ key, body: 'other' })));
    await putAll(bucket, writes);
    for (let n = 0; n < 4_000; n += 100) await moto.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: dayKey(n) }));
    const keptKeys = Array.from({ length: 4_000 }, (_, n) => n)
      .filter(isKept)
      .map(dayKey);
    const purged = (await listObjects(bucket)).filter((object) => !keptKeys.includes(object.key));
    expect(purged).toHaveLength(3_000);
    const purgedKeys = new Set(purged.map((object) => object.key));
    const before = await listAll(bucket);
    expect(before).toHaveLength(4_000 + 40 * 2 + 2);

    const result = await purgeInCalls(bucket, purged);

    expect(result.failed).toEqual([]);
    expect(result.locked).toBe(0);
    expect(result.gone).toEqual(purged.map((object) => object.key));
    expect(await listAll(bucket)).toEqual(before.filter((row) => !purgedKeys.has(row.split(' ')[0]!)));
    // A call's 1,000 keys (1,026 versions: two DeleteObjects batches) span some 333 kept keys: 7 pages of 50, and a
    // page or so more for each batch (reaching past its last key). Listing from the prefix instead re-lists the kept
    // keys before each batch, more with each call (9, 15 and 21 pages): quadratic over a larger purge.
    expect(result.pagesPerCall).toHaveLength(3);
    result.pagesPerCall.forEach((pages, call) => {
      const keys = purged.slice(call * DELETE_BATCH, (call + 1) * DELETE_BATCH).map((object) => object.key);
      const keptInRange = keptKeys.filter((key) => key > keys[0]! && key < keys.at(-1)!).length;
      expect(pages).toBeLessThanOrEqual(Math.ceil(keptInRange / PAGE) + 2 * 2);
    });
    expect(Math.max(...result.pagesPerCall)).toBeLessThanOrEqual(Math.min(...result.pagesPerCall) + 2);
  }, 240_000);

  it.each([
    { case: 'among kept keys', isKeptBetween: true },
    { case: 'with nothing kept before them', isKeptBetween: false },
  ])(
    'a version written to the first key of a later call after the plan is still seen ($case)',
    async ({ isKeptBetween }) => {
      const bucket = `lux-listing-stray-${isKeptBetween ? 'kept' : 'none'}`;
      await createMotoBucket(moto.client, bucket, { versioned: true });
      const count = 600;
      await putAll(
        bucket,
        Array.from({ length: count }, (_, n) => ({ key: dayKey(n), body: `a${n}` })),
      );
      const all = await listObjects(bucket);
      const purged = isKeptBetween ? all.filter((_, n) => n % 2 === 0) : all;
      // The first key of the second call gets a new version after the plan: it must be reported, not taken as gone.
      // (moto skips the first version after a KeyMarker that names no present key: a start after the previous batch's
      // last key, deleted by then, would miss exactly this version.)
      const strayKey = purged[150]!.key;
      const result = await purgeInCalls(bucket, purged, {
        perCall: 150,
        beforeCall: async (call) => {
          if (call === 1) await moto.client.send(new PutObjectCommand({ Bucket: bucket, Key: strayKey, Body: 'written since' }));
        },
      });
      expect(result.failed).toEqual([{ key: strayKey, code: 'new_version' }]);
      expect(result.gone).toHaveLength(purged.length - 1);
      const left = (await listAll(bucket)).map((row) => row.split(' ')[0]!);
      const kept = all.filter((object) => !purged.includes(object)).map((object) => object.key);
      expect(left).toEqual([...kept, strayKey].sort());
    },
    240_000,
  );
});
