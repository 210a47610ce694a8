import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnalyticsGraphqlClient } from '../../src/cloudflare/analytics-graphql-client.js';
import { createRateBudget } from '../../src/cloudflare/rate-budget.js';
import { createRestClient, type RestClient } from '../../src/cloudflare/rest-client.js';
import { buildConfig } from '../../src/config/config.js';
import { parseDuration } from '../../src/config/duration.js';
import {
  addAccessRules,
  addAccount,
  addFirewallEvents,
  addToken,
  addZone,
  ALL_PERMISSIONS,
  generateFirewallEvents,
  startEmulator,
  type AccessRule,
  type Emulator,
} from '@luxeret/cloudflare-emulator';
import { pullZones } from '../../src/pull/pull.js';
import { sqlitePortOf } from '../helpers/store-kinds.js';
import { REST_BUDGET_SHARE } from '../../src/cloudflare/objects/delete.js';
import { purgeExpired } from '../../src/purge/purge.js';
import { openStore, type Db } from '../../src/store/db.js';
import { listFirewallEventKeys } from '../../src/store/firewall-events.js';
import { writePullState } from '../../src/store/pull-state.js';
import { makeTempDir } from '../helpers/cli.js';
import { busiestWindow, virtualClock, type VirtualClock } from '../helpers/virtual-clock.js';
import { createSqliteStorePort } from '../../src/store/sqlite/adapter.js';

/**
 * REST pacing against the emulator on one virtual clock (the emulator's rate windows, the pacer and every sleep
 * share it), so the budgets are exercised exactly and no test waits in real time.
 */
const TOKEN = 'pacing-token-0a1b2c3d4e5f';
const DAY_MS = 86_400_000;
const ACCOUNT = 'ac000000000000000000000000000001';
const PURGE_ZONE = 'a2000000000000000000000000000002';
const PULL_ZONE = 'a3000000000000000000000000000003';
const WINDOW_MS = 10_000;

let emulator: Emulator | undefined;
const dbs: Db[] = [];
let cleanup: (() => void) | undefined;
afterEach(async () => {
  for (const db of dbs.splice(0)) db.close();
  await emulator?.close();
  cleanup?.();
  emulator = cleanup = undefined;
});

async function setup(clock: VirtualClock, limits: { restRequests: number; graphqlQueries: number }, rules: number) {
  emulator = await startEmulator({ now: clock.now, limits: { ...limits, windowMs: WINDOW_MS } });
  addToken(emulator.state, { value: TOKEN, permissions: [...ALL_PERMISSIONS] });
  addAccount(emulator.state, { id: ACCOUNT, name: 'Pacing', plan: 'enterprise' });
  addZone(emulator.state, { id: PURGE_ZONE, name: 'purge.example', accountId: ACCOUNT, plan: 'enterprise' });
  const old = new Date(clock.now() - 200 * DAY_MS).toISOString();
  addAccessRules(
    emulator.state,
    { zoneId: PURGE_ZONE },
    Array.from({ length: rules }, (_, i): AccessRule => ({
      id: `ac${i.toString(16).padStart(30, '0')}`,
      mode: 'block',
      allowed_modes: ['block', 'challenge'],
      configuration: { target: 'ip', value: `100.64.${i >> 8}.${i & 255}` },
      notes: 'old',
      created_on: old,
      modified_on: old,
      scope: { id: PURGE_ZONE, type: 'zone' },
    })),
  );
  const temp = makeTempDir('luxeret-pacing-');
  cleanup = temp.cleanup;
  const open = (name: string): Db => {
    const db = openStore(`${temp.dir}/${name}.db`, { create: true });
    dbs.push(db);
    return db;
  };
  return { emulator, open };
}

/** A purge of every rule of PURGE_ZONE (old, idle, 200 days of evidence), with the REST client the CLI would build. */
function startPurge(clock: VirtualClock, db: Db, client: RestClient) {
  const nowS = Math.floor(clock.now() / 1000);
  writePullState(db, { zoneId: PURGE_ZONE, dataset: 'firewall_events', coveredFrom: nowS - 200 * 86_400, coveredTo: nowS, settledTo: nowS, lastPullAt: nowS });
  const { config } = buildConfig({ account_id: ACCOUNT, zones: [{ id: PURGE_ZONE }], safety: { max_deletes: 10_000 } });
  const { privateKey } = generateKeyPairSync('ed25519');
  const now = () => new Date(clock.now());
  return purgeExpired(
    {
      store: createSqliteStorePort(db, { path: db.name, lockPath: `${db.name}.lock` }),
      config: config!,
      signer: () => ({ privateKey, actor: 'test@localhost', now }),
      now,
      cloudflare: { client, itemBudget: { capacity: 1_000_000, windowMs: 12 * 3_600_000 }, concurrency: 4, serverClock: () => undefined, sleep: clock.sleep },
    },
    // The virtual clock is the emulator's own; this test is about pacing, not the clock check.
    { dryRun: false, trustClock: true },
  );
}

/** Requests in each whole window from the first REST request on (the last, partial window left out). */
function perWindow(times: readonly number[]): number[] {
  const first = Math.min(...times);
  const last = Math.max(...times);
  const counts: number[] = [];
  for (let start = first; start + WINDOW_MS <= last; start += WINDOW_MS) counts.push(times.filter((t) => t >= start && t < start + WINDOW_MS).length);
  return counts;
}

describe('REST pacing against the emulator', () => {
  it('paces a purge to the budget the server announces (60 requests / 10 s), using at least 0.9 of it with no 429', async () => {
    const clock = virtualClock(Date.now());
    const { emulator, open } = await setup(clock, { restRequests: 60, graphqlQueries: 300 }, 300);
    // No budget and no ceiling: the pacer starts at 1,200 / 5 min and follows the announcement.
    const client = await createRestClient({ baseUrl: emulator.baseUrl, token: TOKEN, share: REST_BUDGET_SHARE, now: clock.now, sleep: clock.sleep });

    const result = await startPurge(clock, open('purge'), client);

    expect(result.locations.find((l) => l.id === 'cloudflare/access-rules')).toMatchObject({ planned: 300, deleted: 300, failed: 0 });
    expect(emulator.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(client.pacer.stats().announced).toEqual({ capacity: 60, windowMs: WINDOW_MS });
    const times = emulator.requests.filter((r) => r.kind === 'rest').map((r) => r.atMs);
    expect(busiestWindow(times, WINDOW_MS)).toBeLessThanOrEqual(60);
    // Every whole window carries at least 0.9 × 60 requests.
    const windows = perWindow(times);
    expect(windows.length).toBeGreaterThanOrEqual(4);
    for (const count of windows) expect(count).toBeGreaterThanOrEqual(54);
  });

  it('keeps a purge free of 429s while a pull of the same user runs beside it: GraphQL requests spend the shared REST budget', async () => {
    // Cloudflare's 1,200 REST and 300 GraphQL per 5 minutes, scaled to 60 and 15 per 10 s; the emulator allows 30
    // GraphQL queries so only the shared REST budget is under test.
    const clock = virtualClock(Date.now());
    const { emulator, open } = await setup(clock, { restRequests: 60, graphqlQueries: 30 }, 200);
    addZone(emulator.state, { id: PULL_ZONE, name: 'pull.example', accountId: ACCOUNT, plan: 'business' }).graphqlOverrides.firewallEventsAdaptive = {
      maxPageSize: 100,
    };
    const events = generateFirewallEvents({ seed: 3, from: new Date(clock.now() - 20 * 3_600_000), to: new Date(clock.now() - 10 * 60_000), count: 4000 });
    addFirewallEvents(emulator.state, PULL_ZONE, events);
    const rest = await createRestClient({ baseUrl: emulator.baseUrl, token: TOKEN, share: REST_BUDGET_SHARE, now: clock.now, sleep: clock.sleep });
    const graphql = createAnalyticsGraphqlClient({
      baseUrl: emulator.baseUrl,
      token: TOKEN,
      now: clock.now,
      sleep: clock.sleep,
      budget: createRateBudget({ capacity: 15, windowMs: WINDOW_MS, now: clock.now, sleep: clock.sleep }),
      restPacer: rest.pacer,
    });
    const pullDb = open('pull');
    const retention = { firewallEvents: parseDuration('30d')!, httpAnalytics: parseDuration('30d')! };

    const [purged, pulled] = await Promise.all([
      startPurge(clock, open('purge'), rest),
      pullZones(
        { client: graphql, store: sqlitePortOf(pullDb), now: () => new Date(clock.now()) },
        { zones: [{ id: PULL_ZONE, name: undefined }], retention, fields: [] },
      ),
    ]);

    expect(purged.locations.find((l) => l.id === 'cloudflare/access-rules')).toMatchObject({ planned: 200, deleted: 200, failed: 0 });
    expect(pulled.zones[0]?.status).toBe('ok');
    expect(listFirewallEventKeys(pullDb, PULL_ZONE)).toHaveLength(events.length);
    expect(emulator.requests.filter((r) => r.status === 429)).toEqual([]);
    const graphqlRequests = emulator.requests.filter((r) => r.kind === 'graphql');
    const restRequests = emulator.requests.filter((r) => r.kind === 'rest');
    // Both really ran at once, and together they filled the REST budget.
    expect(graphqlRequests.length).toBeGreaterThan(40);
    expect(Math.min(...graphqlRequests.map((r) => r.atMs))).toBeLessThan(Math.max(...restRequests.map((r) => r.atMs)));
    expect(rest.pacer.stats().charged).toBe(graphqlRequests.length);
    expect(
      busiestWindow(
        [...graphqlRequests, ...restRequests].map((r) => r.atMs),
        WINDOW_MS,
      ),
    ).toBeLessThanOrEqual(60);
  });
});
