import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ListObjectsV2Command, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatCompactTime } from '../../src/archives/object-time.js';
import type { AuditEntry } from '../../src/audit/entry.js';
import { openStore } from '../../src/store/db.js';
import { createSqliteStorePort } from '../../src/store/sqlite/adapter.js';
import { childEnv } from '../helpers/child-env.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { createMotoBucket, describeMoto, startMotoServer, type TestMotoServer } from '../helpers/moto-server.js';
import { motoCliEnv, s3CliEnv } from '../helpers/logpush-objects.js';
import { isDeleteObjects, startDenyingProxy } from '../helpers/s3-deny-proxy.js';
import { putObjects, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, startS3Server, type TestS3Server } from '../helpers/s3-server.js';
import { sourceCliArgs } from '../helpers/source-cli.js';
import { describeEachStore, newStoreTarget, type StoreKind, type TestStoreTarget } from '../helpers/store-kinds.js';

// A `purge` process killed while it deletes a Logpush archive (s3rver on 127.0.0.1, behind a pass-through that
// holds the third DeleteObjects unanswered): the two batches before it were deleted and confirmed by a listing, so
// the run's audit log holds a progress entry with their counts; the next run's reconciliation carries those totals
// and the destruction ledger has a row for them. On both stores, each with a bucket of its own.

const DAY_MS = 86_400_000;
const BUCKETS: Record<StoreKind, string> = { sqlite: 'luxeret-killed-sqlite', postgres: 'luxeret-killed-postgres' };
const PREFIX = 'firewall/';
const RETENTION_DAYS = 30;
/** Past retention: two full batches of 1,000 and a third the stalled request never delivers. */
const PAST = 2_050;
const RECENT = 5;

interface Seeded {
  readonly key: string;
  readonly body: Buffer;
}

/** `count` objects of five minutes each, 288 a day, from `daysAgo` days back on; the address in them is never logged. */
function seedObjects(daysAgo: number, count: number, first: number): Seeded[] {
  const from = Math.floor((Date.now() - daysAgo * DAY_MS) / DAY_MS) * DAY_MS;
  return Array.from({ length: count }, (_, n) => {
    const start = new Date(from + n * 5 * 60_000);
    const end = new Date(start.getTime() + 5 * 60_000);
    const i = first + n;
    const key = `${PREFIX}${formatCompactTime(start).slice(0, 8)}/${formatCompactTime(start)}_${formatCompactTime(end)}_${i.toString(16).padStart(8, '0')}.log.gz`;
    const line = JSON.stringify({ Action: 'block', ClientIP: `198.51.100.${i % 250}`, ClientCountry: 'kr', Datetime: start.toISOString(), RayID: `8f${i}` });
    return { key, body: gzipSync(`${line}\n`) };
  });
}

/**
 * Runs `purge` in a child through a pass-through to `endpoint` that holds the DeleteObjects naming `stallKey`
 * unanswered, and SIGKILLs the child once that request is held: everything before it is done and recorded, nothing
 * after. `configure` points the archive at an endpoint (the proxy, then the server again).
 */
async function killWhenStalled(endpoint: string, stallKey: string, env: Record<string, string>, configure: (endpoint: string) => void): Promise<void> {
  const proxy = await startDenyingProxy(endpoint, () => false, {
    isStalled: (method, url, body) => isDeleteObjects(method, url) && body.includes(stallKey),
  });
  configure(proxy.endpoint);
  const child = spawn(process.execPath, sourceCliArgs(['purge', '--trust-clock', '--quiet']), { env: childEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
  let childErr = '';
  child.stderr.on('data', (chunk: Buffer) => (childErr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  try {
    for (let i = 0; i < 1_200 && !hasExited && proxy.stalled() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hasExited, childErr).toBe(false);
    expect(proxy.stalled()).toBe(1);
  } finally {
    child.kill('SIGKILL');
    await exited;
    await proxy.close();
    configure(endpoint);
  }
}

let server: TestS3Server;

beforeAll(async () => {
  server = await startS3Server(Object.values(BUCKETS));
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describeEachStore('purge killed while deleting a Logpush archive', (kind) => {
  const BUCKET = BUCKETS[kind];
  let temp: { dir: string; cleanup: () => void };
  let target: TestStoreTarget;
  let env: Record<string, string>;
  let past: Seeded[];
  let recent: Seeded[];

  async function listKeys(): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await server.client.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((item) => item.Key!));
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }

  async function readArchiveEntries(): Promise<AuditEntry[]> {
    const port = await target.openPort(env.LUXERET_HOME!);
    try {
      return (await port.readAuditEntries()).filter((entry) => entry.location === 'archive/firewall');
    } finally {
      await port.close();
    }
  }

  function writeArchiveConfig(endpoint: string): void {
    writeFileSync(
      join(env.LUXERET_HOME!, 'config.yaml'),
      `retention:\n  firewall_events: ${RETENTION_DAYS}d\nsafety:\n  max_deletes: 10000\n${target.configYaml}archives:\n  - name: firewall\n    url: s3://${BUCKET}/${PREFIX}\n    endpoint: ${endpoint}\n`,
    );
  }

  beforeAll(async () => {
    past = seedObjects(60, PAST, 0);
    recent = seedObjects(2, RECENT, PAST);
    await putObjects(server.client, BUCKET, [...past, ...recent]);
    temp = makeTempDir();
    target = newStoreTarget(kind);
    env = { ...s3CliEnv(join(temp.dir, 'home'), S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY), ...target.env };
    mkdirSync(env.LUXERET_HOME!, { recursive: true, mode: 0o700 });
    writeArchiveConfig(server.endpoint);
    const init = await runCli(['init'], { env, cwd: temp.dir });
    expect(init.code, init.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await target?.cleanup();
    temp?.cleanup();
  });

  it('records what the killed run confirmed, reconciles it with those totals, and the ledger has its row', async () => {
    // The deleter sends keys in key order, 1,000 a request: the third request is the one naming key 2,001.
    const sorted = past.map((object) => object.key).sort();
    const thirdBatchKey = sorted[2_000]!;
    const confirmedKeys = new Set(sorted.slice(0, 2_000));
    const confirmedBytes = past.filter((object) => confirmedKeys.has(object.key)).reduce((n, object) => n + object.body.length, 0);
    await killWhenStalled(server.endpoint, thirdBatchKey, env, writeArchiveConfig);
    // Killed: two batches gone, the third and the recent objects still there, and no outcome.
    expect(await listKeys()).toEqual([...sorted.slice(2_000), ...recent.map((object) => object.key)].sort());
    const killed = await readArchiveEntries();
    expect(killed.map((entry) => entry.event)).toEqual(['archive.delete.intent', 'archive.delete.progress']);
    const [intent, progress] = killed as [AuditEntry, AuditEntry];
    expect(progress.run_id).toBe(intent.run_id);
    expect(progress.counts).toEqual({ planned: PAST, deleted: 2_000, deleted_bytes: confirmedBytes, batches: 2 });
    expect(progress.details).toEqual({ purge_run_id: intent.details?.['purge_run_id'], archive: 'firewall' });

    const rerun = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      reconciled: 1,
      locations: expect.arrayContaining([expect.objectContaining({ id: 'archive/firewall', planned: PAST - 2_000, deleted: PAST - 2_000, failed: 0 })]),
    });
    expect(await listKeys()).toEqual(recent.map((object) => object.key).sort());

    const entries = await readArchiveEntries();
    const ofKilledRun = entries.filter((entry) => entry.run_id === intent.run_id);
    expect(ofKilledRun.map((entry) => entry.event)).toEqual(['archive.delete.intent', 'archive.delete.progress', 'archive.delete.reconciled']);
    const reconciled = ofKilledRun[2]!;
    expect(reconciled.counts).toEqual({
      planned: PAST,
      deleted: 2_000,
      deleted_bytes: confirmedBytes,
      confirmed_batches: 2,
      progress_entries: 1,
    });
    expect(reconciled.details).toMatchObject({ interrupted: true, last_progress_seq: progress.seq });
    expect(reconciled.reason).toContain('after confirming 2000 object(s) deleted');
    // Counts and dates, never a key or an address.
    const logged = JSON.stringify(entries);
    expect(logged).not.toContain('.log.gz');
    expect(logged).not.toContain('198.51.100.');
    const verify = await runCli(['audit', 'verify', '--json'], { env, cwd: temp.dir });
    expect(verify.code, verify.stdout).toBe(0);

    // The ledger: a row for the killed run's confirmed destruction, then the re-run's outcome.
    const ledger = JSON.parse((await runCli(['ledger', '--json'], { env, cwd: temp.dir })).stdout) as {
      rows: { location: string; file_name: string; deleted: number; scope: string; method: string; event: string; audit_seq: number; reason: string }[];
    };
    const rows = ledger.rows.filter((row) => row.location === 'archive/firewall');
    expect(rows).toEqual([
      expect.objectContaining({
        file_name: `${BUCKET}/${PREFIX}`,
        deleted: 2_000,
        scope: 'archive',
        method: expect.stringMatching(/^S3 DeleteObjects/),
        event: 'archive.delete.reconciled',
        audit_seq: reconciled.seq,
      }),
      expect.objectContaining({ file_name: `${BUCKET}/${PREFIX}`, deleted: PAST - 2_000, scope: 'archive', event: 'archive.delete.outcome' }),
    ]);
    const csvEn = (await runCli(['ledger', '--format', 'csv', '--lang', 'en'], { env, cwd: temp.dir })).stdout;
    const reconciledLine = csvEn.split('\r\n').find((line) => line.endsWith(`,${reconciled.seq},${reconciled.hash}`));
    expect(reconciledLine).toMatch(new RegExp(`^\\d+,${BUCKET}/${PREFIX},`));
    expect(reconciledLine).toContain('run interrupted; confirmed count recorded by the next run');
    expect(reconciledLine).toContain(',archive/firewall,2000,');
    expect(reconciledLine).toContain('S3 DeleteObjects');
    const csvKo = (await runCli(['ledger', '--format', 'csv', '--lang', 'ko'], { env, cwd: temp.dir })).stdout;
    expect(csvKo.split('\r\n').find((line) => line.endsWith(`,${reconciled.seq},${reconciled.hash}`))).toContain(
      '실행 중단, 확인된 파기 건수를 다음 실행이 기록함',
    );
  }, 180_000);
});

// The same in a versioned bucket (moto): each batch of 1,000 keys is deleted version by version and confirmed by a
// version listing; the progress entry counts the versions too. On SQLite (the store makes no difference here).
describeMoto('purge killed while deleting a versioned Logpush archive (moto)', () => {
  const BUCKET = 'lux-killed-versions';
  /** Keys with a second (noncurrent) version: the first batch names 1,000 keys and 1,010 versions. */
  const TWICE = 10;
  let moto: TestMotoServer;
  let temp: { dir: string; cleanup: () => void };
  let env: Record<string, string>;
  let past: Seeded[];

  function writeArchiveConfig(endpoint: string): void {
    writeFileSync(
      join(env.LUXERET_HOME!, 'config.yaml'),
      `retention:\n  firewall_events: ${RETENTION_DAYS}d\nsafety:\n  max_deletes: 10000\narchives:\n  - name: firewall\n    url: s3://${BUCKET}/${PREFIX}\n    endpoint: ${endpoint}\n`,
    );
  }

  async function countVersions(): Promise<number> {
    let count = 0;
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await moto.client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      count += (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0);
      keyMarker = page.IsTruncated === true ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated === true ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
    return count;
  }

  beforeAll(async () => {
    moto = await startMotoServer();
    await createMotoBucket(moto.client, BUCKET, { versioned: true });
    past = seedObjects(60, PAST, 0);
    const sorted = [...past].sort((a, b) => (a.key < b.key ? -1 : 1));
    // The older versions first, so that every key's current version is the seeded body.
    await putObjects(moto.client, BUCKET, sorted.slice(0, TWICE), 8);
    await putObjects(moto.client, BUCKET, past, 8);
    temp = makeTempDir();
    env = motoCliEnv(join(temp.dir, 'home'));
    mkdirSync(env.LUXERET_HOME!, { recursive: true, mode: 0o700 });
    writeArchiveConfig(moto.endpoint);
    const init = await runCli(['init'], { env, cwd: temp.dir });
    expect(init.code, init.stderr).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await moto?.close();
    temp?.cleanup();
  });

  it('the progress entry counts the confirmed keys and versions; the reconciliation and the ledger carry them', async () => {
    expect(await countVersions()).toBe(PAST + TWICE);
    const sorted = past.map((object) => object.key).sort();
    const confirmedKeys = new Set(sorted.slice(0, 2_000));
    // A versioned object's size is the bytes of all its versions: the twice-written keys count twice.
    const confirmedBytes =
      past.filter((object) => confirmedKeys.has(object.key)).reduce((n, object) => n + object.body.length, 0) +
      past.filter((object) => sorted.slice(0, TWICE).includes(object.key)).reduce((n, object) => n + object.body.length, 0);
    await killWhenStalled(moto.endpoint, sorted[2_000]!, env, writeArchiveConfig);
    expect(await countVersions()).toBe(PAST - 2_000);

    const port = createSqliteStorePort(openStore(join(env.LUXERET_HOME!, 'luxeret.db')), {
      path: join(env.LUXERET_HOME!, 'luxeret.db'),
      lockPath: join(env.LUXERET_HOME!, 'luxeret.lock'),
    });
    let killed: AuditEntry[];
    try {
      killed = (await port.readAuditEntries()).filter((entry) => entry.location === 'archive/firewall');
    } finally {
      await port.close();
    }
    expect(killed.map((entry) => entry.event)).toEqual(['archive.delete.intent', 'archive.delete.progress']);
    expect(killed[1]!.counts).toEqual({ planned: PAST, deleted: 2_000, deleted_bytes: confirmedBytes, deleted_versions: 2_000 + TWICE, batches: 2 });

    const rerun = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ reconciled: 1 });
    expect(await countVersions()).toBe(0);
    const audit = JSON.parse((await runCli(['audit', 'show', '--json'], { env, cwd: temp.dir })).stdout) as AuditEntry[];
    const reconciled = audit.find((entry) => entry.event === 'archive.delete.reconciled')!;
    expect(reconciled.run_id).toBe(killed[0]!.run_id);
    expect(reconciled.counts).toEqual({
      planned: PAST,
      deleted: 2_000,
      deleted_bytes: confirmedBytes,
      deleted_versions: 2_000 + TWICE,
      confirmed_batches: 2,
      progress_entries: 1,
    });
    expect((await runCli(['audit', 'verify'], { env, cwd: temp.dir })).code).toBe(0);
    const ledger = JSON.parse((await runCli(['ledger', '--json'], { env, cwd: temp.dir })).stdout) as {
      rows: { deleted: number; event: string; file_name: string }[];
    };
    expect(ledger.rows.map((row) => [row.event, row.deleted, row.file_name])).toEqual([
      ['archive.delete.reconciled', 2_000, `${BUCKET}/${PREFIX}`],
      ['archive.delete.outcome', PAST - 2_000, `${BUCKET}/${PREFIX}`],
    ]);
  }, 240_000);
});
