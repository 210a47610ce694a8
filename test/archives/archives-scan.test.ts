import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCompactTime } from '../../src/archives/object-time.js';
import { openArchiveClient } from '../../src/archives/read-archive.js';
import { loadSigningKey } from '../../src/audit/keys.js';
import { homePaths } from '../../src/cli/paths.js';
import { loadConfigFile } from '../../src/config/load.js';
import { networkContains, parseNetwork } from '../../src/policy/network.js';
import { purgeExpired } from '../../src/purge/purge.js';
import { openStore } from '../../src/store/db.js';
import { insertHold } from '../../src/store/holds.js';
import { createSqliteStorePort } from '../../src/store/sqlite/adapter.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { s3CliEnv } from '../helpers/logpush-objects.js';
import { isGetObject, startDenyingProxy } from '../helpers/s3-deny-proxy.js';
import { putObjects, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, startS3Server, type TestS3Server } from '../helpers/s3-server.js';

// `purge` scanning Logpush objects (gzip NDJSON firewall events) in a real S3 server (s3rver on 127.0.0.1): an
// object past retention that overlaps an IP or country hold in time is read line by line; it is kept when a line
// is covered and deleted when none is. Each test works under a prefix of its own in one bucket.

const DAY_MS = 86_400_000;
const BUCKET = 'luxeret-scan';
const RETENTION_DAYS = 30;
const HELD_IP = '203.0.113.7';
const REMEMBERED_IP = '198.18.77.7';

let server: TestS3Server;
let temp: { dir: string; cleanup: () => void };
let env: Record<string, string>;

beforeAll(async () => {
  server = await startS3Server([BUCKET]);
  temp = makeTempDir();
  env = s3CliEnv(join(temp.dir, 'home'), S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY);
  expect((await runCli(['init'], { env, cwd: temp.dir })).code).toBe(0);
}, 60_000);
afterAll(async () => {
  await server?.close();
  temp?.cleanup();
});

/** A Logpush firewall event as the job writes it (field_names of a typical job; Datetime in RFC 3339). */
function firewallEvent(ip: string, at: Date, n: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Action: n % 3 === 0 ? 'block' : 'managed_challenge',
    ClientASN: 4766 + (n % 7),
    ClientCountry: 'kr',
    ClientIP: ip,
    ClientRequestHost: 'www.luxeret.com',
    ClientRequestMethod: 'GET',
    ClientRequestPath: `/products/${n}`,
    Datetime: at.toISOString(),
    EdgeResponseStatus: 403,
    RayID: `8f${n.toString(16).padStart(14, '0')}`,
    RuleID: 'f8bd1e4b6c6b4a9b8d1b1e2f3a4b5c6d',
    Source: 'firewallCustom',
    UserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
    ...extra,
  });
}

/** Varied addresses (IPv4, IPv6, IPv4-mapped IPv6), none of them the held one. */
function otherIp(n: number): string {
  const forms = [
    `198.51.100.${n % 250}`,
    `2001:db8:${(n % 90).toString(16)}::${(n + 1).toString(16)}`,
    `::ffff:192.0.2.${n % 250}`,
    `203.0.113.${70 + (n % 9)}`,
  ];
  return forms[n % forms.length]!;
}

interface Window {
  readonly day: Date;
  /** Two 5-minute objects' worth of data, 40 days ago: past the 30-day retention. */
  readonly start: Date;
}

function pastWindow(slot: number): Window {
  const day = new Date(Math.floor((Date.now() - 40 * DAY_MS) / DAY_MS) * DAY_MS);
  return { day, start: new Date(day.getTime() + slot * 3_600_000) };
}

/** A Logpush key under `prefix`, for the 5 minutes starting `offsetMin` minutes into the window. */
function keyAt(prefix: string, window: Window, offsetMin: number, hash: string): { key: string; start: Date; end: Date } {
  const start = new Date(window.start.getTime() + offsetMin * 60_000);
  const end = new Date(start.getTime() + 5 * 60_000);
  return { key: `${prefix}${formatCompactTime(window.day).slice(0, 8)}/${formatCompactTime(start)}_${formatCompactTime(end)}_${hash}.log.gz`, start, end };
}

function gzipLines(lines: readonly string[]): Buffer {
  return gzipSync(lines.join('\n') + '\n');
}

function linesOver(start: Date, count: number, ipAt: (n: number) => string): string[] {
  return Array.from({ length: count }, (_, n) => firewallEvent(ipAt(n), new Date(start.getTime() + n * 100), n));
}

async function listKeys(prefix: string): Promise<string[]> {
  const page = await server.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (page.Contents ?? []).map((item) => item.Key!).sort();
}

function writeConfig(prefix: string, options: { budget?: string; endpoint?: string } = {}): void {
  writeFileSync(
    join(env.LUXERET_HOME!, 'config.yaml'),
    [
      `retention:\n  firewall_events: ${RETENTION_DAYS}d\n`,
      options.budget === undefined ? '' : `safety:\n  archive_scan_budget: ${options.budget}\n`,
      `archives:\n  - name: firewall\n    url: s3://${BUCKET}/${prefix}\n    endpoint: ${options.endpoint ?? server.endpoint}\n`,
    ].join(''),
  );
}

async function addHold(ip: string, window: Window, extra: string[] = []): Promise<void> {
  const to = new Date(window.start.getTime() + 10 * 60_000);
  const added = await runCli(
    ['hold', 'add', '--ip', ip, '--from', window.start.toISOString(), '--to', to.toISOString(), '--reason', 'Police request', ...extra],
    {
      env,
      cwd: temp.dir,
    },
  );
  expect(added.stderr).toBe('');
  expect(added.code).toBe(0);
}

interface ArchiveJson {
  id: string;
  planned: number;
  deleted: number;
  held: number;
  failed: number;
  undetermined?: number;
  incomplete?: boolean;
  scanned?: { objects: number; bytes: number; held: number; deletable: number };
  notes: string[];
}

function archiveOf(stdout: string): ArchiveJson {
  return (JSON.parse(stdout) as { locations: ArchiveJson[] }).locations.find((l) => l.id === 'archive/firewall')!;
}

async function auditOf(): Promise<
  { event: string; location: string | null; counts: Record<string, number> | null; details: Record<string, unknown> | null }[]
> {
  return JSON.parse((await runCli(['audit', 'show', '--json'], { env, cwd: temp.dir })).stdout) as never;
}

describe('purge scans the archive objects an IP hold overlaps', () => {
  it('keeps the object whose lines hold the address (found only by scanning) and deletes its neighbour in the same hold window', async () => {
    const prefix = 'neighbours/';
    const window = pastWindow(1);
    const held = keyAt(prefix, window, 0, 'aaaa0001');
    const neighbour = keyAt(prefix, window, 5, 'aaaa0002');
    // The held address as IPv4-mapped IPv6, in the middle of 2,000 lines; the neighbour has only other addresses.
    const heldLines = linesOver(held.start, 2000, (n) => (n === 1234 ? `::ffff:${HELD_IP}` : otherIp(n)));
    await putObjects(server.client, BUCKET, [
      { key: held.key, body: gzipLines(heldLines) },
      { key: neighbour.key, body: gzipLines(linesOver(neighbour.start, 2000, otherIp)) },
    ]);
    writeConfig(prefix);
    await addHold(HELD_IP, window);

    // A dry run scans too (reads only): its plan is the real one, and nothing goes.
    const dry = await runCli(['purge', '--dry-run', '--json'], { env, cwd: temp.dir });
    expect(dry.code).toBe(0);
    expect(archiveOf(dry.stdout)).toMatchObject({ planned: 1, deleted: 0, held: 1, undetermined: 0, scanned: { objects: 2, held: 1, deletable: 1 } });
    expect(await listKeys(prefix)).toEqual([held.key, neighbour.key]);

    const purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(purge.code).toBe(0);
    const archive = archiveOf(purge.stdout);
    expect(archive).toMatchObject({ planned: 1, deleted: 1, held: 1, undetermined: 0, failed: 0, scanned: { objects: 2, held: 1, deletable: 1 } });
    expect(archive.notes.join('\n')).toMatch(
      /2 object\(s\) \([\d.]+kB\) overlapping an IP or country hold were scanned: 1 hold a line a hold covers \(kept\), 1 none \(deletable\)/,
    );
    expect(await listKeys(prefix)).toEqual([held.key]);

    const entries = (await auditOf()).filter((e) => e.location === 'archive/firewall');
    const outcome = entries.at(-1)!;
    expect(outcome.event).toBe('archive.delete.outcome');
    expect(outcome.counts).toMatchObject({ deleted: 1, held: 1, scanned: 2, held_by_scan: 1, deletable_by_scan: 1, kept_by_new_hold: 0 });
    expect(outcome.counts!['scanned_bytes']).toBeGreaterThan(0);
    // Counts and dates: never a key, never an address.
    const text = JSON.stringify(entries);
    expect(text).not.toContain('.log.gz');
    expect(text).not.toContain(HELD_IP);
    expect((await runCli(['audit', 'verify'], { env, cwd: temp.dir })).code).toBe(0);
  });

  it('finds the address as IPv6 and under a country hold, and an object of another country is deleted', async () => {
    const prefix = 'v6-country/';
    const window = pastWindow(2);
    const v6 = keyAt(prefix, window, 0, 'bbbb0001');
    const otherCountry = keyAt(prefix, window, 5, 'bbbb0002');
    await putObjects(server.client, BUCKET, [
      { key: v6.key, body: gzipLines(linesOver(v6.start, 300, (n) => (n === 299 ? '2001:db8:ffff::42' : otherIp(n)))) },
      {
        key: otherCountry.key,
        body: gzipLines(linesOver(otherCountry.start, 300, (n) => (n === 10 ? '2001:db8:ffff::43' : otherIp(n))).map((l) => l.replace('"kr"', '"jp"'))),
      },
    ]);
    writeConfig(prefix);
    await addHold('2001:db8:ffff::/48', window, ['--country', 'KR']);
    const purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(purge.code).toBe(0);
    expect(archiveOf(purge.stdout)).toMatchObject({ deleted: 1, held: 1, undetermined: 0 });
    expect(await listKeys(prefix)).toEqual([v6.key]);
  });

  it('a corrupt object in the hold window is kept as undetermined, its zlib code noted; exit 0', async () => {
    const prefix = 'corrupt/';
    const window = pastWindow(3);
    const corrupt = keyAt(prefix, window, 0, 'cccc0001');
    const truncated = keyAt(prefix, window, 5, 'cccc0002');
    const whole = gzipLines(linesOver(truncated.start, 500, otherIp));
    await putObjects(server.client, BUCKET, [
      { key: corrupt.key, body: Buffer.from(linesOver(corrupt.start, 50, otherIp).join('\n')) },
      { key: truncated.key, body: whole.subarray(0, whole.length - 100) },
    ]);
    writeConfig(prefix);
    await addHold(HELD_IP, window);
    const purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(purge.code).toBe(0);
    const archive = archiveOf(purge.stdout);
    expect(archive).toMatchObject({ planned: 0, deleted: 0, undetermined: 2, scanned: { objects: 2, held: 0, deletable: 0 } });
    expect(archive.notes.join('\n')).toContain(
      '2 object(s) could not be scanned and were kept as undetermined: not_gzip:Z_BUF_ERROR ×1, not_gzip:Z_DATA_ERROR ×1',
    );
    expect(await listKeys(prefix)).toEqual([corrupt.key, truncated.key].sort());
  });

  it('what a scan found held is remembered: later runs keep it without reading it, until one of its holds is released', async () => {
    const prefix = 'remembered/';
    const window = pastWindow(21);
    const object = keyAt(prefix, window, 0, 'abab0001');
    await putObjects(server.client, BUCKET, [
      { key: object.key, body: gzipLines(linesOver(object.start, 40, (n) => (n === 17 ? REMEMBERED_IP : otherIp(n)))) },
    ]);
    writeConfig(prefix);
    await addHold(REMEMBERED_IP, window);
    const first = archiveOf((await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir })).stdout);
    expect(first).toMatchObject({ deleted: 0, held: 1, scanned: { objects: 1, held: 1 } });

    // No budget at all: only the remembered verdict can keep it held rather than undetermined; a dry run recalls too.
    writeConfig(prefix, { budget: '0' });
    for (const args of [['--dry-run'], ['--trust-clock']]) {
      const again = archiveOf((await runCli(['purge', ...args, '--json'], { env, cwd: temp.dir })).stdout);
      expect(again).toMatchObject({ deleted: 0, held: 1, undetermined: 0, scanned: { objects: 0 } });
      expect(again.notes.join('\n')).toContain("1 object(s) kept as held: an earlier run's scan found a held line");
    }

    // Another hold over the same time, then the first released: the verdict no longer stands, the object is read again
    // (here: cannot be, no budget) and stays undetermined, not deleted.
    await addHold('192.0.2.222', window);
    const holds = JSON.parse((await runCli(['hold', 'list', '--format', 'json'], { env, cwd: temp.dir })).stdout) as { id: string; ip: string }[];
    const firstHold = holds.find((h) => h.ip.startsWith(REMEMBERED_IP))!;
    expect((await runCli(['hold', 'release', firstHold.id, '--reason', 'Case closed'], { env, cwd: temp.dir })).code).toBe(0);
    const after = archiveOf((await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir })).stdout);
    expect(after).toMatchObject({ deleted: 0, held: 0, undetermined: 1 });
    expect(await listKeys(prefix)).toEqual([object.key]);
  });

  it('the scan budget running out: the objects it cannot cover stay undetermined (kept), the notes say how many; exit 0', async () => {
    const prefix = 'budget/';
    const window = pastWindow(4);
    const objects = [0, 5].map((offset, i) => keyAt(prefix, window, offset, `dddd000${i}`));
    const bodies = objects.map((o) => gzipLines(linesOver(o.start, 3000, otherIp)));
    await putObjects(
      server.client,
      BUCKET,
      objects.map((o, i) => ({ key: o.key, body: bodies[i]! })),
    );
    writeConfig(prefix, { budget: String(bodies[0]!.length + 10) });
    await addHold(HELD_IP, window);
    const purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(purge.code).toBe(0);
    const archive = archiveOf(purge.stdout);
    // The older object is scanned (and deleted: no held line); the other would exceed what is left.
    expect(archive).toMatchObject({ planned: 1, deleted: 1, undetermined: 1, scanned: { objects: 1, bytes: bodies[0]!.length } });
    expect(archive.notes.join('\n')).toMatch(
      /1 object\(s\) \([\d.]+kB\) overlapping an IP or country hold were not scanned and were kept as undetermined: the scan budget \(safety\.archive_scan_budget\) ran out/,
    );
    expect(await listKeys(prefix)).toEqual([objects[1]!.key]);
    const outcome = (await auditOf()).filter((e) => e.event === 'archive.delete.outcome').at(-1)!;
    expect(outcome.counts).toMatchObject({ scanned: 1, not_scanned_budget: 1, undetermined: 1 });

    // A later run with budget to spare settles it.
    writeConfig(prefix, { budget: '1GB' });
    const again = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(archiveOf(again.stdout)).toMatchObject({ deleted: 1, undetermined: 0 });
    expect(await listKeys(prefix)).toEqual([]);
  });

  it('credentials that can list but not read objects: kept as undetermined, the run partial (exit 4) with the S3 code', async () => {
    const prefix = 'denied-get/';
    const window = pastWindow(5);
    const object = keyAt(prefix, window, 0, 'eeee0001');
    await putObjects(server.client, BUCKET, [{ key: object.key, body: gzipLines(linesOver(object.start, 10, otherIp)) }]);
    const proxy = await startDenyingProxy(server.endpoint, isGetObject);
    try {
      writeConfig(prefix, { endpoint: proxy.endpoint });
      await addHold(HELD_IP, window);
      const purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
      // Without s3:GetObject every run would keep the object again: cron must see it, unlike a budget that ran out.
      expect(purge.code).toBe(4);
      const archive = archiveOf(purge.stdout);
      expect(archive).toMatchObject({ deleted: 0, undetermined: 1, incomplete: true });
      expect(archive.notes.join('\n')).toContain('read_failed:AccessDenied ×1 (the credentials need s3:GetObject to scan)');
      expect(purge.stdout + purge.stderr).not.toContain('eeee0001');
    } finally {
      await proxy.close();
    }
    expect(await listKeys(prefix)).toEqual([object.key]);
  });

  it('a hold added between the plan and the deletion keeps the object it overlaps (read again before each batch)', async () => {
    const prefix = 'late-hold/';
    const window = pastWindow(6);
    const late = keyAt(prefix, window, 0, 'ffff0001');
    const other = keyAt(prefix, pastWindow(7), 0, 'ffff0002');
    await putObjects(server.client, BUCKET, [
      { key: late.key, body: gzipLines(linesOver(late.start, 20, (n) => (n === 3 ? HELD_IP : otherIp(n)))) },
      { key: other.key, body: gzipLines(linesOver(other.start, 20, otherIp)) },
    ]);
    writeConfig(prefix);
    const home = env.LUXERET_HOME!;
    const storePath = join(home, 'luxeret.db');
    // Another connection, as `hold add` on another terminal would be, commits a hold while the purge runs.
    const holdsDb = openStore(storePath);
    let added = false;
    try {
      const result = await purgeExpired(
        {
          store: createSqliteStorePort(openStore(storePath), { path: storePath, lockPath: `${storePath}.lock` }),
          config: loadConfigFile(join(home, 'config.yaml')),
          signer: () => ({ privateKey: loadSigningKey(homePaths(home).signingKey), actor: 'test@host', now: () => new Date() }),
          now: () => new Date(),
          readServerClock: () => Promise.resolve(undefined),
          openArchiveClient: (archive) => openArchiveClient(archive, env),
          onProgress: (progress) => {
            if (progress.location !== 'archive/firewall' || progress.phase !== 'delete' || added) return;
            added = true;
            insertHold(holdsDb, {
              id: 'hold_late',
              network: HELD_IP,
              country: undefined,
              from: window.start,
              to: new Date(window.start.getTime() + 10 * 60_000),
              until: undefined,
              releasedAt: undefined,
              reason: 'Police request',
              reference: undefined,
              createdAt: new Date(),
              createdBy: 'dpo@other-host',
            });
          },
        },
        { dryRun: false, trustClock: true },
      );
      expect(added).toBe(true);
      const archive = result.locations.find((l) => l.id === 'archive/firewall')!;
      // Planned before the hold existed: both; deleted: only the one the new hold does not overlap.
      expect(archive).toMatchObject({ planned: 2, deleted: 1, undetermined: 1, failed: 0 });
      expect(archive.notes.map((n) => (n.code === 'verbatim' ? n.text : '')).join('\n')).toContain(
        '1 object(s) overlap a hold added during this run and were kept as undetermined',
      );
    } finally {
      holdsDb.close();
    }
    expect(await listKeys(prefix)).toEqual([late.key]);
    const outcome = (await auditOf()).filter((e) => e.event === 'archive.delete.outcome').at(-1)!;
    expect(outcome.counts).toMatchObject({ planned: 2, deleted: 1, kept_by_new_hold: 1, undetermined: 1 });
  });
});

describe('property: an object holding a held address is never deleted, whatever its other lines', () => {
  // How an address may be written in a Logpush line: IPv4 as such, IPv4-mapped IPv6 (dotted or hex), and IPv6.
  const spellings = (ip: string): string[] => {
    const network = parseNetwork(ip)!;
    if (network.family === 'ipv6') return [ip, ip.toUpperCase(), expandIpv6(ip), expandIpv6(ip).replace(/\b0+(?=[0-9a-f])/g, '')];
    const [a, b, c, d] = network.address.split('.').map(Number) as [number, number, number, number];
    const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
    return [ip, `::ffff:${ip}`, `::FFFF:${hex(a, b)}:${hex(c, d)}`, `0:0:0:0:0:ffff:${hex(a, b)}:${hex(c, d)}`];
  };
  /** `2001:db8:5::7` as `2001:0db8:0005:0000:0000:0000:0000:0007` (what the generator below writes has one `::`). */
  const expandIpv6 = (ip: string): string => {
    const [head = '', tail = ''] = ip.split('::');
    const left = head === '' ? [] : head.split(':');
    const right = tail === '' ? [] : tail.split(':');
    const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
    return groups.map((group) => group.padStart(4, '0')).join(':');
  };
  const ipv4 = fc.tuple(fc.constantFrom(192, 198, 203), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));
  const ipv6 = fc.tuple(fc.nat(0xffff), fc.nat(0xffff)).map(([x, y]) => `2001:db8:${x.toString(16)}::${y.toString(16)}`);
  const anyIp = fc.oneof(
    ipv4,
    ipv6,
    ipv6.map(expandIpv6),
    ipv4.map((ip) => `::ffff:${ip}`),
  );
  // A held network: the address itself or a range around it.
  const heldTarget = fc.oneof(
    ipv4.chain((ip) => fc.constantFrom(ip, `${ip.split('.').slice(0, 3).join('.')}.0/24`).map((network) => ({ ip, network }))),
    ipv6.chain((ip) => fc.constantFrom(ip, `${ip.split('::')[0]}::/48`, `${ip}/52`, `${ip}/64`, `${ip}/100`).map((network) => ({ ip, network }))),
  );
  const timeFormat = fc.constantFrom<'rfc3339' | 'unix' | 'unixnano' | 'none'>('rfc3339', 'unix', 'unixnano', 'none');
  const otherLine = fc.record({
    ip: anyIp,
    country: fc.constantFrom('kr', 'jp', 'us', ''),
    format: timeFormat,
    spaced: fc.boolean(),
    path: fc.string({ maxLength: 30 }),
    noteClientIp: fc.boolean(),
  });
  const scenario = fc.record({
    held: heldTarget,
    spelling: fc.nat(),
    heldFormat: timeFormat,
    before: fc.array(otherLine, { maxLength: 40 }),
    after: fc.array(otherLine, { maxLength: 40 }),
    garbage: fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }),
    // Half the time the control object gets a line in the held network too (the held address, spelled another way).
    controlGetsHeld: fc.boolean(),
    controlSpelling: fc.nat(),
  });

  type Line = { ip: string; country: string; format: 'rfc3339' | 'unix' | 'unixnano' | 'none'; spaced: boolean; path: string; noteClientIp: boolean };
  const render = (line: Line, at: Date): string => {
    const time =
      line.format === 'rfc3339'
        ? at.toISOString()
        : line.format === 'unix'
          ? Math.floor(at.getTime() / 1000)
          : line.format === 'unixnano'
            ? at.getTime() * 1e6
            : undefined;
    const fields: Record<string, unknown> = {
      ...(line.noteClientIp ? { Note: 'ClientIP' } : {}),
      ClientIP: line.ip,
      ClientRequestPath: line.path,
      Datetime: time,
      RayID: '8f0000000000000a',
      ...(line.country === '' ? {} : { ClientCountry: line.country }),
    };
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    const separator = line.spaced ? [': ', ', '] : [':', ','];
    return `{${entries.map(([key, value]) => `${JSON.stringify(key)}${separator[0]}${JSON.stringify(value)}`).join(separator[1])}}`;
  };

  it('holds for random objects in the real S3 server', async () => {
    let run = 0;
    const outcomes = { controlKept: 0, controlDeleted: 0 };
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        run += 1;
        const prefix = `property-${run}/`;
        const window = pastWindow(8 + (run % 12));
        const holder = keyAt(prefix, window, 0, 'a0000001');
        const control = keyAt(prefix, window, 5, 'a0000002');
        const at = new Date(holder.start.getTime() + 60_000);
        const spelled = spellings(s.held.ip);
        const heldLine = render(
          { ip: spelled[s.spelling % spelled.length]!, country: 'kr', format: s.heldFormat, spaced: false, path: '/', noteClientIp: false },
          at,
        );
        const holderLines = [...s.before.map((l) => render(l, at)), ...s.garbage, heldLine, ...s.after.map((l) => render(l, at))];
        const controlOwn: Line[] = s.controlGetsHeld
          ? [{ ip: spelled[s.controlSpelling % spelled.length]!, country: 'jp', format: s.heldFormat, spaced: true, path: '/x', noteClientIp: false }]
          : [];
        const controlSource = [...s.before, ...controlOwn, ...s.after];
        const controlLines = controlSource.map((l) => render(l, new Date(control.start.getTime() + 60_000)));
        await putObjects(server.client, BUCKET, [
          { key: holder.key, body: gzipLines(holderLines) },
          { key: control.key, body: gzipLines(controlLines) },
        ]);
        writeConfig(prefix);
        const hold = await runCli(['hold', 'add', '--ip', s.held.network, '--reason', 'Property test hold'], { env, cwd: temp.dir });
        expect(hold.code).toBe(0);
        const holdId = hold.stdout.trim();
        try {
          const purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
          expect(purge.code).toBe(0);
          const left = await listKeys(prefix);
          expect(left).toContain(holder.key);
          // The control object is deleted exactly when none of its lines is inside the held network (an independent oracle).
          const network = parseNetwork(s.held.network)!;
          const controlHeld = controlSource.some((l) => networkContains(network, parseNetwork(l.ip)!));
          expect(left.includes(control.key)).toBe(controlHeld);
          outcomes[controlHeld ? 'controlKept' : 'controlDeleted'] += 1;
        } finally {
          expect((await runCli(['hold', 'release', holdId, '--reason', 'Property run done'], { env, cwd: temp.dir })).code).toBe(0);
        }
      }),
      { numRuns: 40 },
    );
    // Both sides of the control's oracle were exercised, not only "deleted".
    expect(outcomes.controlKept).toBeGreaterThan(0);
    expect(outcomes.controlDeleted).toBeGreaterThan(0);
  }, 240_000);
});

describe('subject show --ip: the archives that may hold the address, and with --scan-archives the objects that do', () => {
  it('lists without reading by default, and scanning names exactly the objects with a line from the address', async () => {
    const prefix = 'subject/';
    const window = pastWindow(21);
    const young = new Date(Math.floor((Date.now() - 2 * DAY_MS) / DAY_MS) * DAY_MS);
    const objects = [keyAt(prefix, window, 0, 'ab000001'), keyAt(prefix, window, 5, 'ab000002'), keyAt(prefix, { day: young, start: young }, 0, 'ab000003')];
    const subjectIp = '198.18.0.77';
    const bodies = [
      linesOver(objects[0]!.start, 500, (n) => (n === 250 ? `::ffff:${subjectIp}` : otherIp(n))),
      linesOver(objects[1]!.start, 500, otherIp),
      linesOver(objects[2]!.start, 500, (n) => (n === 0 ? subjectIp : otherIp(n))),
    ];
    await putObjects(
      server.client,
      BUCKET,
      objects.map((o, i) => ({ key: o.key, body: gzipLines(bodies[i]!) })),
    );
    writeConfig(prefix);

    const listed = await runCli(['subject', 'show', '--ip', subjectIp, '--json'], { env, cwd: temp.dir });
    expect(listed.code, listed.stderr).toBe(0);
    const listedArchive = (JSON.parse(listed.stdout) as { archives: Record<string, unknown>[] }).archives[0]!;
    expect(listedArchive).toMatchObject({
      id: 'archive/firewall',
      where: `${BUCKET}/${prefix}`,
      objects: 3,
      oldest_data: objects[0]!.start.toISOString(),
      newest_data: objects[2]!.end.toISOString(),
      disposition: 'may_contain',
      scan: null,
    });

    const scanned = await runCli(['subject', 'show', '--ip', `${subjectIp.split('.').slice(0, 3).join('.')}.0/24`, '--scan-archives', '--json'], {
      env,
      cwd: temp.dir,
    });
    expect(scanned.code).toBe(0);
    const scannedArchive = (JSON.parse(scanned.stdout) as { archives: { disposition: string; scan: { scanned: number; containing: { key: string }[] } }[] })
      .archives[0]!;
    expect(scannedArchive.disposition).toBe('scanned');
    expect(scannedArchive.scan.scanned).toBe(3);
    expect(scannedArchive.scan.containing.map((o) => o.key)).toEqual([objects[0]!.key, objects[2]!.key]);

    const text = await runCli(['subject', 'show', '--ip', subjectIp, '--scan-archives'], { env, cwd: temp.dir });
    expect(text.stdout).toContain('2 of 3 scanned object(s) contain it');
    expect(text.stdout).toContain(`archive/firewall: contains it: ${objects[0]!.key}`);
    expect(text.stdout).not.toContain(objects[1]!.key);

    // The request is audited with counts, never keys.
    const shows = (await auditOf()).filter((e) => e.event === 'subject.show');
    expect(shows.at(-1)!.counts).toMatchObject({ 'archive/firewall': 2 });
    expect(JSON.stringify(shows)).not.toContain('.log.gz');
  });
});
