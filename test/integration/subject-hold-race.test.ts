import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Emulator } from '@luxeret/cloudflare-emulator';
import { startTestEmulator, TEST_TOKEN } from '@luxeret/cloudflare-emulator/testing';
import { loadSigningKey } from '../../src/audit/keys.js';
import { homePaths } from '../../src/cli/paths.js';
import { fetchCloudflareObjects } from '../../src/cloudflare/objects/fetch.js';
import { createRestClient } from '../../src/cloudflare/rest-client.js';
import { loadConfigFile } from '../../src/config/load.js';
import { networksOverlap, parseNetwork } from '../../src/policy/network.js';
import { LIST_ITEM_CHANGE_BUDGET } from '../../src/cloudflare/objects/delete.js';
import { openStore } from '../../src/store/db.js';
import type { StorePort } from '../../src/store/port.js';
import { eraseSubject } from '../../src/subject/erase.js';
import { gatherSubject } from '../../src/subject/gather.js';
import { queryStore, type SeedEvent } from '../helpers/store.js';
import { seedEvents, startStoreHome, type StoreHome } from '../helpers/store-home.js';
import { describeEachStore } from '../helpers/store-kinds.js';
import { DAY, emulatorObjectIds, policeHold, seedCloudflare, writeCloudflareConfig, ZONE_Z } from './purge-cloudflare-fixture.js';

/**
 * `subject erase` honours a hold added after its findings: between them and the first delete, or between deletes. The
 * hold is written through a second connection (on PostgreSQL, as another host sharing the store would).
 */
describeEachStore('subject erase and holds added while it runs', (kind) => {
  let emulator: Emulator;
  let store: StoreHome;
  let other: StorePort;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    store = await startStoreHome(kind, { env: { CLOUDFLARE_API_TOKEN: TEST_TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl }, config: '' });
    writeCloudflareConfig(store.home, 5000);
    store.writeConfig(readFileSync(join(store.home, 'config.yaml'), 'utf8'));
    other = await store.openPort();
  });
  afterEach(async () => {
    await other.close();
    await store.close();
    await emulator.close();
  });

  /** The fixture's Cloudflare objects; on PostgreSQL its local events (written to a scratch SQLite file) copied into the store. */
  async function seedFixture(now: Date) {
    const sqlitePath = kind === 'sqlite' ? join(store.home, 'luxeret.db') : join(store.dir, 'fixture.db');
    if (kind === 'postgres') openStore(sqlitePath, { create: true }).close();
    const fixture = seedCloudflare(emulator, sqlitePath, now);
    if (kind === 'postgres') {
      const rows = queryStore<{ zone_id: string; datetime: number; ray_name: string; client_ip: string; client_country: string; rule_id: string }>(
        sqlitePath,
        'SELECT zone_id, datetime, ray_name, client_ip, client_country, rule_id FROM firewall_events',
      );
      await seedEvents(
        store.port,
        rows.map((r) => ({ zone: r.zone_id, at: new Date(r.datetime * 1000), ray: r.ray_name, ip: r.client_ip, country: r.client_country, ruleId: r.rule_id })),
      );
    }
    return fixture;
  }

  async function erase(subject: string, onRequest: (method: string, ids: string[]) => Promise<void>, afterFindings: () => Promise<void>) {
    const config = loadConfigFile(join(store.home, 'config.yaml'));
    const watching = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      const method = (init?.method ?? 'GET').toUpperCase();
      const ruleId = /\/access_rules\/rules\/([0-9a-f]+)$/.exec(url.pathname)?.[1];
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { items?: { id: string }[] }) : {};
      await onRequest(method, ruleId ? [ruleId] : (body.items ?? []).map((item) => item.id));
      return fetch(input, init);
    };
    const client = await createRestClient({ baseUrl: emulator.baseUrl, token: TEST_TOKEN, fetch: watching });
    const objects = await fetchCloudflareObjects(client, config, { parts: ['zone', 'access-rules', 'list-items', 'lockdowns', 'custom-rules'] });
    const findings = await gatherSubject(
      store.port,
      parseNetwork(subject)!,
      objects,
      config.zones.map((z) => z.id),
      new Date(),
    );
    await afterFindings();
    const signer = () => Promise.resolve({ privateKey: loadSigningKey(homePaths(store.home).signingKey), actor: 'test@host', now: () => new Date() });
    return eraseSubject(
      {
        store: store.port,
        config,
        signer,
        subject: 'hmac-sha256:00',
        now: () => new Date(),
        cloudflare: { client, itemBudget: LIST_ITEM_CHANGE_BUDGET, concurrency: 1, serverClock: () => undefined },
      },
      findings,
      { dryRun: false },
    );
  }

  it('a hold added between the findings and the first delete keeps its local rows and Cloudflare item', async () => {
    const fixture = await seedFixture(new Date());
    const late: SeedEvent[] = [
      { zone: ZONE_Z, at: new Date(Date.now() - 2 * DAY), ray: 'keep', ip: '198.18.1.1', country: 'KR' },
      { zone: ZONE_Z, at: new Date(Date.now() - 2 * DAY), ray: 'go', ip: '198.18.7.7', country: 'KR' },
    ];
    await seedEvents(store.port, late);
    const result = await erase(
      '198.18.0.0/16',
      () => Promise.resolve(),
      () => other.insertHold(policeHold('hold_late', '::ffff:198.18.1.1')),
    );
    const rays = (await store.rows<{ ray_name: string }>("SELECT ray_name FROM firewall_events WHERE client_ip LIKE '198.18.%'")).map((r) => r.ray_name);
    expect(rays).toEqual(['keep']);
    const items = emulatorObjectIds(emulator).items;
    expect(items).toContain(fixture.ids['item_old']);
    expect(items).not.toContain(fixture.ids['item_old_range']);
    expect(result.locations.find((l) => l.id === 'local/firewall-events')).toMatchObject({ deleted: 2, held: 1 });
  });

  it('a hold added at each delete request is honoured by every later one', async () => {
    await seedFixture(new Date());
    const values = new Map<string, string>();
    for (const zone of emulator.state.zones.values()) for (const rule of zone.accessRules.values()) values.set(rule.id, rule.configuration.value);
    const violations: string[] = [];
    const remaining = ['203.0.113.16', '203.0.113.13', '203.0.113.12', '203.0.113.14'];
    let deletes = 0;
    await erase(
      '203.0.113.0/24',
      async (method, ids) => {
        if (method !== 'DELETE') return;
        const holds = await other.readHolds();
        for (const id of ids) {
          const target = parseNetwork(values.get(id) ?? '');
          if (target && holds.some((h) => networksOverlap(parseNetwork(h.network)!, target))) violations.push(`${id} (${values.get(id)}) deleted under a hold`);
        }
        deletes += 1;
        // After each delete, hold the next not-yet-deleted address, spelled IPv4-mapped.
        const next = remaining.shift();
        if (next) await other.insertHold(policeHold(`hold_${deletes}`, `::ffff:${next}`));
      },
      () => Promise.resolve(),
    );
    expect(deletes).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });
});
