import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatCompactTime } from '../../src/archives/object-time.js';
import { loadSigningKey } from '../../src/audit/keys.js';
import { appendAuditEntry } from '../../src/audit/log.js';
import { homePaths } from '../../src/cli/paths.js';
import { openStore } from '../../src/store/db.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { isDeleteObjects, startDenyingProxy } from '../helpers/s3-deny-proxy.js';
import { createMotoBucket, describeMoto, MOTO_SECRET_ACCESS_KEY, startMotoServer, type TestMotoServer } from '../helpers/moto-server.js';
import { motoCliEnv } from '../helpers/logpush-objects.js';

// `purge` of Logpush archives in versioned and object-locked buckets, in a real S3 server that implements both
// (moto_server on 127.0.0.1): every version and delete marker of a purged key goes; credentials that cannot see or
// delete versions refuse the archive; what a lock keeps is counted as kept, with its date, not as failed.

const DAY_MS = 86_400_000;
const RETENTION_DAYS = 30;
const PREFIX = 'firewall/';

let moto: TestMotoServer;
let temp: { dir: string; cleanup: () => void };
let env: Record<string, string>;

/** A Logpush key `daysAgo` days back (its name tells its data time), distinct by `n`. */
function logpushKey(daysAgo: number, n: number, prefix = PREFIX): string {
  const day = new Date(Math.floor((Date.now() - daysAgo * DAY_MS) / DAY_MS) * DAY_MS);
  const start = new Date(day.getTime() + n * 5 * 60_000);
  const end = new Date(start.getTime() + 5 * 60_000);
  return `${prefix}${formatCompactTime(day).slice(0, 8)}/${formatCompactTime(start)}_${formatCompactTime(end)}_${n.toString(16).padStart(8, '0')}.log.gz`;
}

async function put(client: S3Client, bucket: string, key: string, body: string, isLocked = false): Promise<void> {
  // S3 (and moto) want a checksum on a write into a bucket with a default retention.
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: `{"ClientIP":"198.51.100.7","n":"${body}"}\n`,
      ...(isLocked ? { ChecksumAlgorithm: 'CRC32' } : {}),
    }),
  );
}

/** Every version and delete marker in the bucket, as `key version-id kind`, sorted. */
async function listVersions(bucket: string): Promise<string[]> {
  const rows: string[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await moto.client.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
    rows.push(
      ...(page.Versions ?? []).map((v) => `${v.Key} ${v.VersionId} version`),
      ...(page.DeleteMarkers ?? []).map((m) => `${m.Key} ${m.VersionId} marker`),
    );
    keyMarker = page.IsTruncated === true ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated === true ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  return rows.sort();
}

function writeConfig(archives: readonly { name: string; bucket: string; endpoint?: string }[]): void {
  const entries = archives.map((a) => `  - name: ${a.name}\n    url: s3://${a.bucket}/${PREFIX}\n    endpoint: ${a.endpoint ?? moto.endpoint}\n`).join('');
  writeFileSync(join(env.LUXERET_HOME!, 'config.yaml'), `retention:\n  firewall_events: ${RETENTION_DAYS}d\narchives:\n${entries}`);
}

type Location = { id: string; planned: number; deleted: number; held: number; failed: number; notes: { text?: string }[] };

function locationOf(stdout: string, name: string): Location {
  return (JSON.parse(stdout) as { locations: Location[] }).locations.find((l) => l.id === `archive/${name}`)!;
}

function notesOf(location: Location): string {
  return location.notes.map((note) => note.text ?? JSON.stringify(note)).join('\n');
}

async function auditOutcomes(location: string): Promise<{ counts: Record<string, number>; details: Record<string, unknown> }[]> {
  const audit = JSON.parse((await runCli(['audit', 'show', '--json'], { env, cwd: temp.dir })).stdout) as {
    event: string;
    location: string | null;
    counts: Record<string, number>;
    details: Record<string, unknown>;
  }[];
  return audit.filter((e) => e.event === 'archive.delete.outcome' && e.location === location);
}

describeMoto('purge: Logpush archives in versioned and object-locked buckets (moto)', () => {
  beforeAll(async () => {
    moto = await startMotoServer();
    temp = makeTempDir();
    env = motoCliEnv(join(temp.dir, 'home'));
    expect((await runCli(['init'], { env, cwd: temp.dir })).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await moto?.close();
    temp?.cleanup();
  });

  it('deletes every version and delete marker of each purged key (hidden keys too), nothing else; a dry run changes nothing', async () => {
    const bucket = 'lux-versioned';
    await createMotoBucket(moto.client, bucket, { versioned: true });
    const threeVersions = logpushKey(40, 1);
    const oneVersion = logpushKey(40, 2);
    const hidden = logpushKey(45, 3);
    const markerOnly = logpushKey(45, 4);
    const young = logpushKey(2, 5);
    const otherPrefix = logpushKey(40, 6, 'other/');
    for (const n of ['a', 'b', 'c']) await put(moto.client, bucket, threeVersions, n);
    await put(moto.client, bucket, oneVersion, 'a');
    // Deleted earlier without a version id (a lifecycle rule, an old run): its data lives on in noncurrent versions.
    for (const n of ['a', 'b']) await put(moto.client, bucket, hidden, n);
    await moto.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: hidden }));
    // Only a delete marker left (its data version deleted by id): no data, so neither counted nor planned.
    await put(moto.client, bucket, markerOnly, 'a');
    await moto.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: markerOnly }));
    const markerOnlyData = (await moto.client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: markerOnly }))).Versions![0]!;
    await moto.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: markerOnly, VersionId: markerOnlyData.VersionId }));
    for (const n of ['a', 'b']) await put(moto.client, bucket, young, n);
    for (const n of ['a', 'b']) await put(moto.client, bucket, otherPrefix, n);
    writeConfig([{ name: 'versioned', bucket }]);
    const before = await listVersions(bucket);
    expect(before.filter((row) => row.startsWith(`${hidden} `)).length).toBe(3);

    // Inventory counts keys with data in any version (the hidden one too) and says how many versions there are.
    const inventory = await runCli(['inventory', '--format', 'json', '--local-only'], { env, cwd: temp.dir });
    expect(inventory.code).toBe(0);
    type InventoryJson = { locations: { id: string; records: number; notes: string[]; archive: Record<string, unknown> }[] };
    const archive = (JSON.parse(inventory.stdout) as InventoryJson).locations.find((l) => l.id === 'archive/versioned')!;
    expect(archive.records).toBe(4);
    expect(archive.archive['versions']).toEqual({ status: 'enabled', versions: 8, noncurrent: 5, delete_markers: 2 });
    expect(archive.notes.join('\n')).toContain('versioning enabled: 8 version(s), 5 of them noncurrent, and 2 delete marker(s)');

    // safety.max_deletes counts versions and delete markers: 3 keys here are 7 deletions (3 + 1 + 2 and a marker).
    appendFileSync(join(env.LUXERET_HOME!, 'config.yaml'), 'safety:\n  max_deletes: 6\n');
    const refused = await runCli(['purge', '--trust-clock'], { env, cwd: temp.dir });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('7 archive objects');
    expect(await listVersions(bucket)).toEqual(before);
    writeConfig([{ name: 'versioned', bucket }]);

    const dry = await runCli(['purge', '--dry-run', '--json'], { env, cwd: temp.dir });
    expect(dry.code).toBe(0);
    expect(locationOf(dry.stdout, 'versioned')).toMatchObject({ planned: 3, deleted: 0, failed: 0, held: 0 });
    expect(await listVersions(bucket)).toEqual(before);

    const purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(purge.code).toBe(0);
    expect(locationOf(purge.stdout, 'versioned')).toMatchObject({ planned: 3, deleted: 3, failed: 0, held: 0 });
    const purged = new Set([threeVersions, oneVersion, hidden]);
    expect(await listVersions(bucket)).toEqual(before.filter((row) => !purged.has(row.split(' ')[0]!)));
    const [outcome] = await auditOutcomes('archive/versioned');
    expect(outcome!.counts).toMatchObject({ planned: 3, deleted: 3, failed: 0, locked: 0, planned_versions: 7 });
    expect(JSON.stringify(outcome)).not.toContain('.log.gz');

    const again = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(again.code).toBe(0);
    expect(locationOf(again.stdout, 'versioned')).toMatchObject({ planned: 0, deleted: 0, failed: 0 });
    expect((await runCli(['audit', 'verify'], { env, cwd: temp.dir })).code).toBe(0);
  });

  it.each([
    { permission: 's3:GetBucketVersioning', isDenied: (method: string, url: string) => method === 'GET' && /[?&]versioning(=|&|$)/.test(url) },
    { permission: 's3:ListBucketVersions', isDenied: (method: string, url: string) => method === 'GET' && /[?&]versions(=|&|$)/.test(url) },
    {
      permission: 's3:DeleteObjectVersion',
      isDenied: (method: string, url: string, body: string) => method === 'POST' && /[?&]delete(=|&|$)/.test(url) && body.includes('<VersionId>'),
    },
  ])('credentials without $permission: that archive refused, nothing in it deleted, exit 4; the other archive purged', async ({ permission, isDenied }) => {
    const suffix = permission.split(':')[1]!.toLowerCase();
    const denied = `lux-denied-${suffix}`;
    const second = `lux-second-${suffix}`;
    for (const bucket of [denied, second]) {
      await createMotoBucket(moto.client, bucket, { versioned: true });
      for (const n of ['a', 'b']) await put(moto.client, bucket, logpushKey(40, 1), n);
      await put(moto.client, bucket, logpushKey(40, 2), 'a');
    }
    const before = await listVersions(denied);
    const proxy = await startDenyingProxy(moto.endpoint, isDenied);
    try {
      writeConfig([
        { name: 'denied', bucket: denied, endpoint: proxy.endpoint },
        { name: 'second', bucket: second },
      ]);
      const refused = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
      expect(refused.code).toBe(4);
      const location = locationOf(refused.stdout, 'denied');
      expect(location.deleted).toBe(0);
      expect(notesOf(location)).toContain(`refused, nothing in it deleted: the credentials lack ${permission} (AccessDenied)`);
      expect(refused.stdout + refused.stderr).not.toContain(MOTO_SECRET_ACCESS_KEY);
      expect(await listVersions(denied)).toEqual(before);
      expect(locationOf(refused.stdout, 'second')).toMatchObject({ planned: 2, deleted: 2, failed: 0 });
      expect(await listVersions(second)).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('versioning suspended: the versions kept from while it was enabled all go', async () => {
    const bucket = 'lux-suspended';
    await createMotoBucket(moto.client, bucket, { versioned: true });
    const key = logpushKey(40, 1);
    for (const n of ['a', 'b']) await put(moto.client, bucket, key, n);
    // (moto drops the older versions when a key is written again while suspended, unlike S3: no write after this.)
    await moto.client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    expect((await listVersions(bucket)).length).toBe(2);
    writeConfig([{ name: 'suspended', bucket }]);
    const purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(purge.code).toBe(0);
    expect(locationOf(purge.stdout, 'suspended')).toMatchObject({ planned: 1, deleted: 1, failed: 0 });
    expect(await listVersions(bucket)).toEqual([]);
  });

  it('more than 1,000 versions: deleted in batches of at most 1,000, every one confirmed gone', async () => {
    const bucket = 'lux-many-versions';
    await createMotoBucket(moto.client, bucket, { versioned: true });
    const keys = Array.from({ length: 350 }, (_, n) => logpushKey(40, n));
    const writes = keys.flatMap((key) => ['a', 'b', 'c'].map((n) => ({ key, n })));
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < writes.length) {
          const write = writes[next++]!;
          await put(moto.client, bucket, write.key, write.n);
        }
      }),
    );
    expect((await listVersions(bucket)).length).toBe(1_050);
    writeConfig([{ name: 'many', bucket }]);
    // 350 keys are 1,050 deletions, over the default safety.max_deletes (500): refused until it is raised.
    expect((await runCli(['purge', '--trust-clock'], { env, cwd: temp.dir })).code).toBe(5);
    // Through a pass-through that records how many objects (versions) each DeleteObjects request names.
    const batchSizes: number[] = [];
    const proxy = await startDenyingProxy(moto.endpoint, (method, url, body) => {
      if (isDeleteObjects(method, url)) batchSizes.push(body.split('<Object>').length - 1);
      return false;
    });
    let purge;
    try {
      writeConfig([{ name: 'many', bucket, endpoint: proxy.endpoint }]);
      appendFileSync(join(env.LUXERET_HOME!, 'config.yaml'), 'safety:\n  max_deletes: 1100\n');
      purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    } finally {
      await proxy.close();
    }
    expect(purge.code).toBe(0);
    expect(locationOf(purge.stdout, 'many')).toMatchObject({ planned: 350, deleted: 350, failed: 0 });
    expect(batchSizes.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(1_000);
    expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(1_050);
    expect(await listVersions(bucket)).toEqual([]);
    const [outcome] = await auditOutcomes('archive/many');
    expect(outcome!.counts).toMatchObject({ planned_versions: 1_050, deleted: 350 });
  }, 120_000);

  it('a run killed mid-deletion (intent written, some versions gone, no outcome): the re-run reconciles and deletes the rest', async () => {
    const bucket = 'lux-killed';
    await createMotoBucket(moto.client, bucket, { versioned: true });
    const keys = [1, 2, 3].map((n) => logpushKey(40, n));
    for (const key of keys) for (const n of ['a', 'b']) await put(moto.client, bucket, key, n);
    writeConfig([{ name: 'killed', bucket }]);
    // What the killed run managed: its intent, then some versions (one of each of two keys) deleted by version id.
    const db = openStore(join(env.LUXERET_HOME!, 'luxeret.db'));
    try {
      const signer = { privateKey: loadSigningKey(homePaths(env.LUXERET_HOME!).signingKey), actor: 'cron', now: () => new Date() };
      appendAuditEntry(db, signer, {
        event: 'archive.delete.intent',
        command: 'purge',
        run_id: 'killed-versions-run',
        location: 'archive/killed',
        retention_rule: `archives.killed.retention=${RETENTION_DAYS}d`,
        counts: { planned: 3 },
        details: { method: 'S3 DeleteObjects' },
      });
    } finally {
      db.close();
    }
    const page = await moto.client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    for (const key of keys.slice(0, 2)) {
      const version = page.Versions!.find((v) => v.Key === key)!;
      await moto.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: version.VersionId }));
    }
    const rerun = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ reconciled: 1 });
    expect(locationOf(rerun.stdout, 'killed')).toMatchObject({ planned: 3, deleted: 3, failed: 0 });
    expect(await listVersions(bucket)).toEqual([]);
    expect((await runCli(['audit', 'verify'], { env, cwd: temp.dir })).code).toBe(0);
  });

  it.each(['COMPLIANCE', 'GOVERNANCE'] as const)(
    'a bucket default retention (%s): the objects it keeps are not tried, reported kept until the date, not failed',
    async (mode) => {
      const bucket = `lux-locked-${mode.toLowerCase()}`;
      await createMotoBucket(moto.client, bucket, { lock: { defaultRetention: { Mode: mode, Days: 1 } } });
      for (const n of ['a', 'b']) await put(moto.client, bucket, logpushKey(40, 1), n, true);
      await put(moto.client, bucket, logpushKey(41, 2), 'a', true);
      await put(moto.client, bucket, logpushKey(1, 3), 'a', true);
      writeConfig([{ name: 'locked', bucket }]);
      const before = await listVersions(bucket);
      const page = await moto.client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      const latestMs = Math.max(
        ...(page.Versions ?? []).filter((v) => !v.Key!.includes(logpushKey(1, 3).split('/')[1]!)).map((v) => v.LastModified!.getTime()),
      );
      const until = new Date(latestMs + DAY_MS).toISOString();

      const dry = await runCli(['purge', '--dry-run', '--json'], { env, cwd: temp.dir });
      expect(dry.code).toBe(0);
      expect(locationOf(dry.stdout, 'locked')).toMatchObject({ planned: 0, held: 2, failed: 0 });
      const purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
      expect(purge.code).toBe(0);
      const location = locationOf(purge.stdout, 'locked');
      expect(location).toMatchObject({ planned: 0, deleted: 0, held: 2, failed: 0 });
      expect(notesOf(location)).toContain(`2 object(s) kept by the bucket's lock until ${until}`);
      expect(await listVersions(bucket)).toEqual(before);
    },
  );

  it('a legal hold found only when the deletion is refused: counted as kept until it is lifted, audited as locked, not failed', async () => {
    const bucket = 'lux-legal-hold';
    await createMotoBucket(moto.client, bucket, { lock: {} });
    const heldKey = logpushKey(40, 1);
    const freeKey = logpushKey(40, 2);
    await moto.client.send(new PutObjectCommand({ Bucket: bucket, Key: heldKey, Body: 'x', ChecksumAlgorithm: 'CRC32', ObjectLockLegalHoldStatus: 'ON' }));
    await put(moto.client, bucket, freeKey, 'a', true);
    writeConfig([{ name: 'legal', bucket }]);
    const purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    const location = locationOf(purge.stdout, 'legal');
    expect(purge.code).toBe(0);
    expect(location).toMatchObject({ planned: 2, deleted: 1, held: 1, failed: 0 });
    expect(notesOf(location)).toContain("1 object(s) kept by the bucket's lock until the legal hold is lifted");
    expect((await listVersions(bucket)).map((row) => row.split(' ')[0])).toEqual([heldKey]);
    const [outcome] = await auditOutcomes('archive/legal');
    expect(outcome!.counts).toMatchObject({ planned: 2, deleted: 1, failed: 0, locked: 1 });
  });
});
