import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { createMotoBucket, describeMoto, MOTO_SECRET_ACCESS_KEY, startMotoServer, type TestMotoServer } from '../helpers/moto-server.js';
import { logpushBody, logpushObjectAt, motoCliEnv } from '../helpers/logpush-objects.js';
import { startDenyingProxy } from '../helpers/s3-deny-proxy.js';

// `subject show --scan-archives` in versioned buckets (moto_server on 127.0.0.1): an older version of a key, and a
// key whose current version is a delete marker (GetObject on the key is 404), still hold lines; an access request
// must name them, version by version, and say so when the credentials cannot see versions.

const DAY_MS = 86_400_000;
const PREFIX = 'firewall/';
const BUCKET = 'lux-subject-versions';
const SUSPENDED = 'lux-subject-suspended';
const SUBJECT_IP = '203.0.113.7';

let moto: TestMotoServer;
let temp: { dir: string; cleanup: () => void };
let env: Record<string, string>;

const day = new Date(Math.floor((Date.now() - 10 * DAY_MS) / DAY_MS) * DAY_MS);

const keyAt = (n: number) => logpushObjectAt(PREFIX, day, n);

async function put(bucket: string, key: string, data: Buffer): Promise<void> {
  await moto.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data }));
}

/** The key's data versions, older ones first (S3 lists a key's versions newest first; LastModified has whole seconds). */
async function versionsOf(bucket: string, key: string): Promise<{ id: string; lastModified: string }[]> {
  const page = await moto.client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  return (page.Versions ?? []).reverse().map((v) => ({ id: v.VersionId!, lastModified: v.LastModified!.toISOString() }));
}

function writeConfig(bucket: string, endpoint = moto.endpoint, scanBudgetBytes?: number): void {
  const safety = scanBudgetBytes === undefined ? '' : `safety:\n  archive_scan_budget: ${scanBudgetBytes}\n`;
  writeFileSync(
    join(env.LUXERET_HOME!, 'config.yaml'),
    `retention:\n  firewall_events: 30d\n${safety}archives:\n  - name: firewall\n    url: s3://${bucket}/${PREFIX}\n    endpoint: ${endpoint}\n`,
  );
}

interface ArchiveJson {
  disposition: string;
  objects: number;
  versioning?: Record<string, unknown>;
  scan: { scanned: number; not_scanned_budget: number; containing: { key: string; version?: Record<string, unknown> }[] } | null;
}

async function show(ip: string, json: boolean): Promise<{ code: number; stdout: string; stderr: string; archive: ArchiveJson | undefined }> {
  const result = await runCli(['subject', 'show', '--ip', ip, '--scan-archives', ...(json ? ['--json'] : [])], { env, cwd: temp.dir });
  const archive = json ? (JSON.parse(result.stdout) as { archives: ArchiveJson[] }).archives[0] : undefined;
  return { ...result, archive };
}

const rewritten = keyAt(0);
const hidden = keyAt(1);
const clean = keyAt(2);
const current = keyAt(3);

describeMoto('subject show --scan-archives in a versioned bucket (moto_server)', () => {
  beforeAll(async () => {
    moto = await startMotoServer();
    temp = makeTempDir();
    env = motoCliEnv(join(temp.dir, 'home'));
    expect((await runCli(['init'], { env, cwd: temp.dir })).code).toBe(0);
    await createMotoBucket(moto.client, BUCKET, { versioned: true });
    // The subject only in the older version of `rewritten` (its current version has other addresses) …
    await put(BUCKET, rewritten.key, logpushBody(rewritten.start, ['198.51.100.1', `::ffff:${SUBJECT_IP}`]));
    await put(BUCKET, rewritten.key, logpushBody(rewritten.start, ['198.51.100.2', '203.0.113.8']));
    // … only in `hidden`, whose current version is a delete marker …
    await put(BUCKET, hidden.key, logpushBody(hidden.start, ['2001:db8::1', SUBJECT_IP]));
    await moto.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: hidden.key }));
    // … in no version of `clean`, and in the current version of `current`.
    await put(BUCKET, clean.key, logpushBody(clean.start, ['198.51.100.5', '203.0.113.6']));
    await put(BUCKET, clean.key, logpushBody(clean.start, ['198.51.100.6']));
    await put(BUCKET, current.key, logpushBody(current.start, ['198.51.100.9']));
    await put(BUCKET, current.key, logpushBody(current.start, [SUBJECT_IP]));
  }, 120_000);
  afterAll(async () => {
    await moto?.close();
    temp?.cleanup();
  });

  it('names the older version and the version behind a delete marker that hold the address, with VersionId and LastModified', async () => {
    writeConfig(BUCKET);
    const [rewrittenOld, rewrittenNew] = await versionsOf(BUCKET, rewritten.key);
    const [hiddenOnly] = await versionsOf(BUCKET, hidden.key);
    const [, currentNew] = await versionsOf(BUCKET, current.key);

    const json = await show(SUBJECT_IP, true);
    expect(json.code, json.stderr).toBe(0);
    expect(json.archive).toMatchObject({
      disposition: 'scanned',
      objects: 4,
      versioning: { status: 'enabled', versions: 7, noncurrent: 4, delete_markers: 1, hidden_keys: 1 },
      scan: { scanned: 7, not_scanned_budget: 0 },
    });
    expect(json.archive!.scan!.containing).toEqual([
      {
        key: rewritten.key,
        start: rewritten.start.toISOString(),
        end: new Date(rewritten.start.getTime() + 300_000).toISOString(),
        version: { version_id: rewrittenOld!.id, last_modified: rewrittenOld!.lastModified, current: false, behind_delete_marker: false },
      },
      {
        key: hidden.key,
        start: hidden.start.toISOString(),
        end: new Date(hidden.start.getTime() + 300_000).toISOString(),
        version: { version_id: hiddenOnly!.id, last_modified: hiddenOnly!.lastModified, current: false, behind_delete_marker: true },
      },
      {
        key: current.key,
        start: current.start.toISOString(),
        end: new Date(current.start.getTime() + 300_000).toISOString(),
        version: { version_id: currentNew!.id, last_modified: currentNew!.lastModified, current: true, behind_delete_marker: false },
      },
    ]);
    expect(JSON.stringify(json.archive)).not.toContain(rewrittenNew!.id);

    const text = await show(SUBJECT_IP, false);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('3 of 7 scanned object version(s) contain it');
    expect(text.stdout).toContain(
      'archive/firewall: versioning enabled: 7 version(s) with data (4 older), 1 delete marker(s), 1 key(s) behind a delete marker',
    );
    const lastModified = (iso: string) => iso.replace('.000Z', 'Z');
    expect(text.stdout).toContain(
      `archive/firewall: contains it: ${rewritten.key} (older version ${rewrittenOld!.id}, last modified ${lastModified(rewrittenOld!.lastModified)})`,
    );
    expect(text.stdout).toContain(
      `archive/firewall: contains it: ${hidden.key} (older version ${hiddenOnly!.id}, last modified ${lastModified(hiddenOnly!.lastModified)}; the key looks deleted: its current version is a delete marker)`,
    );
    expect(text.stdout).toContain(`archive/firewall: contains it: ${current.key} (current version ${currentNew!.id})`);
    expect(text.stdout).not.toContain(clean.key);

    // Audited with a count of the versions that hold it: never a key or a VersionId.
    const audit = JSON.parse((await runCli(['audit', 'show', '--json'], { env, cwd: temp.dir })).stdout) as { event: string; counts: Record<string, number> }[];
    const shows = audit.filter((e) => e.event === 'subject.show');
    expect(shows.at(-1)!.counts).toMatchObject({ 'archive/firewall': 3 });
    expect(JSON.stringify(shows)).not.toContain('.log.gz');
    expect(JSON.stringify(shows)).not.toContain(hiddenOnly!.id);
  });

  it('an address in no version is named nowhere (neighbours and the key behind the marker read, no false hit)', async () => {
    writeConfig(BUCKET);
    const json = await show('203.0.113.9', true);
    expect(json.code, json.stderr).toBe(0);
    expect(json.archive).toMatchObject({ disposition: 'scanned', scan: { scanned: 7, not_scanned_budget: 0, containing: [] } });
    const text = await show('203.0.113.9', false);
    expect(text.stdout).toContain('0 of 7 scanned object version(s) contain it');
    expect(text.stdout).not.toContain('contains it:');
  });

  it('the scan budget counts each version: one the size of the oldest data version reads only that one', async () => {
    const page = await moto.client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: rewritten.key }));
    const older = (page.Versions ?? []).find((v) => v.IsLatest !== true)!;
    writeConfig(BUCKET, moto.endpoint, older.Size);
    const json = await show(SUBJECT_IP, true);
    expect(json.code, json.stderr).toBe(0);
    expect(json.archive).toMatchObject({ scan: { scanned: 1, not_scanned_budget: 6 } });
    expect(json.archive!.scan!.containing).toMatchObject([{ key: rewritten.key, version: { version_id: older.VersionId, current: false } }]);
    const text = await show(SUBJECT_IP, false);
    expect(text.stdout).toContain('archive/firewall: 6 object version(s) not scanned: the scan budget (safety.archive_scan_budget) ran out');
  });

  it('versioning suspended: the versions kept from while it was enabled are read', async () => {
    await createMotoBucket(moto.client, SUSPENDED, { versioned: true });
    await put(SUSPENDED, rewritten.key, logpushBody(rewritten.start, [SUBJECT_IP]));
    await put(SUSPENDED, rewritten.key, logpushBody(rewritten.start, ['198.51.100.1']));
    // (moto drops the older versions when a key is written again while suspended, unlike S3: no write after this.)
    await moto.client.send(new PutBucketVersioningCommand({ Bucket: SUSPENDED, VersioningConfiguration: { Status: 'Suspended' } }));
    writeConfig(SUSPENDED);
    const [old] = await versionsOf(SUSPENDED, rewritten.key);

    const json = await show(SUBJECT_IP, true);
    expect(json.code, json.stderr).toBe(0);
    expect(json.archive).toMatchObject({ versioning: { status: 'suspended', versions: 2, noncurrent: 1 }, scan: { scanned: 2 } });
    expect(json.archive!.scan!.containing).toMatchObject([{ key: rewritten.key, version: { version_id: old!.id, current: false } }]);
  });

  it.each([
    { permission: 's3:GetBucketVersioning', query: 'versioning' },
    { permission: 's3:ListBucketVersions', query: 'versions' },
  ])('credentials without $permission: says the versions were not read, exit 4, and finds only what current objects hold', async ({ permission, query }) => {
    const proxy = await startDenyingProxy(moto.endpoint, (method, url) => method === 'GET' && new RegExp(`[?&]${query}(=|&|$)`).test(url));
    try {
      writeConfig(BUCKET, proxy.endpoint);
      const json = await show(SUBJECT_IP, true);
      expect(json.code).toBe(4);
      expect(json.archive).toMatchObject({ versioning: { status: 'unknown', missing_permission: permission, code: 'AccessDenied' }, objects: 3 });
      expect(json.archive!.scan!.containing.map((o) => o.key)).toEqual([current.key]);
      const text = await show(SUBJECT_IP, false);
      expect(text.code).toBe(4);
      expect(text.stdout).toContain(
        `archive/firewall: versions not read (${permission} refused: AccessDenied): only current objects were listed and scanned; older versions and keys behind a delete marker may hold the address too`,
      );
      expect(text.stdout).toContain('1 of 3 scanned object(s) contain it');
      expect(text.stdout + text.stderr).not.toContain(MOTO_SECRET_ACCESS_KEY);
    } finally {
      await proxy.close();
    }
  });
});
