import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRestClient } from '../cloudflare/rest-client.js';
import type { FetchFn } from '../cloudflare/rest-pacer.js';
import { createClockRecordingFetch } from '../cloudflare/server-clock.js';
import { buildConfig } from '../config/config.js';
import { withRestMargin } from '../purge/cloudflare-delete.js';
import { purgeExpired } from '../purge/purge.js';
import { openStore } from '../store/db.js';
import { writePullState } from '../store/pull-state.js';
import type { PurgeEmulatorArgs, PurgeEmulatorReady } from './cloudflare-purge-emulator.js';
import { round, startEmulatorChild } from './emulator-child.js';

/**
 * The Cloudflare part of `purge` against the emulator (in a child process): `rules` access rules and `items` list
 * items to delete, under Cloudflare's real limits scaled down by known factors — the 5-minute window by
 * `timeFactor`, the counts by `countFactor` — with the client's pacer and list-item budget set to the same figures.
 * Reports the request rate while deleting access rules (the REST-bound phase) as a fraction of the allowed rate,
 * and the requests per deleted list item (bulk deletes + polling + re-query).
 */
export interface CloudflarePurgeBenchResult {
  name: string;
  limits: { restRequests: number; listItemChanges: number; windowMs: number; timeFactor: number; countFactor: number };
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
  requestsPerDeletedItem: number;
  targetRequestsPerDeletedItem: number;
  ok: boolean;
}

const DAY_S = 86_400;
const REAL = { restRequests: 1200, listItemChanges: 10_000, windowMs: 300_000 };

export async function benchCloudflarePurge(
  options: { rules?: number; items?: number; timeFactor?: number; countFactor?: number; onProgress?: (line: string) => void } = {},
): Promise<CloudflarePurgeBenchResult> {
  const rules = options.rules ?? 2000;
  const items = options.items ?? 20_000;
  const timeFactor = options.timeFactor ?? 30;
  const countFactor = options.countFactor ?? 2;
  const say = options.onProgress ?? (() => undefined);
  const args: PurgeEmulatorArgs = {
    rules,
    items,
    restRequests: Math.round(REAL.restRequests / countFactor),
    listItemChanges: Math.round(REAL.listItemChanges / countFactor),
    windowMs: Math.round(REAL.windowMs / timeFactor),
  };
  say(`cloudflare purge bench: seeding ${rules} rules and ${items} list items`);
  const emulator = await startEmulatorChild<PurgeEmulatorReady>(new URL('./cloudflare-purge-emulator.js', import.meta.url), [JSON.stringify(args)]);
  const dir = mkdtempSync(join(tmpdir(), 'luxeret-bench-cfpurge-'));
  try {
    const { child, ready } = emulator;
    const nowMs = Date.now();
    const db = openStore(join(dir, 'bench.db'), { create: true });
    // Events pulled for 200 days with none from the objects' addresses: every object is idle and due.
    writePullState(db, { zoneId: ready.zoneId, dataset: 'firewall_events', coveredFrom: Math.floor(nowMs / 1000) - 200 * DAY_S, coveredTo: Math.floor(nowMs / 1000), lastPullAt: Math.floor(nowMs / 1000) });
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
    const client = createRestClient({ baseUrl: ready.baseUrl, token: ready.token, fetch: clock.fetch, budget: withRestMargin({ capacity: args.restRequests, windowMs: args.windowMs }) });
    const { privateKey } = generateKeyPairSync('ed25519');
    say('cloudflare purge bench: purging');
    const started = performance.now();
    const result = await purgeExpired(
      {
        db,
        config: config!,
        signer: () => ({ privateKey, actor: 'bench@localhost', now: () => new Date() }),
        now: () => new Date(),
        cloudflare: { client, itemBudget: { capacity: args.listItemChanges, windowMs: args.windowMs }, concurrency: 4, serverClock: clock.sample },
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
    const itemRequests = log.filter((r) => r.url.includes('/rules/lists/') && (r.method === 'DELETE' || r.url.includes('/bulk_operations/') || r.url.includes('/items'))).filter((r) => r.at > last);
    const itemSeconds = itemRequests.length > 1 ? (itemRequests[itemRequests.length - 1]!.at - itemRequests[0]!.at) / 1000 : 0;
    const rulesLocation = result.locations.find((l) => l.id === 'cloudflare/access-rules');
    const itemsLocation = result.locations.find((l) => l.id === 'cloudflare/list-items');
    const deletedItems = itemsLocation?.deleted ?? 0;
    const failed = (rulesLocation?.failed ?? 0) + (itemsLocation?.failed ?? 0);
    const budgetFraction = round(achieved / allowed);
    const requestsPerDeletedItem = deletedItems > 0 ? itemRequests.length / deletedItems : Number.POSITIVE_INFINITY;
    return {
      name: `cloudflare purge of ${rules.toLocaleString('en')} access rules and ${items.toLocaleString('en')} list items`,
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
      requestsPerDeletedItem: round(requestsPerDeletedItem * 10_000) / 10_000,
      targetRequestsPerDeletedItem: 0.01,
      ok: failed === 0 && remaining.rules === 0 && remaining.items === 0 && budgetFraction >= 0.9 && requestsPerDeletedItem <= 0.01,
    };
  } finally {
    emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
