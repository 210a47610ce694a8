import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnalyticsGraphqlClient } from '../src/cloudflare/analytics-graphql-client.js';
import { DEFAULT_PULL_OVERLAP } from '../src/config/config.js';
import { parseDuration } from '../src/config/duration.js';
import { pullZones, type PullOptions } from '../src/pull/pull.js';
import { openStore } from '../src/store/db.js';
import { createSqliteStorePort } from '../src/store/sqlite/adapter.js';
import { round, startEmulatorChild } from './emulator-child.js';
import type { PullEmulatorReady } from './pull-emulator.js';

export interface PullBenchResult {
  readonly name: string;
  readonly events: number;
  readonly stored: number;
  readonly requests: number;
  readonly pullSeconds: number;
  readonly pullEventsPerSecond: number;
  /** The same rows, inserted by one plain prepared statement in one transaction into the same schema. */
  readonly baselineSeconds: number;
  readonly baselineEventsPerSecond: number;
  /** pullSeconds / baselineSeconds: the figure; target ≤ 2. */
  readonly ratio: number;
  readonly targetRatio: number;
  /** A second pull right after the first: it re-reads the trailing overlap (config `pull.overlap`, default). */
  readonly overlap: {
    readonly text: string;
    readonly seconds: number;
    /** Rows the re-read handed on (already held, or late): the extra reading the overlap costs. */
    readonly rowsRead: number;
    /** rowsRead / stored. */
    readonly shareOfStored: number;
    readonly lateRows: number;
    /** (pull + re-read) / baseline: must stay within the same target. */
    readonly ratioWithOverlap: number;
  };
  /** Peak resident set of the pulling process during the pull (the emulator runs in another process). */
  readonly peakRssMb: number;
  readonly targetPeakRssMb: number;
  readonly ok: boolean;
}

const COLUMNS = 'zone_id, datetime, ray_name, client_ip, client_country, client_asn, action, source, rule_id, host, sample_interval, extra';

/** Pull ingest throughput from an emulator in a child process into the store, beside a plain-insert baseline. */
export async function benchPull(options: { events?: number; onProgress?: (line: string) => void } = {}): Promise<PullBenchResult> {
  const count = options.events ?? 1_000_000;
  const say = options.onProgress ?? (() => undefined);
  say(`pull bench: seeding ${count.toLocaleString('en')} events in the emulator process`);
  const emulator = await startEmulatorChild<PullEmulatorReady>(new URL('./pull-emulator.js', import.meta.url), [String(count)]);
  const dir = mkdtempSync(join(tmpdir(), 'luxeret-bench-pull-'));
  try {
    const { ready } = emulator;
    global.gc?.();

    say('pull bench: pulling');
    const db = openStore(join(dir, 'pull.db'), { create: true });
    const store = createSqliteStorePort(db, { path: join(dir, 'pull.db'), lockPath: join(dir, 'pull.lock') });
    const client = createAnalyticsGraphqlClient({ baseUrl: ready.baseUrl, token: ready.token });
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
    const started = performance.now();
    const pullOptions: PullOptions = {
      zones: [{ id: ready.zoneId, name: undefined }],
      retention: { firewallEvents: parseDuration('30d')!, httpAnalytics: parseDuration('30d')! },
      fields: [],
      onProgress: (p) => say(`pull bench: ${p.rows.toLocaleString('en')} rows`),
    };
    const summary = await pullZones({ client, store, now: () => new Date() }, pullOptions);
    const pullSeconds = (performance.now() - started) / 1000;
    const zone = summary.zones[0];
    if (zone?.status !== 'ok') throw new Error(`bench pull failed: ${zone?.error?.message ?? 'no zone'}`);

    say(`pull bench: pulling again, re-reading the ${DEFAULT_PULL_OVERLAP} overlap`);
    const rereadStarted = performance.now();
    const reread = await pullZones({ client, store, now: () => new Date() }, pullOptions);
    const rereadSeconds = (performance.now() - rereadStarted) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const rereadEvents = reread.zones[0]?.datasets.find((d) => d.dataset === 'firewall_events');
    if (reread.zones[0]?.status !== 'ok' || rereadEvents === undefined)
      throw new Error(`bench re-read failed: ${reread.zones[0]?.error?.message ?? 'no zone'}`);
    const stored = (db.prepare('SELECT COUNT(*) AS n FROM firewall_events').get() as { n: number }).n;

    say('pull bench: baseline (plain prepared INSERT, one transaction)');
    const rows = db.prepare(`SELECT ${COLUMNS} FROM firewall_events`).raw().all() as unknown[][];
    db.close();
    const baselineDb = openStore(join(dir, 'baseline.db'), { create: true });
    const insert = baselineDb.prepare(`INSERT INTO firewall_events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const baselineStarted = performance.now();
    baselineDb.transaction(() => {
      for (const row of rows) insert.run(row);
    })();
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    baselineDb.close();

    const ratio = pullSeconds / baselineSeconds;
    const ratioWithOverlap = (pullSeconds + rereadSeconds) / baselineSeconds;
    const rowsRead = rereadEvents.inserted + rereadEvents.duplicates + rereadEvents.expired;
    const peakRssMb = Math.round(peakRss / 1024 / 1024);
    return {
      name: `pull ${count.toLocaleString('en')} firewall events`,
      events: count,
      stored,
      requests: client.stats().requests,
      pullSeconds: round(pullSeconds),
      pullEventsPerSecond: Math.round(stored / pullSeconds),
      baselineSeconds: round(baselineSeconds),
      baselineEventsPerSecond: Math.round(rows.length / baselineSeconds),
      ratio: round(ratio),
      targetRatio: 2,
      overlap: {
        text: DEFAULT_PULL_OVERLAP,
        seconds: round(rereadSeconds),
        rowsRead,
        shareOfStored: stored > 0 ? rowsRead / stored : 0,
        lateRows: rereadEvents.lateRows,
        ratioWithOverlap: round(ratioWithOverlap),
      },
      peakRssMb,
      targetPeakRssMb: 250,
      ok: stored === count && ratioWithOverlap <= 2 && peakRssMb < 250,
    };
  } finally {
    emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A readable table of the result. */
export function renderPullBench(r: PullBenchResult): string {
  const lines = [
    ['bench', r.name],
    ['stored / seeded', `${r.stored.toLocaleString('en')} / ${r.events.toLocaleString('en')}`],
    ['GraphQL requests', String(r.requests)],
    ['pull (emulator → store)', `${r.pullSeconds} s  ${r.pullEventsPerSecond.toLocaleString('en')} events/s`],
    ['baseline (plain INSERT)', `${r.baselineSeconds} s  ${r.baselineEventsPerSecond.toLocaleString('en')} events/s`],
    ['ratio pull / baseline', `${r.ratio}×  (target ≤ ${r.targetRatio}×)`],
    [
      `overlap re-read (${r.overlap.text})`,
      `${r.overlap.seconds} s  ${r.overlap.rowsRead.toLocaleString('en')} rows read again = ${formatShare(r.overlap.shareOfStored)} of stored, ${r.overlap.lateRows} late`,
    ],
    ['ratio with re-read', `${r.overlap.ratioWithOverlap}×  (target ≤ ${r.targetRatio}×)`],
    ['peak RSS (pulling side)', `${r.peakRssMb} MB  (target < ${r.targetPeakRssMb} MB)`],
    ['result', r.ok ? 'OK' : 'MISSED TARGET'],
  ];
  const width = Math.max(...lines.map(([k]) => k!.length));
  return lines.map(([k, v]) => `${k!.padEnd(width)}  ${v}`).join('\n') + '\n';
}

function formatShare(share: number): string {
  return `${(share * 100).toFixed(share < 0.01 ? 3 : 1)}%`;
}
