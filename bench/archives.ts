import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { putArchiveObjects, startArchiveServer, type ArchiveObjectBody } from '@luxeret/cloudflare-emulator';
import { formatCompactTime } from '../src/archives/object-time.js';

/** S3 requests of one phase, by operation, as they reached the server. */
export interface S3RequestCounts {
  /** ListObjectsV2 without start-after: the purge plan's listing of the prefix. */
  list: number;
  /** ListObjectsV2 with start-after: the re-list confirming a batch is gone. */
  confirm: number;
  deleteObjects: number;
  other: number;
  total: number;
  /**
   * Of the total, requests the server answered 5xx (and the SDK retried). s3rver answers DeleteObjects 500 when two
   * of its parallel deletes race to remove the folder they emptied (its FilesystemStore); real S3 and R2 do not.
   */
  serverErrors: number;
}

/** Issue 14's target: list and purge a Logpush archive of `objects` objects in a real S3 server (s3rver, a child). */
export interface ArchivesBenchResult {
  name: string;
  objects: number;
  seed: { seconds: number; objectsPerSecond: number };
  purge: {
    deleted: number;
    failed: number;
    seconds: number;
    requests: S3RequestCounts;
    /** Every request that reached the server, per object deleted. */
    requestsPerDeletedObject: number;
    /** The same less the requests s3rver answered 5xx: what the target is checked against. */
    requestsPerDeletedObjectWithoutServerErrors: number;
    targetRequestsPerDeletedObject: number;
  };
  /** The purge's process (archive-purge-child); the S3 server is another child and not counted. */
  peakRssMb: number;
  targetPeakRssMb: number;
  ok: boolean;
}

const BUCKET = 'luxeret-bench';
const PREFIX = 'firewall/';
const DAY_MS = 86_400_000;
/** Logpush's default upload interval: at most one file per job every 30 seconds. */
const WINDOW_MS = 30_000;
const TARGET_REQUESTS_PER_DELETED = 0.003;
const TARGET_PEAK_RSS_MB = 250;

/**
 * `npm run bench -- archives`: `objects` (default 100,000; LUXERET_BENCH_ARCHIVE_OBJECTS for a smaller run) Logpush
 * files named as Logpush names them, one per 30-second window, all past a one-day retention, put into a real S3 server
 * (s3rver as a child on 127.0.0.1); then `purge` in a process of its own (archive-purge-child: plan, signed intent
 * and outcome in a fresh SQLite store, DeleteObjects in batches of 1,000, re-list) through a pass-through that counts
 * every request that reaches the server.
 */
export async function benchArchives(options: { objects?: number; onProgress?: (line: string) => void } = {}): Promise<ArchivesBenchResult> {
  const count = options.objects ?? envCount('LUXERET_BENCH_ARCHIVE_OBJECTS') ?? 100_000;
  const say = options.onProgress ?? (() => undefined);
  const server = await startArchiveServer({ buckets: [BUCKET] });
  const counter = await startCountingProxy(server.endpoint);
  try {
    const now = new Date();
    // The newest file ends two days ago: every object is past the one-day retention.
    const newestEndMs = Math.floor((now.getTime() - 2 * DAY_MS) / WINDOW_MS) * WINDOW_MS;
    const objects = buildLogpushObjects(count, newestEndMs);
    say(`archives bench: putting ${count} objects`);
    const seedStart = performance.now();
    await putArchiveObjects(server, BUCKET, objects, 32);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    };
    say('archives bench: purge');
    counter.reset();
    const purgeStart = performance.now();
    const purge = await runPurgeChild({ endpoint: counter.endpoint, url: `s3://${BUCKET}/${PREFIX}`, maxDeletes: count }, env);
    const purgeSeconds = (performance.now() - purgeStart) / 1000;
    if (purge.code !== 0) throw new Error(`the purge exited ${purge.code}: ${purge.stderr}`);
    const location = JSON.parse(purge.stdout) as { deleted: number; failed: number } | null;
    if (!location) throw new Error('the purge reported no archive/bench');
    const requests = counter.counts();
    const perDeleted = location.deleted > 0 ? requests.total / location.deleted : Infinity;
    const perDeletedClean = location.deleted > 0 ? (requests.total - requests.serverErrors) / location.deleted : Infinity;
    const peakRssMb = purge.peakRssKb / 1024;
    return {
      name: `archives (list and purge ${count.toLocaleString('en')} Logpush objects in s3rver)`,
      objects: count,
      seed: { seconds: seedSeconds, objectsPerSecond: count / seedSeconds },
      purge: {
        deleted: location.deleted,
        failed: location.failed,
        seconds: purgeSeconds,
        requests,
        requestsPerDeletedObject: perDeleted,
        requestsPerDeletedObjectWithoutServerErrors: perDeletedClean,
        targetRequestsPerDeletedObject: TARGET_REQUESTS_PER_DELETED,
      },
      peakRssMb,
      targetPeakRssMb: TARGET_PEAK_RSS_MB,
      ok: location.deleted === count && location.failed === 0 && perDeletedClean <= TARGET_REQUESTS_PER_DELETED && peakRssMb < TARGET_PEAK_RSS_MB,
    };
  } finally {
    await counter.close();
    await server.close();
  }
}

export function renderArchivesBench(r: ArchivesBenchResult): string {
  const q = r.purge.requests;
  return [
    `${r.name}`,
    `  seeding (not timed against a target): ${r.seed.seconds.toFixed(1)} s, ${Math.round(r.seed.objectsPerSecond)} PUTs/s`,
    `  purge (its own process, start to exit): ${r.purge.deleted} deleted, ${r.purge.failed} failed in ${r.purge.seconds.toFixed(1)} s`,
    `  S3 requests: ${q.total} (ListObjectsV2 ${q.list}, confirming re-lists ${q.confirm}, DeleteObjects ${q.deleteObjects}, other ${q.other}); ${q.serverErrors} answered 5xx by s3rver and retried`,
    `  requests per deleted object: ${r.purge.requestsPerDeletedObjectWithoutServerErrors.toFixed(5)} without the 5xx answers (target ≤ ${r.purge.targetRequestsPerDeletedObject}), ${r.purge.requestsPerDeletedObject.toFixed(5)} with them`,
    `  peak RSS (the purge's process): ${r.peakRssMb.toFixed(0)} MB (target < ${r.targetPeakRssMb} MB)`,
    `  ${r.ok ? 'OK' : 'MISSED'}`,
    '',
  ].join('\n');
}

/** `count` files, one per 30-second window, the newest ending at `newestEndMs`, in their {DATE} folders. */
function buildLogpushObjects(count: number, newestEndMs: number): ArchiveObjectBody[] {
  const objects: ArchiveObjectBody[] = [];
  for (let i = 0; i < count; i += 1) {
    const endMs = newestEndMs - (count - 1 - i) * WINDOW_MS;
    const start = new Date(endMs - WINDOW_MS);
    const end = new Date(endMs);
    const line = JSON.stringify({
      ClientIP: i % 5 === 0 ? `2001:db8::${i.toString(16)}` : `198.51.${(i >> 8) & 255}.${i & 255}`,
      ClientCountry: 'kr',
      Datetime: start.toISOString(),
      RayID: i.toString(16).padStart(16, '0'),
    });
    const name = `${formatCompactTime(start)}_${formatCompactTime(end)}_${i.toString(16).padStart(8, '0')}.log.gz`;
    objects.push({ key: `${PREFIX}${formatCompactTime(start).slice(0, 8)}/${name}`, body: gzipSync(`${line}\n`) });
  }
  return objects;
}

/** A pass-through to the S3 server that counts each request by operation (the signature covers Host, kept as sent). */
async function startCountingProxy(target: string): Promise<{ endpoint: string; reset(): void; counts(): S3RequestCounts; close(): Promise<void> }> {
  const upstream = new URL(target);
  const zero = (): S3RequestCounts => ({ list: 0, confirm: 0, deleteObjects: 0, other: 0, total: 0, serverErrors: 0 });
  let counts = zero();
  const proxy: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    counts.total += 1;
    if (req.method === 'POST' && url.searchParams.has('delete')) counts.deleteObjects += 1;
    else if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
      if (url.searchParams.has('start-after')) counts.confirm += 1;
      else counts.list += 1;
    } else counts.other += 1;
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if ((answer.statusCode ?? 502) >= 500) counts.serverErrors += 1;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    reset: () => void (counts = zero()),
    counts: () => ({ ...counts }),
    close: () => new Promise((resolve) => proxy.close(() => resolve())),
  };
}

const PURGE_CHILD = new URL('./archive-purge-child.js', import.meta.url);

/** Runs archive-purge-child with exactly `env`; its peak RSS is the kernel's high-water mark (VmHWM), polled. */
async function runPurgeChild(
  archive: { endpoint: string; url: string; maxDeletes: number },
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string; peakRssKb: number }> {
  const child = spawn(process.execPath, [fileURLToPath(PURGE_CHILD), JSON.stringify(archive)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => void (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => void (stderr += text));
  let peakRssKb = 0;
  const poll = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakRssKb = Math.max(peakRssKb, Number(hwm[1]));
    } catch {
      // Gone between polls: the last reading stands.
    }
  }, 20);
  const code = await new Promise<number>((resolve) => child.once('exit', (exitCode) => resolve(exitCode ?? 70)));
  clearInterval(poll);
  return { code, stdout, stderr, peakRssKb };
}

function envCount(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}
