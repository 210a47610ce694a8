import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCompactTime } from '../../src/archives/object-time.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { SECRETS, startSeededEmulator, TOKEN, writeConfig, ZONE_ENT } from '../integration/cloudflare-inventory-fixture.js';
import { putObjects, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, startS3Server, type TestS3Server } from '../helpers/s3-server.js';

// `inventory` against a real S3 server (s3rver on 127.0.0.1): a bucket seeded with Logpush-shaped gzip NDJSON,
// more objects than one listing page holds, names in and out of Logpush's pattern; the numbers checked against the
// ground truth computed here from what was put.

const DAY_MS = 86_400_000;
const BUCKET = 'luxeret-logpush';
const PREFIX = 'firewall/';
const RETENTION_DAYS = 30;
// The seeded emulator's Enterprise zone has Logpush job 1 writing firewall events to r2://cf-logs/fw/{DATE}.
const LOGPUSH_BUCKET = 'cf-logs';

interface Seeded {
  key: string;
  body: Buffer;
  /** Data end time the key tells, or undefined when only LastModified (the upload, i.e. now) does. */
  end: Date | undefined;
  source: 'name' | 'folder' | 'modified';
}

/** One Logpush file: firewall-events lines, ClientIP in v4, v6 and v4-mapped forms. */
const OBJECTS_PER_DAY = 400;

function logpushBody(start: Date, i: number): Buffer {
  const ips = [`198.51.100.${i % 250}`, `2001:db8::${(i % 65_535).toString(16)}`, `::ffff:203.0.113.${i % 250}`];
  const lines = ips.map((ip, n) =>
    JSON.stringify({
      Action: 'block',
      ClientIP: ip,
      ClientCountry: 'kr',
      ClientRequestHost: 'shop.luxeret.com',
      ClientRequestPath: '/login',
      Datetime: new Date(start.getTime() + n * 1000).toISOString(),
      RayID: `8f${i.toString(16).padStart(14, '0')}`,
      RuleID: 'rule-1',
      Source: 'firewallCustom',
    }),
  );
  return gzipSync(lines.join('\n') + '\n');
}

/**
 * 20,020 objects under the prefix (21 listing pages): 20,000 Logpush files over 50 {DATE} folders (one each 3 minutes
 * for 20 hours of each day, 1–61 days old, none within two days of the 30-day boundary), 10 in {DATE} folders with
 * names not in the pattern, 10 with neither; plus objects outside the prefix that must not be counted.
 */
function seedObjects(now: Date): { inside: Seeded[]; outside: { key: string; body: Buffer }[] } {
  const inside: Seeded[] = [];
  const days = Array.from({ length: 61 }, (_, d) => d + 1)
    .filter((d) => Math.abs(d - RETENTION_DAYS) > 2)
    .slice(0, 50);
  for (const [dayIndex, daysAgo] of days.entries()) {
    const day = new Date(Math.floor((now.getTime() - daysAgo * DAY_MS) / DAY_MS) * DAY_MS);
    const folder = formatCompactTime(day).slice(0, 8);
    for (let n = 0; n < OBJECTS_PER_DAY; n += 1) {
      const start = new Date(day.getTime() + n * 3 * 60_000);
      const end = new Date(start.getTime() + 3 * 60_000);
      const i = inside.length;
      inside.push({
        key: `${PREFIX}${folder}/${formatCompactTime(start)}_${formatCompactTime(end)}_${i.toString(16).padStart(8, '0')}.log.gz`,
        body: logpushBody(start, i),
        end,
        source: 'name',
      });
    }
    if (dayIndex < 10) {
      // A name Logpush would not write, in a {DATE} folder: the folder's day (its end) is the data time.
      inside.push({ key: `${PREFIX}${folder}/manual-export.ndjson.gz`, body: logpushBody(day, 0), end: new Date(day.getTime() + DAY_MS), source: 'folder' });
    }
  }
  for (let n = 0; n < 10; n += 1) {
    inside.push({ key: `${PREFIX}misc/export-${n}.gz`, body: logpushBody(now, n), end: undefined, source: 'modified' });
  }
  const outside = Array.from({ length: 5 }, (_, n) => ({ key: `http-requests/20261101/x${n}.log.gz`, body: logpushBody(now, n) }));
  return { inside, outside };
}

let server: TestS3Server;
let seeded: Seeded[];
let seededAt: Date;

beforeAll(async () => {
  server = await startS3Server([BUCKET, LOGPUSH_BUCKET]);
  seededAt = new Date();
  const { inside, outside } = seedObjects(seededAt);
  seeded = inside;
  await putObjects(server.client, BUCKET, [...inside, ...outside]);
}, 300_000);
afterAll(async () => {
  await server?.close();
});

/** A fresh LUXERET_HOME whose config names the archive at `endpoint` (and any further archive lines). */
async function initHome(endpoint: string, archiveLines = ''): Promise<{ env: Record<string, string>; cwd: string; cleanup: () => void }> {
  const temp = makeTempDir();
  const home = { env: { LUXERET_HOME: join(temp.dir, 'home') }, cwd: temp.dir, cleanup: temp.cleanup };
  expect((await runCli(['init'], { env: home.env, cwd: home.cwd })).code).toBe(0);
  writeFileSync(
    join(home.env.LUXERET_HOME, 'config.yaml'),
    `retention:\n  firewall_events: ${RETENTION_DAYS}d\narchives:\n  - name: firewall\n    url: s3://${BUCKET}/${PREFIX}\n    endpoint: ${endpoint}\n${archiveLines}`,
  );
  return home;
}

type LocationJson = Record<string, unknown> & { id: string; kind: string; status: string; notes: string[] };

describe('inventory: Logpush archives in a real S3 server', () => {
  it('reports archive/<name> with the objects, bytes and past-retention counts of the bucket (more than one listing page)', async () => {
    const home = await initHome(server.endpoint);
    try {
      const result = await runCli(['inventory', '--format', 'json', '--local-only'], {
        env: { ...home.env, AWS_ACCESS_KEY_ID: S3_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY },
        cwd: home.cwd,
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const locations = (JSON.parse(result.stdout) as { locations: LocationJson[] }).locations;
      const archive = locations.find((l) => l.id === 'archive/firewall')!;
      expect(locations.at(-1)).toBe(archive);
      // The fields every location has, in the same order, then bytes and the archive's own details.
      const shared = Object.keys(locations.find((l) => l.id === 'local/firewall-events')!);
      expect(shared).toEqual(expect.arrayContaining(['id', 'kind', 'records', 'oldest', 'newest', 'past_retention', 'held', 'retention', 'status', 'notes']));
      for (const location of locations) expect(Object.keys(location).slice(0, shared.length), location.id).toEqual(shared);
      expect(Object.keys(archive)).toEqual([...shared, 'bytes', 'archive']);

      const cutoffMs = Date.now() - RETENTION_DAYS * DAY_MS;
      const past = seeded.filter((o) => o.end !== undefined && o.end.getTime() < cutoffMs);
      const ends = seeded.filter((o) => o.end !== undefined).map((o) => o.end!.getTime());
      const sum = (objects: Seeded[]): number => objects.reduce((total, o) => total + o.body.length, 0);
      expect(seeded.length).toBeGreaterThan(20_000);
      expect(past.length).toBeGreaterThan(0);
      expect(past.length).toBeLessThan(seeded.length);
      expect(archive).toMatchObject({
        kind: 'archive',
        records: seeded.length,
        distinct_ips: 0,
        past_retention: past.length,
        held: 0,
        retention: `${RETENTION_DAYS}d`,
        controlled_by: 'us',
        status: 'ok',
        bytes: sum(seeded),
        archive: {
          url: `s3://${BUCKET}/${PREFIX}`,
          past_retention_bytes: sum(past),
          time_sources: {
            name: seeded.filter((o) => o.source === 'name').length,
            folder: seeded.filter((o) => o.source === 'folder').length,
            modified: 10,
          },
          // s3rver does not implement lifecycle configuration: said, not a failure.
          lifecycle: 'unknown',
          lifecycle_days: null,
          logpush_jobs: [],
        },
      });
      expect(archive['oldest']).toBe(new Date(Math.min(...ends)).toISOString().replace('.000Z', 'Z'));
      // The newest data time is LastModified of the objects without a time in their key: the upload, just now.
      expect(Date.parse(archive['newest'] as string)).toBeGreaterThanOrEqual(Math.floor(seededAt.getTime() / 1000) * 1000 - 1000);
      expect(archive.notes.join('\n')).toContain(`${seeded.length} object(s)`);
      expect(archive.notes.join('\n')).toContain(`${past.length} object(s) (${sum(past)} bytes) hold data older than the retention (30d)`);

      // CSV: the same size in its bytes column; locations that count rows leave it empty.
      const csv = await runCli(['inventory', '--format', 'csv', '--local-only'], {
        env: { ...home.env, AWS_ACCESS_KEY_ID: S3_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY },
        cwd: home.cwd,
      });
      const [header, ...lines] = csv.stdout.split('\r\n');
      // The last column, so quoted notes with commas before it do not shift it.
      expect(header!.split(',').at(-1)).toBe('bytes');
      const bytesOf = (id: string) =>
        lines
          .find((line) => line.startsWith(`${id},`))
          ?.split(',')
          .at(-1);
      expect(bytesOf('archive/firewall')).toBe(String(sum(seeded)));
      expect(bytesOf('local/firewall-events')).toBe('');
    } finally {
      home.cleanup();
    }
  }, 60_000);

  it('wrong credentials: the archive location failed (exit 4), no secret in the output', async () => {
    const home = await initHome(server.endpoint);
    try {
      const result = await runCli(['inventory', '--format', 'json', '--local-only'], {
        env: { ...home.env, AWS_ACCESS_KEY_ID: 'AKIAWRONGWRONGWRONG1', AWS_SECRET_ACCESS_KEY: 'not-the-secret-0123456789' },
        cwd: home.cwd,
      });
      expect(result.code).toBe(4);
      const archive = (JSON.parse(result.stdout) as { locations: LocationJson[] }).locations.find((l) => l.id === 'archive/firewall')!;
      expect(archive).toMatchObject({ kind: 'archive', status: 'error', records: 0, past_retention: 0, bytes: 0 });
      // A failed archive still has every location's fields (and bytes); its details could not be read.
      const shared = Object.keys((JSON.parse(result.stdout) as { locations: LocationJson[] }).locations.find((l) => l.id === 'local/firewall-events')!);
      expect(Object.keys(archive)).toEqual([...shared, 'bytes']);
      expect(archive.notes.join('\n')).toContain('the credentials were refused (InvalidAccessKeyId)');
      expect(result.stdout + result.stderr).not.toContain('not-the-secret');
    } finally {
      home.cleanup();
    }
  });

  it('an unreachable endpoint and a missing bucket: failed locations, the rest of the inventory done (exit 4)', async () => {
    const home = await initHome('http://127.0.0.1:9', `  - name: nobucket\n    url: s3://no-such-bucket/logs/\n    endpoint: ${server.endpoint}\n`);
    try {
      const result = await runCli(['inventory', '--format', 'json', '--local-only'], {
        env: { ...home.env, AWS_ACCESS_KEY_ID: S3_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY },
        cwd: home.cwd,
      });
      expect(result.code).toBe(4);
      const locations = (JSON.parse(result.stdout) as { locations: LocationJson[] }).locations;
      expect(locations.find((l) => l.id === 'local/firewall-events')?.status).toBe('ok');
      const unreachable = locations.find((l) => l.id === 'archive/firewall')!;
      expect(unreachable.status).toBe('error');
      expect(unreachable.notes.join('\n')).toContain('the server did not answer');
      const missing = locations.find((l) => l.id === 'archive/nobucket')!;
      expect(missing.status).toBe('error');
      expect(missing.notes.join('\n')).toContain('no such bucket (NoSuchBucket)');
    } finally {
      home.cleanup();
    }
  }, 60_000);

  it('names the Logpush job that writes there (read from Cloudflare), in every format, the HTML report included', async () => {
    const { emulator } = await startSeededEmulator();
    const temp = makeTempDir();
    try {
      const day = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 40 * DAY_MS);
      const objects = Array.from({ length: 3 }, (_, n) => {
        const start = new Date(day.getTime() + n * 300_000);
        const end = new Date(start.getTime() + 300_000);
        return {
          key: `fw/${formatCompactTime(day).slice(0, 8)}/${formatCompactTime(start)}_${formatCompactTime(end)}_0000000${n}.log.gz`,
          body: logpushBody(start, n),
        };
      });
      await putObjects(server.client, LOGPUSH_BUCKET, objects);
      const env = {
        LUXERET_HOME: join(temp.dir, 'home'),
        CLOUDFLARE_API_TOKEN: TOKEN,
        CLOUDFLARE_BASE_URL: emulator.baseUrl,
        AWS_ACCESS_KEY_ID: S3_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY,
      };
      expect((await runCli(['init'], { env, cwd: temp.dir })).code).toBe(0);
      writeConfig(
        env.LUXERET_HOME,
        [ZONE_ENT],
        `archives:\n  - name: cf-fw\n    url: s3://${LOGPUSH_BUCKET}/fw/\n    endpoint: ${server.endpoint}\n    retention: 30d\n`,
      );

      const json = await runCli(['inventory', '--format', 'json'], { env, cwd: temp.dir });
      const archive = (JSON.parse(json.stdout) as { locations: LocationJson[] }).locations.find((l) => l.id === 'archive/cf-fw')!;
      expect(archive).toMatchObject({ records: 3, past_retention: 3, status: 'ok', archive: { logpush_jobs: [1] } });
      expect(archive.notes.join('\n')).toMatch(/^written by Logpush job 1\b/m);

      for (const format of ['table', 'csv', 'md', 'html']) {
        const result = await runCli(['inventory', '--format', format, '--lang', 'en'], { env, cwd: temp.dir });
        expect(result.stdout, format).toContain('archive/cf-fw');
        expect(result.stdout + result.stderr, format).not.toContain('AKIAWRONG');
        for (const secret of SECRETS) expect(result.stdout + result.stderr, format).not.toContain(secret);
      }
      const html = (await runCli(['inventory', '--format', 'html', '--lang', 'ko'], { env, cwd: temp.dir })).stdout;
      expect(html).toContain('Logpush 아카이브 cf-fw');
    } finally {
      await emulator.close();
      temp.cleanup();
    }
  }, 60_000);
});
