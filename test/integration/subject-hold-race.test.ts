import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSigningKey } from '../../src/audit/keys.js';
import { homePaths } from '../../src/cli/paths.js';
import { fetchCloudflareObjects } from '../../src/cloudflare/objects/fetch.js';
import { createRestClient } from '../../src/cloudflare/rest-client.js';
import { loadConfigFile } from '../../src/config/load.js';
import { networksOverlap, parseNetwork } from '../../src/policy/network.js';
import { LIST_ITEM_CHANGE_BUDGET } from '../../src/cloudflare/objects/delete.js';
import { openStore } from '../../src/store/db.js';
import { createSqliteStorePort } from '../../src/store/sqlite/adapter.js';
import { insertHold, readHolds } from '../../src/store/holds.js';
import { eraseSubject } from '../../src/subject/erase.js';
import { gatherSubject } from '../../src/subject/gather.js';
import { TEST_TOKEN } from '@luxeret/cloudflare-emulator/testing';
import { insertEvents, queryStore } from '../helpers/store.js';
import { DAY, emulatorObjectIds, policeHold, seedCloudflare, startPurgeHome, ZONE_Z, type PurgeHome } from './purge-cloudflare-fixture.js';

/** `subject erase` honours a hold added after its findings: between them and the first delete, or between deletes. */
let ctx: PurgeHome;
beforeEach(async () => {
  ctx = await startPurgeHome(5000);
});
afterEach(() => ctx.close());

async function erase(subject: string, onRequest: (method: string, ids: string[]) => void, afterFindings: () => void) {
  const storePath = join(ctx.home, 'luxeret.db');
  const store = createSqliteStorePort(openStore(storePath), { path: storePath, lockPath: join(ctx.home, 'luxeret.lock') });
  const config = loadConfigFile(join(ctx.home, 'config.yaml'));
  const watching = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const method = (init?.method ?? 'GET').toUpperCase();
    const ruleId = /\/access_rules\/rules\/([0-9a-f]+)$/.exec(url.pathname)?.[1];
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { items?: { id: string }[] }) : {};
    onRequest(method, ruleId ? [ruleId] : (body.items ?? []).map((item) => item.id));
    return fetch(input, init);
  };
  const client = createRestClient({ baseUrl: ctx.emulator.baseUrl, token: TEST_TOKEN, fetch: watching });
  const objects = await fetchCloudflareObjects(client, config, { parts: ['zone', 'access-rules', 'list-items', 'lockdowns', 'custom-rules'] });
  const findings = await gatherSubject(
    store,
    parseNetwork(subject)!,
    objects,
    config.zones.map((z) => z.id),
    new Date(),
  );
  afterFindings();
  const signer = () => ({ privateKey: loadSigningKey(homePaths(ctx.home).signingKey), actor: 'test@host', now: () => new Date() });
  try {
    return await eraseSubject(
      {
        store,
        config,
        signer,
        subject: 'hmac-sha256:00',
        now: () => new Date(),
        cloudflare: { client, itemBudget: LIST_ITEM_CHANGE_BUDGET, concurrency: 1, serverClock: () => undefined },
      },
      findings,
      { dryRun: false },
    );
  } finally {
    await store.close();
  }
}

describe('subject erase and holds added while it runs', () => {
  it('a hold added between the findings and the first delete keeps its local rows and Cloudflare item', async () => {
    const fixture = seedCloudflare(ctx.emulator, join(ctx.home, 'luxeret.db'), new Date());
    insertEvents(join(ctx.home, 'luxeret.db'), [
      { zone: ZONE_Z, at: new Date(Date.now() - 2 * DAY), ray: 'keep', ip: '198.18.1.1', country: 'KR' },
      { zone: ZONE_Z, at: new Date(Date.now() - 2 * DAY), ray: 'go', ip: '198.18.7.7', country: 'KR' },
    ]);
    const holds = openStore(join(ctx.home, 'luxeret.db'));
    const result = await erase(
      '198.18.0.0/16',
      () => {},
      () => insertHold(holds, policeHold('hold_late', '::ffff:198.18.1.1')),
    );
    holds.close();
    const rays = queryStore<{ ray_name: string }>(join(ctx.home, 'luxeret.db'), "SELECT ray_name FROM firewall_events WHERE client_ip LIKE '198.18.%'").map(
      (r) => r.ray_name,
    );
    expect(rays).toEqual(['keep']);
    const items = emulatorObjectIds(ctx.emulator).items;
    expect(items).toContain(fixture.ids['item_old']);
    expect(items).not.toContain(fixture.ids['item_old_range']);
    expect(result.locations.find((l) => l.id === 'local/firewall-events')).toMatchObject({ deleted: 2, held: 1 });
  });

  it('a hold added at each delete request is honoured by every later one', async () => {
    seedCloudflare(ctx.emulator, join(ctx.home, 'luxeret.db'), new Date());
    const values = new Map<string, string>();
    for (const zone of ctx.emulator.state.zones.values()) for (const rule of zone.accessRules.values()) values.set(rule.id, rule.configuration.value);
    const holds = openStore(join(ctx.home, 'luxeret.db'));
    const violations: string[] = [];
    const remaining = ['203.0.113.16', '203.0.113.13', '203.0.113.12', '203.0.113.14'];
    let deletes = 0;
    await erase(
      '203.0.113.0/24',
      (method, ids) => {
        if (method !== 'DELETE') return;
        for (const id of ids) {
          const target = parseNetwork(values.get(id) ?? '');
          if (target && readHolds(holds).some((h) => networksOverlap(parseNetwork(h.network)!, target)))
            violations.push(`${id} (${values.get(id)}) deleted under a hold`);
        }
        deletes += 1;
        // After each delete, hold the next not-yet-deleted address, spelled IPv4-mapped.
        const next = remaining.shift();
        if (next) insertHold(holds, policeHold(`hold_${deletes}`, `::ffff:${next}`));
      },
      () => {},
    );
    holds.close();
    expect(deletes).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });
});
