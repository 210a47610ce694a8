import type { S3Client } from '@aws-sdk/client-s3';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELETE_BATCH, openObjectDeleter } from '../../src/archives/delete-objects.js';
import { isDeleteObjects, startDenyingProxy } from '../helpers/s3-deny-proxy.js';
import { openTestS3Client, putObjects, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, startS3Server, type TestS3Server } from '../helpers/s3-server.js';

// DeleteObjects batches confirmed by listing their key range afterwards, two batches to one listing, against a real
// S3 server (s3rver): what the listing still shows failed, whatever DeleteObjects answered.

const BUCKET = 'luxeret-deleter';
let server: TestS3Server;

beforeAll(async () => {
  server = await startS3Server([BUCKET]);
}, 60_000);
afterAll(async () => {
  await server?.close();
});

/** A client through a pass-through that counts requests and refuses the DeleteObjects requests numbered in `deny`. */
async function startProxy(deny: ReadonlySet<number>): Promise<{ client: S3Client; requests: () => number; close: () => Promise<void> }> {
  let deletes = 0;
  const proxy = await startDenyingProxy(server.endpoint, (method, url) => isDeleteObjects(method, url) && deny.has(++deletes));
  const client = openTestS3Client(proxy.endpoint, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, { maxAttempts: 1 });
  return {
    client,
    requests: () => proxy.requests(),
    close: async () => {
      client.destroy();
      await proxy.close();
    },
  };
}

async function seed(prefix: string, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `${prefix}20261101/${i.toString().padStart(6, '0')}.log.gz`);
  await putObjects(server.client, BUCKET, [...keys.map((key) => ({ key, body: Buffer.from('x') })), { key: `${prefix}zz-kept`, body: Buffer.from('y') }]);
  return keys;
}

async function listKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await server.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((item) => item.Key!));
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

describe('deleting archive objects in batches, confirmed by listing', () => {
  it('two deleted batches are confirmed by one listing page', async () => {
    const keys = await seed('pair/', 2 * DELETE_BATCH);
    const proxy = await startProxy(new Set());
    try {
      const deleter = openObjectDeleter(proxy.client, BUCKET);
      expect(await deleter.delete(keys.slice(0, DELETE_BATCH))).toEqual({ gone: [], failed: [], requests: 0 });
      const report = await deleter.delete(keys.slice(DELETE_BATCH));
      expect(await deleter.confirm()).toEqual({ gone: [], failed: [], requests: 0 });
      expect(report.gone).toHaveLength(2 * DELETE_BATCH);
      expect(report.failed).toEqual([]);
      expect(report).toMatchObject({ requests: 3 });
      expect(proxy.requests()).toBe(3);
    } finally {
      await proxy.close();
    }
    expect(await listKeys('pair/')).toEqual(['pair/zz-kept']);
  }, 60_000);

  it('a refused batch inside a confirmed pair fails exactly its keys; the others are confirmed gone', async () => {
    const keys = await seed('refused/', 2 * DELETE_BATCH + 500);
    const proxy = await startProxy(new Set([2]));
    try {
      const deleter = openObjectDeleter(proxy.client, BUCKET);
      await deleter.delete(keys.slice(0, DELETE_BATCH));
      const pair = await deleter.delete(keys.slice(DELETE_BATCH, 2 * DELETE_BATCH));
      await deleter.delete(keys.slice(2 * DELETE_BATCH));
      const last = await deleter.confirm();
      expect(pair.gone).toEqual(keys.slice(0, DELETE_BATCH));
      expect(pair.failed).toEqual(keys.slice(DELETE_BATCH, 2 * DELETE_BATCH).map((key) => ({ key, code: 'AccessDenied' })));
      expect(last).toMatchObject({ gone: keys.slice(2 * DELETE_BATCH), failed: [] });
    } finally {
      await proxy.close();
    }
    expect(await listKeys('refused/')).toEqual([...keys.slice(DELETE_BATCH, 2 * DELETE_BATCH), 'refused/zz-kept']);
  }, 60_000);
});
