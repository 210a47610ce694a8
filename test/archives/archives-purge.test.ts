import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatCompactTime } from '../../src/archives/object-time.js';
import { loadSigningKey } from '../../src/audit/keys.js';
import { homePaths } from '../../src/cli/paths.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { s3CliEnv } from '../helpers/logpush-objects.js';
import { isDeleteObjects, startDenyingProxy } from '../helpers/s3-deny-proxy.js';
import { putObjects, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, startS3Server, type TestS3Server } from '../helpers/s3-server.js';
import { describeEachStore, newStoreTarget, type StoreKind, type TestStoreTarget } from '../helpers/store-kinds.js';

// `purge` of a Logpush archive in a real S3 server (s3rver on 127.0.0.1): objects across {DATE} folders, some past
// retention; holds keep the objects they overlap in time (no scanning yet); the bucket is listed after each run.
// The same cases on both stores, each with a bucket of its own: the audit entries, holds and the ledger row go
// through the store port.

const DAY_MS = 86_400_000;
const BUCKETS: Record<StoreKind, string> = { sqlite: 'luxeret-purge-sqlite', postgres: 'luxeret-purge-postgres' };
const PREFIX = 'firewall/';
const RETENTION_DAYS = 30;
const DAYS_AGO = [1, 2, 5, 20, 35, 36, 40, 45, 50, 60];
const PER_DAY = 4;

interface Seeded {
  key: string;
  body: Buffer;
  start: Date;
  end: Date;
}

function logpushBody(start: Date, i: number): Buffer {
  const lines = [`198.51.100.${i % 250}`, `2001:db8::${i.toString(16)}`, `::ffff:203.0.113.${i % 250}`].map((ip, n) =>
    JSON.stringify({ Action: 'block', ClientIP: ip, ClientCountry: 'kr', Datetime: new Date(start.getTime() + n * 1000).toISOString(), RayID: `8f${i}` }),
  );
  return gzipSync(lines.join('\n') + '\n');
}

function seedObjects(now: Date): Seeded[] {
  const seeded: Seeded[] = [];
  for (const daysAgo of DAYS_AGO) {
    const day = new Date(Math.floor((now.getTime() - daysAgo * DAY_MS) / DAY_MS) * DAY_MS);
    const folder = formatCompactTime(day).slice(0, 8);
    for (let n = 0; n < PER_DAY; n += 1) {
      const start = new Date(day.getTime() + n * 5 * 60_000);
      const end = new Date(start.getTime() + 5 * 60_000);
      const i = seeded.length;
      const key = `${PREFIX}${folder}/${formatCompactTime(start)}_${formatCompactTime(end)}_${i.toString(16).padStart(8, '0')}.log.gz`;
      seeded.push({ key, body: logpushBody(start, i), start, end });
    }
  }
  return seeded;
}

let server: TestS3Server;

beforeAll(async () => {
  server = await startS3Server(Object.values(BUCKETS));
}, 60_000);
afterAll(async () => {
  await server?.close();
});

type PurgeJson = { locations: { id: string; kind: string; planned: number; deleted: number; held: number; failed: number; undetermined?: number }[] };

function archiveOf(stdout: string) {
  return (JSON.parse(stdout) as PurgeJson).locations.find((l) => l.id === 'archive/firewall')!;
}

describeEachStore('purge: Logpush archives in a real S3 server', (kind) => {
  const BUCKET = BUCKETS[kind];
  let seeded: Seeded[];
  let temp: { dir: string; cleanup: () => void };
  let target: TestStoreTarget;
  let env: Record<string, string>;
  /** The object a hold on every address keeps, and the one an IP-and-country hold keeps (undetermined: not scanned). */
  let heldObject: Seeded;
  let undeterminedObject: Seeded;

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

  // No scan budget: the IP-and-country hold's object stays undetermined here (archives-scan.test.ts scans).
  function writeArchiveConfig(safety = '', endpoint = server.endpoint): void {
    writeFileSync(
      join(env.LUXERET_HOME!, 'config.yaml'),
      `retention:\n  firewall_events: ${RETENTION_DAYS}d\nsafety:\n  archive_scan_budget: 0\n${safety}${target.configYaml}archives:\n  - name: firewall\n    url: s3://${BUCKET}/${PREFIX}\n    endpoint: ${endpoint}\n`,
    );
  }

  beforeAll(async () => {
    seeded = seedObjects(new Date());
    await putObjects(server.client, BUCKET, [...seeded, { key: 'other/20200101/x.log.gz', body: logpushBody(new Date(0), 0) }]);
    temp = makeTempDir();
    target = newStoreTarget(kind);
    env = { ...s3CliEnv(join(temp.dir, 'home'), S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY), ...target.env };
    // The config first, so that `init` makes the store it selects (the PostgreSQL schema, migrated) with the keys.
    mkdirSync(env.LUXERET_HOME!, { recursive: true, mode: 0o700 });
    writeArchiveConfig();
    const init = await runCli(['init'], { env, cwd: temp.dir });
    expect(init.code, init.stderr).toBe(0);
    const past = seeded.filter((o) => o.end.getTime() < Date.now() - RETENTION_DAYS * DAY_MS);
    heldObject = past[2]!;
    undeterminedObject = past[9]!;
    const inside = (o: Seeded) => ['--from', new Date(o.start.getTime() + 60_000).toISOString(), '--to', new Date(o.start.getTime() + 120_000).toISOString()];
    const everyAddress = await runCli(['hold', 'add', '--ip', '0.0.0.0/0', ...inside(heldObject), '--reason', 'Court order: all traffic'], {
      env,
      cwd: temp.dir,
    });
    expect(everyAddress.stderr).toBe('');
    expect(everyAddress.code).toBe(0);
    const oneAddress = await runCli(['hold', 'add', '--ip', '198.51.100.7', '--country', 'KR', ...inside(undeterminedObject), '--reason', 'Police request'], {
      env,
      cwd: temp.dir,
    });
    expect(oneAddress.code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await target?.cleanup();
    temp?.cleanup();
  });

  it('plans exactly the past-retention objects not overlapping a hold, and a dry run deletes nothing', async () => {
    const before = await listKeys();
    const dry = await runCli(['purge', '--dry-run', '--json'], { env, cwd: temp.dir });
    expect(dry.code).toBe(0);
    const past = seeded.filter((o) => o.end.getTime() < Date.now() - RETENTION_DAYS * DAY_MS);
    expect(past.length).toBe(6 * PER_DAY);
    expect(archiveOf(dry.stdout)).toMatchObject({ kind: 'archive', planned: past.length - 2, deleted: 0, held: 1, undetermined: 1, failed: 0 });
    expect(await listKeys()).toEqual(before);
    // A dry run as of a later time plans the objects that pass retention by then too.
    const later = new Date(Date.now() + 20 * DAY_MS).toISOString();
    const asOf = await runCli(['purge', '--dry-run', '--as-of', later, '--json'], { env, cwd: temp.dir });
    expect(archiveOf(asOf.stdout).planned).toBe(past.length - 2 + PER_DAY);
  });

  it('refuses with exit 5 and deletes nothing when the plan exceeds safety.max_deletes', async () => {
    const before = await listKeys();
    writeArchiveConfig('  max_deletes: 5\n');
    try {
      const refused = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
      expect(refused.code).toBe(5);
      expect(refused.stderr).toMatch(/would delete 22 objects in the Logpush archives \(22 archive objects\)/);
    } finally {
      writeArchiveConfig();
    }
    expect(await listKeys()).toEqual(before);
  });

  it('deletes exactly the planned objects, keeps the held ones, audits intent and outcome, and a re-run deletes nothing more', async () => {
    const cutoffMs = Date.now() - RETENTION_DAYS * DAY_MS;
    const expected = [
      ...seeded.filter((o) => o.end.getTime() >= cutoffMs || o === heldObject || o === undeterminedObject).map((o) => o.key),
      'other/20200101/x.log.gz',
    ].sort();
    const purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(purge.code).toBe(0);
    expect(archiveOf(purge.stdout)).toMatchObject({ planned: 22, deleted: 22, held: 1, undetermined: 1, failed: 0 });
    expect(await listKeys()).toEqual(expected);

    const audit = JSON.parse((await runCli(['audit', 'show', '--json'], { env, cwd: temp.dir })).stdout) as {
      event: string;
      location: string | null;
      counts: Record<string, number> | null;
      details: Record<string, unknown> | null;
    }[];
    const entries = audit.filter((e) => e.location === 'archive/firewall');
    expect(entries.map((e) => e.event)).toEqual(['archive.delete.intent', 'archive.delete.outcome']);
    expect(entries[1]!.counts).toMatchObject({ planned: 22, deleted: 22, held: 1, undetermined: 1, failed: 0 });
    // Dates, never keys.
    expect(JSON.stringify(entries)).not.toContain('.log.gz');
    // Written to the store the config selects: read back through its port; no SQLite file beside a PostgreSQL store.
    const port = await target.openPort(env.LUXERET_HOME!);
    try {
      const stored = (await port.readAuditEntries()).filter((e) => e.location === 'archive/firewall');
      expect(stored.map((e) => [e.event, e.counts?.['deleted'] ?? null])).toEqual([
        ['archive.delete.intent', null],
        ['archive.delete.outcome', 22],
      ]);
    } finally {
      await port.close();
    }
    expect(existsSync(join(env.LUXERET_HOME!, 'luxeret.db'))).toBe(kind === 'sqlite');
    expect((await runCli(['audit', 'verify'], { env, cwd: temp.dir })).code).toBe(0);

    const ledger = JSON.parse((await runCli(['ledger', '--json'], { env, cwd: temp.dir })).stdout) as {
      rows: { location: string; file_name: string; deleted: number; scope: string; method: string }[];
    };
    // One row for the destruction, its file named by bucket/prefix (issue 14).
    expect(ledger.rows.filter((row) => row.location === 'archive/firewall')).toEqual([
      expect.objectContaining({ file_name: `${BUCKET}/${PREFIX}`, deleted: 22, scope: 'archive', method: expect.stringMatching(/^S3 DeleteObjects/) }),
    ]);

    const csvEn = (await runCli(['ledger', '--format', 'csv', '--lang', 'en'], { env, cwd: temp.dir })).stdout;
    expect(csvEn).toContain('Cloudflare Logpush archive in S3/R2');
    const csvKo = (await runCli(['ledger', '--format', 'csv', '--lang', 'ko'], { env, cwd: temp.dir })).stdout;
    expect(csvKo).toContain('S3/R2의 Cloudflare Logpush 보관 파일');
    expect(csvKo).toContain('S3 DeleteObjects로 보유기간이 지난 Logpush 보관 파일');
    expect(csvKo.split('\r\n').find((line) => line.includes('archive/firewall'))).toMatch(new RegExp(`^\\d+,${BUCKET}/${PREFIX},`));

    const again = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(again.code).toBe(0);
    expect(archiveOf(again.stdout)).toMatchObject({ planned: 0, deleted: 0, held: 1, undetermined: 1, failed: 0 });
    expect(await listKeys()).toEqual(expected);
  });

  it('credentials that can list but not delete: the objects failed, the outcome recorded, exit 4; a re-run with rights deletes them', async () => {
    await putObjects(server.client, BUCKET, [
      { key: `${PREFIX}20200101/20200101T000000Z_20200101T000500Z_ffffffff.log.gz`, body: logpushBody(new Date(0), 1) },
    ]);
    const before = await listKeys();
    const proxy = await startDenyingProxy(server.endpoint, isDeleteObjects);
    writeArchiveConfig('', proxy.endpoint);
    try {
      const denied = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
      expect(denied.code).toBe(4);
      expect(archiveOf(denied.stdout)).toMatchObject({ planned: 1, deleted: 0, failed: 1, held: 1, undetermined: 1 });
      expect(await listKeys()).toEqual(before);
    } finally {
      writeArchiveConfig();
      await proxy.close();
    }
    const audit = JSON.parse((await runCli(['audit', 'show', '--json'], { env, cwd: temp.dir })).stdout) as {
      event: string;
      counts: Record<string, number> | null;
      details: Record<string, unknown> | null;
    }[];
    const outcome = audit.filter((e) => e.event === 'archive.delete.outcome').at(-1)!;
    expect(outcome.counts).toMatchObject({ planned: 1, deleted: 0, failed: 1 });
    expect(outcome.details).toMatchObject({ failure_codes: { AccessDenied: 1 } });
    const retried = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(retried.code).toBe(0);
    expect(archiveOf(retried.stdout)).toMatchObject({ planned: 1, deleted: 1, failed: 0 });
    expect((await listKeys()).length).toBe(before.length - 1);
    expect((await runCli(['audit', 'verify'], { env, cwd: temp.dir })).code).toBe(0);
  });

  it('a run killed mid-batch (intent written, part deleted, no outcome): the re-run reconciles and deletes the rest', async () => {
    const keys = [0, 1, 2, 3].map((n) => `${PREFIX}20200102/20200102T00${n}000Z_20200102T00${n}500Z_0000000${n}.log.gz`);
    await putObjects(
      server.client,
      BUCKET,
      keys.map((key, n) => ({ key, body: logpushBody(new Date(0), n) })),
    );
    // What the killed run managed: its intent, and half of its deletions.
    const port = await target.openPort(env.LUXERET_HOME!);
    try {
      const signer = { privateKey: loadSigningKey(homePaths(env.LUXERET_HOME!).signingKey), actor: 'cron', now: () => new Date() };
      await port.appendAuditEntry(signer, {
        event: 'archive.delete.intent',
        command: 'purge',
        run_id: 'killed-run',
        location: 'archive/firewall',
        retention_rule: `archives.firewall.retention=${RETENTION_DAYS}d`,
        counts: { planned: 4 },
        details: { method: 'S3 DeleteObjects' },
      });
    } finally {
      await port.close();
    }
    await server.client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Quiet: true, Objects: keys.slice(0, 2).map((Key) => ({ Key })) } }));
    const rerun = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ reconciled: 1 });
    expect(archiveOf(rerun.stdout)).toMatchObject({ planned: 2, deleted: 2, failed: 0 });
    const left = await listKeys();
    expect(keys.filter((key) => left.includes(key))).toEqual([]);
    const audit = JSON.parse((await runCli(['audit', 'show', '--json'], { env, cwd: temp.dir })).stdout) as { event: string; run_id: string | null }[];
    expect(audit.filter((e) => e.run_id === 'killed-run').map((e) => e.event)).toEqual(['archive.delete.intent', 'archive.delete.reconciled']);
    expect((await runCli(['audit', 'verify'], { env, cwd: temp.dir })).code).toBe(0);
  });

  it('credentials the server refuses: the archive is not purged, exit 4, the rest of the purge done', async () => {
    const before = await listKeys();
    const refused = await runCli(['purge', '--trust-clock', '--json'], {
      env: { ...env, AWS_ACCESS_KEY_ID: 'NOT-S3RVER', AWS_SECRET_ACCESS_KEY: 'wrong-secret' },
      cwd: temp.dir,
    });
    expect(refused.code).toBe(4);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      locations: expect.arrayContaining([expect.objectContaining({ id: 'archive/firewall', incomplete: true })]),
    });
    expect(refused.stdout + refused.stderr).not.toContain('wrong-secret');
    expect(await listKeys()).toEqual(before);
  });
});
