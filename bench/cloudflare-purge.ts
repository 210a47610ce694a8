import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRestClient } from '../src/cloudflare/rest-client.js';
import type { FetchFn } from '../src/cloudflare/rest-pacer.js';
import { createClockRecordingFetch } from '../src/cloudflare/server-clock.js';
import { buildConfig } from '../src/config/config.js';
import { REST_BUDGET_SHARE } from '../src/cloudflare/objects/delete.js';
import { purgeExpired } from '../src/purge/purge.js';
import { openStore } from '../src/store/db.js';
import { createSqliteStorePort } from '../src/store/sqlite/adapter.js';
import { writePullState } from '../src/store/pull-state.js';
import type { PurgeEmulatorArgs, PurgeEmulatorReady } from './cloudflare-purge-emulator.js';
import { round, startEmulatorChild } from './emulator-child.js';

/**
 * The Cloudflare part of `purge` against the emulator (in a child process), in two cases:
 * - `scaled`: `rules` access rules and `items` list items to delete, under Cloudflare's real limits scaled down by
 *   known factors — the windows by `timeFactor`, the counts by `countFactor`;
 * - `announced`: access rules only, with the emulator announcing (and enforcing) 60 requests / 10 s in
 *   `Ratelimit-Policy`, a budget other than the default, and no `LUXERET_REST_BUDGET`.
 * In both the client is told nothing: it paces to what the server announces, at the CLI's margin. Reports the
 * request rate while deleting access rules (the REST-bound phase) as a fraction of the announced rate, and the
 * requests per deleted list item (bulk deletes + polling + re-query).
 */
export interface CloudflarePurgeBenchResult {
  name: string;
  cases: CloudflarePurgeCaseResult[];
  ok: boolean;
}

export interface CloudflarePurgeCaseResult {
  name: string;
  limits: PurgeEmulatorArgs & { timeFactor: number; countFactor: number };
  rules: number;
  items: number;
  deletedRules: number;
  deletedItems: number;
  failed: number;
  rateLimited: number;
  remainingInEmulator: { rules: number; items: number };
  totalSeconds: number;
  totalRequests: number;
  ruleDeleteSeconds: number;
  ruleDeleteRequests: number;
  allowedRequestsPerSecond: number;
  achievedRequestsPerSecond: number;
  budgetFraction: number;
  targetBudgetFraction: number;
  listItemSeconds: number;
  listItemRequests: number;
  requestsPerDeletedItem: number | null;
  targetRequestsPerDeletedItem: number | null;
  ok: boolean;
}

const DAY_S = 86_400;
const REAL = { restRequests: 1200, windowMs: 300_000, listItemChanges: 1_000_000, listModifyingRequests: 30_000, listWindowMs: 12 * 3_600_000 };

export async function benchCloudflarePurge(
  options: { rules?: number; items?: number; timeFactor?: number; countFactor?: number; announcedRules?: number; onProgress?: (line: string) => void } = {},
): Promise<CloudflarePurgeBenchResult> {
  const timeFactor = options.timeFactor ?? 30;
  const countFactor = options.countFactor ?? 2;
  const scale = (n: number, factor: number) => Math.max(1, Math.round(n / factor));
  const scaled: PurgeEmulatorArgs = {
    rules: options.rules ?? 2000,
    items: options.items ?? 20_000,
    restRequests: scale(REAL.restRequests, countFactor),
    windowMs: scale(REAL.windowMs, timeFactor),
    listItemChanges: scale(REAL.listItemChanges, countFactor),
    listModifyingRequests: scale(REAL.listModifyingRequests, countFactor),
    listWindowMs: scale(REAL.listWindowMs, timeFactor),
  };
  const announced: PurgeEmulatorArgs = { ...scaled, rules: options.announcedRules ?? 240, items: 0, restRequests: 60, windowMs: 10_000 };
  const cases = [
    await runCase(`limits scaled (÷${timeFactor} windows, ÷${countFactor} counts)`, scaled, timeFactor, countFactor, options.onProgress),
    await runCase('emulator announcing 60 requests / 10 s, no LUXERET_REST_BUDGET', announced, 1, 1, options.onProgress),
  ];
  return { name: 'cloudflare purge', cases, ok: cases.every((c) => c.ok) };
}

async function runCase(
  label: string,
  args: PurgeEmulatorArgs,
  timeFactor: number,
  countFactor: number,
  onProgress?: (line: string) => void,
): Promise<CloudflarePurgeCaseResult> {
  const { rules, items } = args;
  const say = onProgress ?? (() => undefined);
  say(`cloudflare purge bench: seeding ${rules} rules and ${items} list items`);
  const emulator = await startEmulatorChild<PurgeEmulatorReady>(new URL('./cloudflare-purge-emulator.js', import.meta.url), [JSON.stringify(args)]);
  const dir = mkdtempSync(join(tmpdir(), 'luxeret-bench-cfpurge-'));
  try {
    const { child, ready } = emulator;
    const nowMs = Date.now();
    const db = openStore(join(dir, 'bench.db'), { create: true });
    // Events pulled for 200 days with none from the objects' addresses: every object is idle and due.
    writePullState(db, {
      zoneId: ready.zoneId,
      dataset: 'firewall_events',
      coveredFrom: Math.floor(nowMs / 1000) - 200 * DAY_S,
      coveredTo: Math.floor(nowMs / 1000),
      settledTo: Math.floor(nowMs / 1000),
      lastPullAt: Math.floor(nowMs / 1000),
    });
    const { config } = buildConfig({
      account_id: ready.accountId,
      zones: [{ id: ready.zoneId }],
      managed_lists: [ready.listName],
      safety: { max_deletes: rules + items },
    });
    const log: { at: number; method: string; url: string }[] = [];
    const recording: FetchFn = (input, init) => {
      log.push({ at: performance.now(), method: (init?.method ?? 'GET').toUpperCase(), url: String(input instanceof Request ? input.url : input) });
      return globalThis.fetch(input, init);
    };
    const clock = createClockRecordingFetch(Date.now, recording);
    // As the CLI builds it: no budget given, so the pacer follows the server's Ratelimit-Policy, at the CLI's margin.
    const client = await createRestClient({ baseUrl: ready.baseUrl, token: ready.token, fetch: clock.fetch, share: REST_BUDGET_SHARE });
    const { privateKey } = generateKeyPairSync('ed25519');
    say('cloudflare purge bench: purging');
    const started = performance.now();
    const result = await purgeExpired(
      {
        store: createSqliteStorePort(db, { path: db.name, lockPath: `${db.name}.lock` }),
        config: config!,
        signer: () => ({ privateKey, actor: 'bench@localhost', now: () => new Date() }),
        now: () => new Date(),
        cloudflare: {
          client,
          itemBudget: { capacity: args.listItemChanges, windowMs: args.listWindowMs },
          requestBudget: { capacity: args.listModifyingRequests, windowMs: args.listWindowMs },
          concurrency: 4,
          serverClock: clock.sample,
        },
        onProgress: (p) => say(`cloudflare purge bench: ${p.location} ${p.phase} ${p.done ?? ''}/${p.total ?? ''}`),
      },
      { dryRun: false, trustClock: true },
    );
    const totalSeconds = (performance.now() - started) / 1000;
    db.close();
    child.send('remaining');
    const remaining = await new Promise<{ rules: number; items: number; rateLimited: number }>((resolve) => child.once('message', (m) => resolve(m as never)));

    const ruleDeletes = log.filter((r) => r.method === 'DELETE' && r.url.includes('/firewall/access_rules/rules/'));
    const first = ruleDeletes[0]?.at ?? 0;
    const last = ruleDeletes[ruleDeletes.length - 1]?.at ?? 0;
    // Every request sent while rules were being deleted counts against the same budget.
    const inRulePhase = log.filter((r) => r.at >= first && r.at <= last).length;
    const ruleDeleteSeconds = (last - first) / 1000;
    const allowed = args.restRequests / (args.windowMs / 1000);
    const achieved = ruleDeleteSeconds > 0 ? (inRulePhase - 1) / ruleDeleteSeconds : 0;
    const itemRequests = log
      .filter((r) => r.url.includes('/rules/lists/') && (r.method === 'DELETE' || r.url.includes('/bulk_operations/') || r.url.includes('/items')))
      .filter((r) => r.at > last);
    const itemSeconds = itemRequests.length > 1 ? (itemRequests[itemRequests.length - 1]!.at - itemRequests[0]!.at) / 1000 : 0;
    const rulesLocation = result.locations.find((l) => l.id === 'cloudflare/access-rules');
    const itemsLocation = result.locations.find((l) => l.id === 'cloudflare/list-items');
    const deletedItems = itemsLocation?.deleted ?? 0;
    const failed = (rulesLocation?.failed ?? 0) + (itemsLocation?.failed ?? 0);
    const budgetFraction = round(achieved / allowed);
    const requestsPerDeletedItem = items === 0 ? null : deletedItems > 0 ? itemRequests.length / deletedItems : Number.POSITIVE_INFINITY;
    return {
      name: `${rules.toLocaleString('en')} access rules and ${items.toLocaleString('en')} list items, ${label}`,
      limits: { ...args, timeFactor, countFactor },
      rules,
      items,
      deletedRules: rulesLocation?.deleted ?? 0,
      deletedItems,
      failed,
      rateLimited: remaining.rateLimited,
      remainingInEmulator: { rules: remaining.rules, items: remaining.items },
      totalSeconds: round(totalSeconds),
      totalRequests: log.length,
      ruleDeleteSeconds: round(ruleDeleteSeconds),
      ruleDeleteRequests: ruleDeletes.length,
      allowedRequestsPerSecond: round(allowed),
      achievedRequestsPerSecond: round(achieved),
      budgetFraction,
      targetBudgetFraction: 0.9,
      listItemSeconds: round(itemSeconds),
      listItemRequests: itemRequests.length,
      requestsPerDeletedItem: requestsPerDeletedItem === null ? null : round(requestsPerDeletedItem * 10_000) / 10_000,
      targetRequestsPerDeletedItem: items === 0 ? null : 0.01,
      ok:
        failed === 0 &&
        remaining.rateLimited === 0 &&
        remaining.rules === 0 &&
        remaining.items === 0 &&
        budgetFraction >= 0.9 &&
        (requestsPerDeletedItem ?? 0) <= 0.01,
    };
  } finally {
    emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function renderCloudflarePurgeBench(r: CloudflarePurgeBenchResult): string {
  const lines = r.cases.flatMap((c) => [
    ['case', c.name],
    [
      'deleted',
      `${c.deletedRules.toLocaleString('en')} rules, ${c.deletedItems.toLocaleString('en')} items; ${c.failed} failed, ${c.rateLimited} answered 429`,
    ],
    [
      'request rate',
      `${c.achievedRequestsPerSecond}/s of ${c.allowedRequestsPerSecond}/s announced = ${c.budgetFraction} (target ≥ ${c.targetBudgetFraction})`,
    ],
    ...(c.requestsPerDeletedItem === null ? [] : [['requests per deleted item', `${c.requestsPerDeletedItem} (target ≤ ${c.targetRequestsPerDeletedItem})`]]),
    ['total', `${c.totalSeconds} s, ${c.totalRequests} requests: ${c.ok ? 'OK' : 'MISSED TARGET'}`],
  ]);
  lines.push(['result', r.ok ? 'OK' : 'MISSED TARGET']);
  const width = Math.max(...lines.map(([k]) => k!.length));
  return lines.map(([k, v]) => `${k!.padEnd(width)}  ${v}`).join('\n') + '\n';
}
