import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Option } from 'commander';
import { takeInventory, type InventoryResult } from '../inventory/collect.js';
import { parseMetaTime, readPolicyDrift } from '../inventory/report-data.js';
import {
  advanceCarriedMetrics,
  NO_CARRIED_METRICS,
  parseCarriedMetrics,
  renderMetrics,
  serialiseCarriedMetrics,
  type CarriedMetrics,
  type MetricCommand,
  type RunMetricsInput,
  type StoreFacts,
} from '../metrics/metrics.js';
import { LOCAL_LOCATIONS } from '../policy/retention.js';
import { readRunRequestCount } from './cloudflare-rest.js';
import type { CliContext } from './context.js';

/** The store's meta key holding what the metrics carry from run to run (last runs, totals). */
const CARRIED_METRICS_KEY = 'metrics_state';

/** The run the metrics file describes: set by pull, purge (not --dry-run) and inventory as they start. */
export interface MetricsRun {
  command: MetricCommand | undefined;
  /** `--metrics-file`, as given. */
  flag: string | undefined;
  startedAt: Date | undefined;
  /** What this run's purge deleted, per location. */
  deleted: { location: string; deleted: number }[];
  /** An inventory of every zone this run took, reused for the store's metrics. */
  inventory: InventoryResult | undefined;
}

export function newMetricsRun(): MetricsRun {
  return { command: undefined, flag: undefined, startedAt: undefined, deleted: [], inventory: undefined };
}

export function metricsFileOption(): Option {
  return new Option('--metrics-file <path>', 'after the run, write Prometheus metrics to PATH atomically (default: metrics.file of the config)');
}

/** Marks the start of a run the metrics file describes. */
export function startMetricsRun(ctx: CliContext, command: MetricCommand, flag: string | undefined): void {
  Object.assign(ctx.metricsRun, { command, flag, startedAt: ctx.now() });
}

/** Where the metrics go: `--metrics-file` (from the working directory), else `metrics.file` (from the config's directory). */
export function selectMetricsPath(ctx: CliContext): string | undefined {
  const { flag } = ctx.metricsRun;
  if (flag !== undefined) return resolve(ctx.io.cwd, flag);
  let file: string | undefined;
  try {
    file = ctx.config().metrics.file;
  } catch {
    return undefined; // a config that cannot be read has already decided the run's exit code
  }
  return file === undefined ? undefined : resolve(dirname(ctx.configPath()), file);
}

/**
 * After a pull, purge or inventory: advances what the metrics carry (in the store's meta), reads the store's facts
 * and writes the file. Never changes the run's exit code: a failure to write is said on stderr; an unreadable store
 * still gets the run itself recorded.
 */
export async function writeRunMetrics(ctx: CliContext, exitCode: number): Promise<void> {
  const run = ctx.metricsRun;
  if (run.command === undefined || run.startedAt === undefined) return;
  const path = selectMetricsPath(ctx);
  if (path === undefined) return;
  try {
    const endedAt = ctx.now();
    let carried: CarriedMetrics;
    let input: RunMetricsInput = {
      command: run.command,
      startedAt: run.startedAt,
      endedAt,
      exitCode,
      cloudflare: readRunRequestCount(ctx),
      deleted: run.deleted,
      store: undefined,
    };
    try {
      const port = await ctx.storePort();
      const advancing: RunMetricsInput = (input = { ...input, store: await readStoreFacts(ctx, endedAt) });
      // Read and written in one transaction: on SQLite no other run's totals land in between (BEGIN IMMEDIATE).
      carried = await port.transaction(async (tx) => {
        const advanced = advanceCarriedMetrics(parseCarriedMetrics(await tx.readMeta(CARRIED_METRICS_KEY)), advancing);
        await tx.writeMeta(CARRIED_METRICS_KEY, serialiseCarriedMetrics(advanced));
        return advanced;
      });
    } catch (err) {
      ctx.note(ctx.redact(`note: metrics: the store could not be read (${(err as Error).message}); only this run is in ${path}`));
      carried = advanceCarriedMetrics(NO_CARRIED_METRICS, input);
    }
    writeFileAtomically(path, await renderMetrics(carried, input));
  } catch (err) {
    ctx.io.stderr(ctx.redact(`luxeret-privacy: could not write the metrics file ${path}: ${(err as Error).message}`) + '\n');
  }
}

async function readStoreFacts(ctx: CliContext, now: Date): Promise<StoreFacts> {
  const store = await ctx.storePort();
  const config = ctx.config();
  const inventory =
    ctx.metricsRun.inventory ??
    (await takeInventory(
      { store, config: () => config, now: () => now, cloudflare: undefined, toolVersion: ctx.toolVersion },
      { isLocalOnly: true, withReportData: false, withDrift: true },
    ));
  return {
    locations: inventory.inventory.locations,
    retentionSeconds: LOCAL_LOCATIONS.map((location) => ({ location: location.id, seconds: config.retention[location.retention].ms / 1000 })),
    pullCoverage: (await store.readAllPullStates()).map((state) => ({ zoneId: state.zoneId, dataset: state.dataset, coveredTo: state.coveredTo })),
    lastPurgeAt: parseMetaTime(await store.readMeta('last_purge_at')),
    drift: inventory.drift ?? (await readPolicyDrift(store, config, now, {})),
  };
}

/** Write then rename in the same directory, so the textfile collector never reads half a file; 0644 for its user. */
function writeFileAtomically(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
