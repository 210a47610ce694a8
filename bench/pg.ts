import { randomBytes } from 'node:crypto';
import { buildConfig, type Config } from '../src/config/config.js';
import { takeInventory } from '../src/inventory/collect.js';
import type { Inventory, LocationId } from '../src/inventory/inventory.js';
import type { Hold } from '../src/policy/holds.js';
import type { FirewallEventRecord } from '../src/store/firewall-events.js';
import { createPgStorePort } from '../src/store/postgres/adapter.js';
import { openPgStore, withTransaction, type PgStore } from '../src/store/postgres/connection.js';
import { copyRows } from '../src/store/postgres/copy.js';
import { readDatasetCounts } from '../src/store/postgres/counts.js';
import { FIREWALL_EVENT_COLUMNS, firewallEventValues, insertFirewallEvents } from '../src/store/postgres/ingest.js';
import { createPartitionsAhead, DAY_SECONDS } from '../src/store/postgres/partitions.js';
import { deleteExpiredRows, vacuumPurgedPartitions } from '../src/store/postgres/purge.js';
import { migratePgStore } from '../src/store/postgres/schema.js';

/** Issue 13's targets, each against a baseline run on the same server in the same run. */
export interface PgBenchResult {
  name: string;
  server: string;
  events: number;
  pull: { seconds: number; baselineCopySeconds: number; ratio: number; targetRatio: number };
  purge: {
    deleted: number;
    partitionsDropped: number;
    seconds: number;
    baselineDeleteSeconds: number;
    /** Context, not the target's baseline: VACUUM after that DELETE, what removes the rows from the pages as the purge does. */
    baselineVacuumSeconds: number;
    ratio: number;
    targetRatio: number;
    /** Context, not the target: the same purge of the inventory's rows (ten times as many per day partition). */
    atInventoryVolume: { events: number; seconds: number; baselineDeleteSeconds: number; ratio: number };
  };
  inventory: {
    rows: number;
    /** The whole `inventory --local-only` read through the PostgreSQL port (what the target is about). */
    seconds: number;
    /** The same with one active legal hold (a /24), so "past retention" checks every expired row against it. */
    withHoldSeconds: number;
    /** What that run found past retention, and how much of it the hold keeps. */
    pastRetention: number | undefined;
    held: number | undefined;
    /** Only the per-day counts (row_counts): the figure earlier runs reported. */
    countsOnlySeconds: number;
    targetSeconds: number;
  };
  peakRssMb: number;
  /** The same peak per step, so a miss names the step that made it. */
  peakRssMbByPhase: Record<string, number>;
  targetPeakRssMb: number;
  ok: boolean;
}

const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';
/** A GraphQL page of firewallEventsAdaptive holds at most 10,000 events: the unit a pull writes. */
const PAGE = 10_000;
const SPAN_DAYS = 100;

/**
 * `npm run bench -- pg`: against LUXERET_BENCH_DATABASE_URL (default: the machine's test database), in throw-away
 * schemas. Pull: `events` events in pages through the adapter's ingest vs one plain COPY of the same rows. Purge:
 * 90.5% of them (90 whole days and half the boundary day) by partition drop + boundary delete + VACUUM vs a plain
 * DELETE … WHERE. Inventory: `inventory --local-only` (the store's locations, read through the PostgreSQL port with
 * the default 30-day retention and a 30-day Cloudflare window) of `inventoryRows` rows, without and with an active
 * hold; the row_counts-only read earlier runs timed is kept as a line of its own. LUXERET_BENCH_PG_EVENTS and
 * LUXERET_BENCH_PG_INVENTORY_ROWS set smaller counts for exploring (the targets are for the defaults). Each timed
 * step starts from a CHECKPOINT (untimed), so none pays for writing back the previous step's pages.
 */
export async function benchPostgres(options: { events?: number; inventoryRows?: number; onProgress?: (line: string) => void } = {}): Promise<PgBenchResult> {
  const count = options.events ?? envCount('LUXERET_BENCH_PG_EVENTS') ?? 1_000_000;
  const inventoryRows = options.inventoryRows ?? envCount('LUXERET_BENCH_PG_INVENTORY_ROWS') ?? 10_000_000;
  const say = options.onProgress ?? (() => undefined);
  const url = process.env['LUXERET_BENCH_DATABASE_URL'] ?? `postgres://${process.env['PGUSER'] ?? 'postgres'}@127.0.0.1:5432/test`;
  const suffix = randomBytes(4).toString('hex');
  const ours = openPgStore(url, `lux_bench_${suffix}`);
  const baseline = openPgStore(url, `lux_bench_${suffix}_copy`);
  const inventory = openPgStore(url, `lux_bench_${suffix}_inventory`);
  const inventoryCopy = openPgStore(url, `lux_bench_${suffix}_inventory_copy`);
  const rss = sampleRssByPhase('set-up');
  try {
    for (const store of [ours, baseline, inventory, inventoryCopy]) await migratePgStore(store);
    const t0 = Math.floor(Date.now() / 1000 / DAY_SECONDS - SPAN_DAYS) * DAY_SECONDS;
    const end = t0 + SPAN_DAYS * DAY_SECONDS - 1;
    // The pull creates the window's partitions before it fetches; so does the baseline, untimed.
    for (const store of [ours, baseline]) await createPartitionsAhead(store, 'firewall_events', t0, end);
    const server = (await ours.pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;

    rss.enter('pull');
    say('pg bench: pull through the ingest');
    await checkpoint(ours);
    const pullSeconds = await timed(async () => {
      for (const page of pages(count, t0)) await withTransaction(ours, (tx) => insertFirewallEvents(tx, ours.schema, page));
    });
    rss.enter('baseline COPY');
    say('pg bench: baseline plain COPY');
    await checkpoint(baseline);
    const baselineCopySeconds = await timed(() =>
      withTransaction(baseline, (tx) =>
        copyRows(
          tx,
          'firewall_events',
          FIREWALL_EVENT_COLUMNS,
          (function* () {
            for (const page of pages(count, t0)) for (const row of page) yield firewallEventValues(row);
          })(),
        ),
      ),
    );

    const cutoff = new Date((t0 + 90.5 * DAY_SECONDS) * 1000);
    rss.enter('purge');
    say('pg bench: purge by partition drop');
    await checkpoint(ours);
    let purged = { deleted: 0, dropped: 0 };
    const purgeSeconds = await timed(async () => {
      const purge = await withTransaction(ours, (tx) => deleteExpiredRows(tx, 'local/firewall-events', cutoff, undefined));
      await vacuumPurgedPartitions(ours, [purge]);
      purged = { deleted: purge.deleted, dropped: purge.partitions.filter((p) => p.method === 'partition-dropped').length };
    });
    say('pg bench: baseline plain DELETE (same partitioned table, same natural-key index; no VACUUM)');
    await checkpoint(baseline);
    const baselineDeleteSeconds = await timed(() => baseline.pool.query('DELETE FROM firewall_events WHERE datetime < $1', [cutoff.getTime() / 1000]));
    const baselineVacuumSeconds = await timed(() => baseline.pool.query('VACUUM firewall_events'));

    rss.enter('inventory fill (server side)');
    say(`pg bench: filling ${inventoryRows.toLocaleString('en')} rows for inventory (untimed)`);
    await fillServerSide(inventory, inventoryRows, t0);
    const countsOnlySeconds = await timed(() => withTransaction(inventory, (tx) => readDatasetCounts(tx, 'firewall_events')));
    const counted = await withTransaction(inventory, (tx) => readDatasetCounts(tx, 'firewall_events'));
    const port = createPgStorePort(inventory);
    const config = benchConfig();
    const now = new Date();
    const takeLocal = async () => {
      const { inventory: taken, outcome } = await takeInventory(
        { store: port, config: () => config, now: () => now, cloudflare: undefined, toolVersion: 'bench' },
        { isLocalOnly: true, withReportData: false },
      );
      if (outcome !== 'done') throw new Error(`inventory ended ${outcome}`);
      return taken;
    };
    rss.enter('inventory');
    say('pg bench: inventory (local locations through the port)');
    await checkpoint(inventory);
    let taken: Inventory | undefined;
    const inventorySeconds = await timed(async () => (taken = await takeLocal()));
    say('pg bench: inventory with an active hold');
    await port.insertHold(BENCH_HOLD);
    let takenHeld: Inventory | undefined;
    const withHoldSeconds = await timed(async () => (takenHeld = await takeLocal()));
    const inventoryRecords = recordsOf(taken, 'local/firewall-events');

    // Context for the purge target: the same purge at the inventory's volume, where a day partition holds 100,000
    // rows rather than 10,000 (a drop costs per partition, a DELETE per row). The hold is released first.
    rss.enter('purge at inventory volume');
    say('pg bench: purge at the inventory volume (context)');
    await inventory.pool.query('DELETE FROM holds');
    await fillServerSide(inventoryCopy, inventoryRows, t0);
    await checkpoint(inventory);
    const largePurgeSeconds = await timed(async () => {
      const purge = await withTransaction(inventory, (tx) => deleteExpiredRows(tx, 'local/firewall-events', cutoff, undefined));
      await vacuumPurgedPartitions(inventory, [purge]);
    });
    await checkpoint(inventoryCopy);
    const largeDeleteSeconds = await timed(() => inventoryCopy.pool.query('DELETE FROM firewall_events WHERE datetime < $1', [cutoff.getTime() / 1000]));

    const peaks = rss.stop();
    const peakRssMb = Math.max(...Object.values(peaks));
    const pullRatio = pullSeconds / baselineCopySeconds;
    const purgeRatio = purgeSeconds / baselineDeleteSeconds;
    return {
      name: `PostgreSQL store: ${count.toLocaleString('en')} events, inventory of ${inventoryRows.toLocaleString('en')}`,
      server,
      events: count,
      pull: { seconds: round(pullSeconds), baselineCopySeconds: round(baselineCopySeconds), ratio: round(pullRatio), targetRatio: 1.5 },
      purge: {
        deleted: purged.deleted,
        partitionsDropped: purged.dropped,
        seconds: round(purgeSeconds),
        baselineDeleteSeconds: round(baselineDeleteSeconds),
        baselineVacuumSeconds: round(baselineVacuumSeconds),
        ratio: round(purgeRatio),
        targetRatio: 0.2,
        atInventoryVolume: {
          events: inventoryRows,
          seconds: round(largePurgeSeconds),
          baselineDeleteSeconds: round(largeDeleteSeconds),
          ratio: round(largePurgeSeconds / largeDeleteSeconds),
        },
      },
      inventory: {
        rows: counted.records,
        seconds: round(inventorySeconds),
        withHoldSeconds: round(withHoldSeconds),
        pastRetention: takenHeld?.locations.find((l) => l.id === 'local/firewall-events')?.pastRetention,
        held: takenHeld?.locations.find((l) => l.id === 'local/firewall-events')?.held,
        countsOnlySeconds: round(countsOnlySeconds),
        targetSeconds: 10,
      },
      peakRssMb,
      peakRssMbByPhase: peaks,
      targetPeakRssMb: 250,
      ok:
        pullRatio <= 1.5 &&
        purgeRatio <= 0.2 &&
        inventorySeconds < 10 &&
        withHoldSeconds < 10 &&
        counted.records === inventoryRows &&
        inventoryRecords === inventoryRows &&
        recordsOf(takenHeld, 'local/firewall-events') === inventoryRows &&
        peakRssMb < 250,
    };
  } finally {
    rss.stop();
    for (const store of [ours, baseline, inventory, inventoryCopy]) {
      await store.pool.query(`DROP SCHEMA IF EXISTS ${store.schema} CASCADE`).catch(() => undefined);
      await store.close();
    }
  }
}

/** One legal hold on a /24 of the bench's addresses, no time limit: every expired row must be checked against it. */
const BENCH_HOLD: Hold = {
  id: 'bench-hold',
  network: '10.1.2.0/24',
  country: undefined,
  from: undefined,
  to: undefined,
  until: undefined,
  releasedAt: undefined,
  reason: 'bench',
  reference: undefined,
  createdAt: new Date(0),
  createdBy: 'bench',
};

/** The bench zone configured, with the defaults (30-day retention) an operator starts from. */
function benchConfig(): Config {
  const { config, problems } = buildConfig({ zones: [{ id: ZONE, name: 'luxeret.com' }] });
  if (config === undefined) throw new Error(problems.join('; '));
  return config;
}

function recordsOf(inventory: Inventory | undefined, id: LocationId): number | undefined {
  return inventory?.locations.find((l) => l.id === id)?.records;
}

/** The same events every time: `count` spread evenly over SPAN_DAYS days from t0, one page at a time. */
function* pages(count: number, t0: number): Generator<FirewallEventRecord[]> {
  const step = (SPAN_DAYS * DAY_SECONDS) / count;
  for (let start = 0; start < count; start += PAGE) {
    const page: FirewallEventRecord[] = [];
    for (let i = start; i < Math.min(count, start + PAGE); i++) {
      page.push({
        zoneId: ZONE,
        datetime: t0 + Math.floor(i * step),
        rayName: (0x8f00000000000000n + BigInt(i)).toString(16),
        clientIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        clientCountry: ['KR', 'US', 'JP', 'DE'][i % 4]!,
        clientAsn: '4766',
        action: 'block',
        source: 'firewallCustom',
        ruleId: 'rule-1',
        host: 'luxeret.com',
        sampleInterval: 1,
        extra: null,
      });
    }
    yield page;
  }
}

/** Inventory's input built by the server itself (generate_series), row_counts included: fast set-up, same shape. */
async function fillServerSide(store: PgStore, rows: number, t0: number): Promise<void> {
  await createPartitionsAhead(store, 'firewall_events', t0, t0 + SPAN_DAYS * DAY_SECONDS - 1);
  const step = (SPAN_DAYS * DAY_SECONDS) / rows;
  const chunk = 1_000_000;
  for (let from = 0; from < rows; from += chunk) {
    await store.pool.query(
      `INSERT INTO firewall_events (zone_id, datetime, ray_name, client_ip, client_country, action, source)
       SELECT $1, $2::bigint + floor(i * $3::float8)::bigint, to_hex(i), '10.' || (i >> 16 & 255) || '.' || (i >> 8 & 255) || '.' || (i & 255),
              (ARRAY['KR', 'US', 'JP', 'DE'])[i % 4 + 1], 'block', 'waf'
         FROM generate_series($4::bigint, $5::bigint) AS i`,
      [ZONE, t0, step, from, Math.min(rows, from + chunk) - 1],
    );
  }
  await store.pool.query(
    `INSERT INTO row_counts (dataset, day, zone_id, client_country, rows)
     SELECT 'firewall_events', datetime / 86400, zone_id, client_country, count(*) FROM firewall_events GROUP BY 2, 3, 4`,
  );
  // What a pull of the zone leaves besides the rows: its pull state and Cloudflare's windows (Enterprise: 30 days).
  const end = t0 + SPAN_DAYS * DAY_SECONDS;
  await store.pool.query('INSERT INTO pull_state (zone_id, dataset, covered_from, covered_to, last_pull_at, settled_to) VALUES ($1, $2, $3, $4, $4, $4)', [
    ZONE,
    'firewall_events',
    t0,
    end,
  ]);
  const window = { notOlderThan: 30 * DAY_SECONDS };
  await store.pool.query('INSERT INTO meta (key, value) VALUES ($1, $2)', [
    `zone_settings:${ZONE}`,
    JSON.stringify({ firewallEventsAdaptive: window, httpRequestsAdaptiveGroups: window }),
  ]);
  await store.pool.query('ANALYZE firewall_events');
}

/** Samples this process's RSS every 20 ms and keeps the peak of each named step (MB). */
function sampleRssByPhase(first: string): { enter(phase: string): void; stop(): Record<string, number> } {
  const peaks: Record<string, number> = {};
  let phase = first;
  const sample = () => (peaks[phase] = Math.max(peaks[phase] ?? 0, Math.round(process.memoryUsage.rss() / 1024 / 1024)));
  sample();
  const timer = setInterval(sample, 20);
  let stopped = false;
  return {
    enter(next) {
      sample();
      phase = next;
      sample();
    },
    // Once only: the finally's call after the result is built must not raise a peak the result already holds.
    stop() {
      if (!stopped) {
        sample();
        clearInterval(timer);
        stopped = true;
      }
      return { ...peaks };
    },
  };
}

/** Flushes every dirty page (needs superuser or pg_checkpoint; the bench database is a throw-away one). */
async function checkpoint(store: PgStore): Promise<void> {
  await store.pool.query('CHECKPOINT');
}

function envCount(name: string): number | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value.replace(/_/g, ''));
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** A readable table of the result. */
export function renderPgBench(r: PgBenchResult): string {
  const lines = [
    ['bench', r.name],
    ['server', `PostgreSQL ${r.server}`],
    ['pull (ingest, 10,000-row pages)', `${r.pull.seconds} s`],
    ['baseline (one plain COPY)', `${r.pull.baselineCopySeconds} s`],
    ['ratio pull / COPY', `${r.pull.ratio}×  (target ≤ ${r.pull.targetRatio}×)`],
    [
      'purge (drop + boundary delete + VACUUM)',
      `${r.purge.seconds} s  ${r.purge.deleted.toLocaleString('en')} events, ${r.purge.partitionsDropped} partitions dropped`,
    ],
    ['baseline (plain DELETE … WHERE)', `${r.purge.baselineDeleteSeconds} s`],
    ['(then VACUUM of that table, context)', `${r.purge.baselineVacuumSeconds} s`],
    ['ratio purge / DELETE', `${r.purge.ratio}×  (target ≤ ${r.purge.targetRatio}×)`],
    [
      `(context: the same at ${r.purge.atInventoryVolume.events.toLocaleString('en')} events)`,
      `${r.purge.atInventoryVolume.seconds} s vs DELETE ${r.purge.atInventoryVolume.baselineDeleteSeconds} s = ${r.purge.atInventoryVolume.ratio}×`,
    ],
    [
      'inventory (local, through the port)',
      `${r.inventory.seconds} s for ${r.inventory.rows.toLocaleString('en')} rows  (target < ${r.inventory.targetSeconds} s)`,
    ],
    [
      'inventory with an active hold',
      `${r.inventory.withHoldSeconds} s  ${(r.inventory.pastRetention ?? 0).toLocaleString('en')} past retention, ${(r.inventory.held ?? 0).toLocaleString('en')} held  (target < ${r.inventory.targetSeconds} s)`,
    ],
    ['(row_counts only, as reported before)', `${r.inventory.countsOnlySeconds} s`],
    ['peak RSS', `${r.peakRssMb} MB  (target < ${r.targetPeakRssMb} MB)`],
    [
      '  by step',
      Object.entries(r.peakRssMbByPhase)
        .map(([phase, mb]) => `${phase} ${mb}`)
        .join(', '),
    ],
    ['result', r.ok ? 'OK' : 'MISSED TARGET'],
  ];
  const width = Math.max(...lines.map(([k]) => k!.length));
  return lines.map(([k, v]) => `${k!.padEnd(width)}  ${v}`).join('\n') + '\n';
}
