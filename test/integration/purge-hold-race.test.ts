import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSigningKey } from '../../src/audit/keys.js';
import { homePaths } from '../../src/cli/paths.js';
import { createRestClient } from '../../src/cloudflare/rest-client.js';
import { fetchServerClock } from '../../src/cloudflare/server-clock.js';
import { loadConfigFile } from '../../src/config/load.js';
import { networksOverlap, parseNetwork } from '../../src/policy/network.js';
import { purgeExpired } from '../../src/purge/purge.js';
import { openStore } from '../../src/store/db.js';
import { insertHold, readHolds } from '../../src/store/holds.js';
import { TEST_TOKEN } from '@luxeret/cloudflare-emulator/testing';
import { insertEvents, queryStore } from '../helpers/store.js';
import { runCli } from '../helpers/cli.js';
import { schemaOf, useStoreHome } from '../helpers/purge-store-home.js';
import type { StoreHome } from '../helpers/store-home.js';
import { lockAuditHead } from '../../src/store/postgres/audit-log.js';
import { openPgStore } from '../../src/store/postgres/connection.js';
import { insertHold as insertPgHold } from '../../src/store/postgres/holds.js';
import { describePg, firewallEvent, policeHold as pgPoliceHold, TEST_DATABASE_URL, waitForLockWait } from '../postgres/pg-test-store.js';
import { emulatorObjectIds, policeHold, seedCloudflare, startPurgeHome, ZONE_Z, DAY } from './purge-cloudflare-fixture.js';
import { createSqliteStorePort } from '../../src/store/sqlite/adapter.js';

/**
 * The promise of a legal hold, tested against a running purge: holds are added (as `hold add` would, through
 * another connection) at random points of the run – before it, while it plans, between the plan and the first
 * delete, between deletion batches – in random spellings. At every delete request the objects it deletes must be
 * covered by no hold stored at that moment, and no local row a hold stored before the local deletion covers may go.
 */

const spellings = (ip: string): string[] => {
  const network = parseNetwork(ip)!;
  if (network.family !== 'ipv4' || network.prefix !== 32) return [ip];
  const [a, b, c, d] = network.address.split('.').map(Number) as [number, number, number, number];
  const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
  return [ip, `::ffff:${ip}`, `::FFFF:${hex(a, b)}:${hex(c, d)}`, `::${ip}`];
};

/** A hold added in the progress callback just before the local deletion: after every plan, before any delete. */
const BETWEEN_PLAN_AND_DELETE = -1;

interface Scheduled {
  readonly at: number;
  readonly target: number;
  readonly spelling: number;
}

async function runPurgeWithHolds(schedule: readonly Scheduled[]): Promise<{ violations: string[]; deleted: number }> {
  const home = await startPurgeHome(5000);
  try {
    const storePath = join(home.home, 'luxeret.db');
    const now = new Date();
    seedCloudflare(home.emulator, storePath, now, { bulkRules: 6, bulkItems: 40 });
    // Old local events on the addresses the objects name and a few others: all past the 30-day retention.
    const localIps = ['203.0.113.10', '192.0.2.50', '198.18.1.1', '100.64.0.3', '2001:db8::10', '100.127.0.2'];
    insertEvents(
      storePath,
      localIps.map((ip, i) => ({ zone: ZONE_Z, at: new Date(now.getTime() - (40 + i) * DAY), ray: `old${i}`, ip, country: 'KR' })),
    );

    const values = new Map<string, string>();
    for (const zone of home.emulator.state.zones.values()) for (const rule of zone.accessRules.values()) values.set(rule.id, rule.configuration.value);
    for (const account of home.emulator.state.accounts.values()) {
      for (const rule of account.accessRules.values()) values.set(rule.id, rule.configuration.value);
      for (const list of account.lists.values()) for (const item of list.items.values()) values.set(item.id, item.ip ?? '');
    }
    const pool = [...new Set([...localIps, ...values.values()].filter((v) => parseNetwork(v)))].sort();
    const before = emulatorObjectIds(home.emulator);
    const localBefore = queryStore<{ ray_name: string; client_ip: string }>(storePath, 'SELECT ray_name, client_ip FROM firewall_events');

    const holdsDb = openStore(storePath);
    let requestIndex = 0;
    let localDeletionIndex: number | undefined;
    const violations: string[] = [];
    const addDue = (at: number): void => {
      for (const entry of schedule.filter((s) => s.at === at)) {
        const ip = pool[entry.target % pool.length]!;
        const spelled = spellings(ip);
        const hold = policeHold(`hold_${at}_${entry.target}_${entry.spelling}`, spelled[entry.spelling % spelled.length]!);
        if (!readHolds(holdsDb).some((h) => h.id === hold.id)) insertHold(holdsDb, hold);
      }
    };
    const isCovered = (value: string): boolean => {
      const target = parseNetwork(value);
      return target !== undefined && readHolds(holdsDb).some((hold) => networksOverlap(parseNetwork(hold.network)!, target));
    };
    addDue(0);
    const watchingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      if (method === 'DELETE') {
        const ruleId = /\/access_rules\/rules\/([0-9a-f]+)$/.exec(url.pathname)?.[1];
        const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { items?: { id: string }[] }) : {};
        const ids = ruleId ? [ruleId] : (body.items ?? []).map((item) => item.id);
        for (const id of ids) if (isCovered(values.get(id) ?? '')) violations.push(`request ${requestIndex} deletes ${id} (${values.get(id)}) under a hold`);
      }
      requestIndex += 1;
      addDue(requestIndex);
      return fetch(input, init);
    };

    const paths = homePaths(home.home);
    const result = await purgeExpired(
      {
        store: createSqliteStorePort(openStore(storePath), { path: storePath, lockPath: `${storePath}.lock` }),
        config: loadConfigFile(join(home.home, 'config.yaml')),
        signer: () => ({ privateKey: loadSigningKey(paths.signingKey), actor: 'test@host', now: () => new Date() }),
        now: () => now,
        onProgress: (progress) => {
          if (progress.location === 'local/firewall-events' && progress.phase === 'delete' && localDeletionIndex === undefined) {
            localDeletionIndex = requestIndex;
            addDue(BETWEEN_PLAN_AND_DELETE);
          }
        },
        readServerClock: () => fetchServerClock(home.emulator.baseUrl, () => Date.now()),
        cloudflare: {
          client: await createRestClient({ baseUrl: home.emulator.baseUrl, token: TEST_TOKEN, fetch: watchingFetch }),
          itemBudget: { capacity: 8, windowMs: 1 },
          concurrency: 1,
          serverClock: () => undefined,
          sleep: () => Promise.resolve(),
        },
      },
      { dryRun: false, force: true },
    );
    const localAfter = new Set(queryStore<{ ray_name: string }>(storePath, 'SELECT ray_name FROM firewall_events').map((r) => r.ray_name));
    const localHolds = readHolds(holdsDb); // holds added up to and at the local deletion are what it had to honour
    const localDue = schedule.filter((s) => s.at === BETWEEN_PLAN_AND_DELETE || (localDeletionIndex !== undefined && s.at <= localDeletionIndex));
    for (const row of localBefore.filter((r) => !localAfter.has(r.ray_name))) {
      const row4 = parseNetwork(row.client_ip)!;
      const due = localHolds.filter((h) => localDue.some((s) => h.id.startsWith(`hold_${s.at}_`)));
      if (due.some((h) => networksOverlap(parseNetwork(h.network)!, row4)))
        violations.push(`local event ${row.ray_name} (${row.client_ip}) deleted under a hold`);
    }
    holdsDb.close();
    const after = emulatorObjectIds(home.emulator);
    const deleted =
      before.rules.length +
      before.items.length -
      after.rules.length -
      after.items.length +
      result.locations.filter((l) => l.kind === 'local').reduce((n, l) => n + l.deleted, 0);
    return { violations, deleted };
  } finally {
    await home.close();
  }
}

describe('a legal hold is never bypassed by a running purge (property-based)', () => {
  it('with no hold, the run deletes objects and rows (so the property below has something to protect)', async () => {
    const { violations, deleted } = await runPurgeWithHolds([]);
    expect(violations).toEqual([]);
    expect(deleted).toBeGreaterThan(20);
  });

  it('no delete request removes an object, and no local deletion a row, that a hold stored at that moment covers', async () => {
    const scheduled = fc.record({ at: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(BETWEEN_PLAN_AND_DELETE)), target: fc.nat(), spelling: fc.nat() });
    await fc.assert(
      fc.asyncProperty(fc.array(scheduled, { minLength: 1, maxLength: 6 }), async (schedule) => {
        const { violations } = await runPurgeWithHolds(schedule);
        expect(violations).toEqual([]);
      }),
      { numRuns: 6 },
    );
  });
});

describePg('a hold another host commits while a PostgreSQL purge runs is honoured', () => {
  let made: StoreHome;
  useStoreHome('postgres', 'retention:\n  firewall_events: 30d\n', (home) => (made = home));

  it('the purge waits for the hold its plan did not see, then keeps what it covers', async () => {
    const now = Date.now();
    const ips = ['203.0.113.10', '192.0.2.50', '198.18.1.1', '100.64.0.3', '2001:db8::10', '100.127.0.2'];
    await made.port.insertFirewallEvents(
      ips.map((ip, i) => firewallEvent({ zoneId: ZONE_Z, datetime: Math.floor((now - (40 + i) * DAY) / 1000), rayName: `old${i}`, clientIp: ip })),
    );
    // Host B adds a hold as `hold add` does: the audit head locked first, then the hold, committed with its entry.
    const hostB = openPgStore(TEST_DATABASE_URL, schemaOf(made.target));
    const tx = await hostB.pool.connect();
    try {
      await tx.query('BEGIN');
      await lockAuditHead(tx);
      await insertPgHold(tx, { ...pgPoliceHold({ network: '198.18.1.0/24' }), createdAt: new Date(now - 60_000) });
      let finished = false;
      const purge = runCli(['purge', '--json'], { env: made.env }).finally(() => (finished = true));
      await waitForLockWait(hostB.pool, schemaOf(made.target));
      expect(finished).toBe(false); // host A waits on host B's lock instead of deleting under it
      await tx.query('COMMIT');
      const result = await purge;
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).locations[0]).toMatchObject({ planned: 6, deleted: 5, held: 1 });
      expect((await made.rows<{ client_ip: string }>('SELECT client_ip FROM firewall_events')).map((r) => r.client_ip)).toEqual(['198.18.1.1']);
    } finally {
      tx.release();
      await hostB.close();
    }
  });
});
