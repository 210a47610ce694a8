import { gzipSync } from 'node:zlib';
import { addAccount, addR2Bucket, addToken, R2_DEFAULT_MULTIPART_RULE, type Emulator, type R2LifecycleRule } from '@luxeret/cloudflare-emulator';
import { startTestEmulator, TEST_TOKEN } from '@luxeret/cloudflare-emulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchiveClient, readArchive, type ArchiveReading } from '../../src/archives/read-archive.js';
import { openR2LifecycleReader, type LifecycleReader } from '../../src/archives/r2-lifecycle.js';
import { createRestClient } from '../../src/cloudflare/rest-client.js';
import { readArchives, type ArchiveConfig } from '../../src/config/archives.js';
import { parseDuration } from '../../src/config/duration.js';
import { buildArchiveLocation } from '../../src/inventory/archive-location.js';
import { renderMessage, selectMessages } from '../../src/report/messages/index.js';
import { putObjects, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, startS3Server, type TestS3Server } from '../helpers/s3-server.js';

// An R2 archive's lifecycle rules read through the Cloudflare API (the emulator, official SDK) while its objects are
// listed from a real S3 server (s3rver): R2's S3 endpoint cannot be reached from a test, so the S3 client is opened
// on s3rver and the archive keeps its R2 endpoint, which is what selects the API read.

const ACCOUNT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
const BUCKET = 'cf-logs';
const DAY_S = 86_400;

const expireAfter = (id: string, prefix: string, days: number, enabled = true): R2LifecycleRule => ({
  id,
  enabled,
  conditions: { prefix },
  deleteObjectsTransition: { condition: { type: 'Age', maxAge: days * DAY_S } },
});

let server: TestS3Server;
let emulator: Emulator;

beforeAll(async () => {
  server = await startS3Server([BUCKET]);
  await putObjects(server.client, BUCKET, [{ key: 'fw/20260101/a.log.gz', body: gzipSync('{}\n') }]);
  emulator = await startTestEmulator();
  addAccount(emulator.state, { id: ACCOUNT });
  addToken(emulator.state, { value: 'no-r2-token', permissions: ['Logs Write', 'Zone Read'] });
}, 60_000);
afterAll(async () => {
  await emulator?.close();
  await server?.close();
});

function archiveAt(endpoint: string, retention = '30d', url = `s3://${BUCKET}/fw/`): ArchiveConfig {
  const problems: string[] = [];
  const [archive] = readArchives([{ name: 'cf-fw', url, endpoint, region: 'auto', retention }], parseDuration('30d'), problems);
  expect(problems).toEqual([]);
  return archive!;
}

function r2Reader(token = TEST_TOKEN): LifecycleReader {
  const client = createRestClient({ baseUrl: emulator.baseUrl, token, maxRetries: 0 });
  return openR2LifecycleReader(async () => (await client).sdk);
}

/** Lists from s3rver whatever endpoint the archive names; the lifecycle goes where the reader sends it. */
async function read(archive: ArchiveConfig, reader: LifecycleReader | undefined): Promise<Extract<ArchiveReading, { kind: 'read' }>> {
  const client = await openArchiveClient(
    { ...archive, endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true },
    { AWS_ACCESS_KEY_ID: S3_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY },
  );
  try {
    const reading = await readArchive(client, archive, new Date(), reader);
    if (reading.kind !== 'read') throw new Error(`listing failed: ${reading.reason}`);
    expect(reading.summary.objects).toBe(1);
    return reading;
  } finally {
    client.destroy();
  }
}

const lifecycleCalls = () => emulator.requests.filter((r) => r.path.endsWith('/lifecycle'));
const R2_ENDPOINT = `https://${ACCOUNT}.r2.cloudflarestorage.com`;

describe('R2 lifecycle through the Cloudflare API', () => {
  it.each([
    // The soonest enabled Age deletion covering fw/ decides; disabled rules, Date deletions, storage-class
    // transitions and R2's default multipart rule delete nothing by age.
    ['30d', [expireAfter('fw', 'fw/', 30)], { kind: 'same', days: 30 }],
    ['30d', [expireAfter('fw', 'fw/', 7), expireAfter('all', '', 400)], { kind: 'earlier', days: 7 }],
    ['30d', [expireAfter('bucket', '', 90), expireAfter('other', 'http/', 1), expireAfter('off', 'fw/', 2, false)], { kind: 'later', days: 90 }],
    [
      '30d',
      [
        { id: 'date', enabled: true, conditions: { prefix: 'fw/' }, deleteObjectsTransition: { condition: { type: 'Date' as const, date: '2027-01-01' } } },
        {
          id: 'ia',
          enabled: true,
          conditions: { prefix: '' },
          storageClassTransitions: [{ condition: { type: 'Age' as const, maxAge: DAY_S }, storageClass: 'InfrequentAccess' as const }],
        },
        R2_DEFAULT_MULTIPART_RULE,
      ],
      { kind: 'none' },
    ],
    ['36h', [expireAfter('fw', 'fw/', 1)], { kind: 'earlier', days: 1 }],
  ])('retention %s, rules %j → %j', async (retention, rules, verdict) => {
    addR2Bucket(emulator.state, ACCOUNT, { name: BUCKET, lifecycleRules: rules });
    const before = lifecycleCalls().length;
    const reading = await read(archiveAt(R2_ENDPOINT, retention), r2Reader());
    expect(reading.lifecycle).toEqual(verdict);
    const calls = lifecycleCalls().slice(before);
    expect(calls.map((c) => [c.method, c.path, c.status, c.hasAuth])).toEqual([['GET', `/accounts/${ACCOUNT}/r2/buckets/${BUCKET}/lifecycle`, 200, true]]);
  });

  it('asks for a jurisdiction bucket with its cf-r2-jurisdiction header (the eu bucket, not the default one of the same name)', async () => {
    addR2Bucket(emulator.state, ACCOUNT, { name: BUCKET, lifecycleRules: [expireAfter('default', 'fw/', 90)] });
    addR2Bucket(emulator.state, ACCOUNT, { name: BUCKET, jurisdiction: 'eu', lifecycleRules: [expireAfter('eu', 'fw/', 3)] });
    const reading = await read(archiveAt(`https://${ACCOUNT}.eu.r2.cloudflarestorage.com`), r2Reader());
    expect(reading.lifecycle).toEqual({ kind: 'earlier', days: 3 });
  });

  it('a token without R2 read: verdict unknown with the reason and the permission, the archive still read (not an error)', async () => {
    const archive = archiveAt(R2_ENDPOINT);
    const reading = await read(archive, r2Reader('no-r2-token'));
    expect(reading.lifecycle).toEqual({ kind: 'unknown', reason: 'not readable with this token: needs Workers R2 Storage Read', via: 'cloudflare' });
    expect(lifecycleCalls().at(-1)?.status).toBe(403);
    const location = buildArchiveLocation(archive, reading);
    expect(location).toMatchObject({ status: 'ok', records: 1, archive: { lifecycle: 'unknown' } });
    const notes = location.notes.map((note) => renderMessage(selectMessages('en'), note));
    expect(notes).toContain(
      "the R2 bucket's lifecycle rules could not be read through the Cloudflare API (not readable with this token: needs Workers R2 Storage Read); an API token with Workers R2 Storage Read shows them",
    );
    expect(location.notes.map((note) => renderMessage(selectMessages('ko'), note)).join('\n')).toContain('Workers R2 Storage Read 권한이 필요합니다');
  });

  it('a bucket the account does not have: unknown, R2 error code 10006', async () => {
    const problems: string[] = [];
    const [missing] = readArchives([{ name: 'gone', url: 's3://no-such-bucket/fw/', endpoint: R2_ENDPOINT, region: 'auto' }], parseDuration('30d'), problems);
    expect(problems).toEqual([]);
    const verdict = await r2Reader()(missing!);
    expect(verdict).toEqual({ kind: 'unknown', reason: 'no such R2 bucket in this account (10006)', via: 'cloudflare' });
  });

  it('falls back to S3 GetBucketLifecycleConfiguration when the endpoint is not R2, or when there is no token (no reader)', async () => {
    const before = lifecycleCalls().length;
    expect(r2Reader()(archiveAt(server.endpoint))).toBeUndefined();
    // s3rver answers the S3 call without a lifecycle implementation: unknown, said through S3 (no `via`).
    const s3 = await read(archiveAt(server.endpoint), r2Reader());
    const noToken = await read(archiveAt(R2_ENDPOINT), undefined);
    for (const reading of [s3, noToken]) {
      expect(reading.lifecycle.kind).toBe('unknown');
      expect(reading.lifecycle).not.toHaveProperty('via');
    }
    expect(lifecycleCalls().length).toBe(before);
  });
});
