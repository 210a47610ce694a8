import type { Hold } from '../../src/policy/holds.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { addAccessRules, addAccount, addIpList, addZone, type AccessRule, type Emulator, type IpList, type ListItem } from '@luxeret/cloudflare-emulator';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { startTestEmulator, TEST_TOKEN } from '@luxeret/cloudflare-emulator/testing';
import { insertEvents, type SeedEvent } from '../helpers/store.js';
import { seedEvents } from '../helpers/store-home.js';
import type { StorePort } from '../../src/store/port.js';
import type { PullState } from '../../src/store/pull-state.js';

/**
 * The ground truth of the Cloudflare purge tests: zone Z (account A, events pulled for 200 days) and zone Z2
 * (account B, events pulled for only 60 days), with access rules and list items of every kind the purpose rule
 * distinguishes, and the names of exactly those a purge must delete.
 */
export const DAY = 86_400_000;
export const ACCOUNT_A = 'a0000000000000000000000000000001';
export const ACCOUNT_B = 'b0000000000000000000000000000002';
export const ZONE_Z = '023e105f4ecef8ad9ca31a8372d0c353';
export const ZONE_Z2 = '0e2e105f4ecef8ad9ca31a8372d0c354';
export const MANAGED = 'blocked_ips';

export interface Fixture {
  /** Name → Cloudflare id. */
  readonly ids: Record<string, string>;
  readonly expectedRuleDeletes: readonly string[];
  readonly expectedItemDeletes: readonly string[];
  readonly heldIps: readonly string[];
  /** Extra generated old, idle items of the managed list (all to delete). */
  readonly bulkItems: readonly string[];
}

let counter = 0;
const hexId = (prefix: string) => `${prefix}${(++counter).toString(16).padStart(32 - prefix.length, '0')}`;

export function seedCloudflare(emulator: Emulator, storePath: string, now: Date, options: { bulkItems?: number; bulkRules?: number } = {}): Fixture {
  const { fixture, pulls, events } = seedObjects(emulator, now, options);
  const db = new Database(storePath);
  const pull = db.prepare('INSERT INTO pull_state (zone_id, dataset, covered_from, covered_to, settled_to, last_pull_at) VALUES (?, ?, ?, ?, ?, ?)');
  for (const p of pulls) pull.run(p.zoneId, p.dataset, p.coveredFrom, p.coveredTo, p.settledTo, p.lastPullAt);
  db.close();
  insertEvents(storePath, events);
  return fixture;
}

/** seedCloudflare with the local evidence written through the store port (either store). */
export async function seedCloudflareOnPort(
  emulator: Emulator,
  port: StorePort,
  now: Date,
  options: { bulkItems?: number; bulkRules?: number } = {},
): Promise<Fixture> {
  const { fixture, pulls, events } = seedObjects(emulator, now, options);
  for (const p of pulls) await port.writePullState(p);
  await seedEvents(port, events);
  return fixture;
}

function seedObjects(
  emulator: Emulator,
  now: Date,
  options: { bulkItems?: number; bulkRules?: number },
): { fixture: Fixture; pulls: PullState[]; events: SeedEvent[] } {
  const { state } = emulator;
  addAccount(state, { id: ACCOUNT_A, name: 'Luxeret', plan: 'enterprise' });
  addAccount(state, { id: ACCOUNT_B, name: 'Luxeret B', plan: 'enterprise' });
  addZone(state, { id: ZONE_Z, name: 'luxeret.com', accountId: ACCOUNT_A, plan: 'enterprise' });
  addZone(state, { id: ZONE_Z2, name: 'luxeret.kr', accountId: ACCOUNT_B, plan: 'enterprise' });
  const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
  const ids: Record<string, string> = {};
  const rule = (
    name: string,
    scope: { type: 'zone' | 'account'; id: string },
    mode: AccessRule['mode'],
    target: AccessRule['configuration']['target'],
    value: string,
    ageDays: number,
  ): AccessRule => {
    const id = hexId('ac');
    ids[name] = id;
    return {
      id,
      mode,
      allowed_modes: ['block', 'challenge', 'whitelist', 'js_challenge', 'managed_challenge'],
      configuration: { target, value },
      notes: `fixture ${name}`,
      created_on: ago(ageDays),
      modified_on: ago(ageDays),
      scope: { id: scope.id, type: scope.type },
    };
  };
  const z = { type: 'zone' as const, id: ZONE_Z };
  addAccessRules(state, { zoneId: ZONE_Z }, [
    rule('old_block', z, 'block', 'ip', '203.0.113.10', 120),
    rule('old_challenge_v6', z, 'challenge', 'ip6', '2001:db8::10', 120),
    rule('old_range', z, 'managed_challenge', 'ip_range', '198.51.100.0/24', 120),
    rule('old_event_outside_window', z, 'js_challenge', 'ip', '203.0.113.16', 120),
    rule('whitelist', z, 'whitelist', 'ip', '203.0.113.11', 400),
    rule('country', z, 'challenge', 'country', 'KR', 400),
    rule('asn', z, 'block', 'asn', 'AS64500', 400),
    rule('young', z, 'block', 'ip', '203.0.113.12', 10),
    rule('recent_event', z, 'block', 'ip', '203.0.113.13', 120),
    rule('recent_event_range_50d', z, 'block', 'ip_range', '198.51.101.0/24', 120),
    rule('rule_hit', z, 'block', 'ip', '203.0.113.14', 120),
    rule('held', z, 'block', 'ip', '203.0.113.15', 120),
  ]);
  const bulkRules: string[] = [];
  addAccessRules(
    state,
    { zoneId: ZONE_Z },
    Array.from({ length: options.bulkRules ?? 0 }, (_, i) => {
      const made = rule(`bulk_rule_${i}`, z, 'block', 'ip', `100.127.${(i >> 8) & 255}.${i & 255}`, 95 + (i % 30));
      bulkRules.push(made.id);
      return made;
    }),
  );
  addAccessRules(state, { accountId: ACCOUNT_A }, [rule('account_old_block', { type: 'account', id: ACCOUNT_A }, 'block', 'ip', '192.0.2.50', 200)]);
  addAccessRules(state, { zoneId: ZONE_Z2 }, [rule('undetermined', { type: 'zone', id: ZONE_Z2 }, 'block', 'ip', '203.0.113.20', 120)]);

  const items = new Map<string, ListItem>();
  const item = (name: string, ip: string, ageDays: number) => {
    const id = hexId('1e');
    ids[name] = id;
    items.set(id, { id, ip, created_on: ago(ageDays), modified_on: ago(ageDays) });
  };
  item('item_old', '198.18.1.1', 120);
  item('item_old_range', '198.18.2.0/24', 120);
  item('item_old_v6', '2001:db8:5::/64', 120);
  item('item_young', '198.18.3.3', 10);
  item('item_recent_event', '198.18.4.4', 120);
  item('item_held', '198.18.5.5', 120);
  const bulkItems: string[] = [];
  for (let i = 0; i < (options.bulkItems ?? 0); i++) {
    item(`bulk_${i}`, `100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, 100 + (i % 50));
    bulkItems.push(ids[`bulk_${i}`]!);
  }
  const list = (name: string, content: Map<string, ListItem>): IpList => ({
    id: hexId('11'),
    name,
    description: '',
    kind: 'ip',
    created_on: ago(800),
    modified_on: ago(1),
    num_referencing_filters: 1,
    items: content,
  });
  addIpList(state, ACCOUNT_A, list(MANAGED, items));
  const otherItems = new Map<string, ListItem>();
  const otherId = hexId('1e');
  ids['unmanaged_item'] = otherId;
  otherItems.set(otherId, { id: otherId, ip: '198.18.6.6', created_on: ago(400), modified_on: ago(400) });
  addIpList(state, ACCOUNT_A, list('office_allow', otherItems));

  // Local evidence: Z pulled for 200 days, Z2 for 60; events as the cases need.
  const s = (d: Date) => Math.floor(d.getTime() / 1000);
  const pulls: PullState[] = [
    {
      zoneId: ZONE_Z,
      dataset: 'firewall_events',
      coveredFrom: s(new Date(now.getTime() - 200 * DAY)),
      coveredTo: s(now),
      settledTo: s(now),
      lastPullAt: s(now),
    },
    {
      zoneId: ZONE_Z2,
      dataset: 'firewall_events',
      coveredFrom: s(new Date(now.getTime() - 60 * DAY)),
      coveredTo: s(now),
      settledTo: s(now),
      lastPullAt: s(now),
    },
  ];
  const at = (days: number) => new Date(now.getTime() - days * DAY);
  const events: SeedEvent[] = [
    { zone: ZONE_Z, at: at(20), ray: 'r01', ip: '203.0.113.13', country: 'US' },
    { zone: ZONE_Z, at: at(50), ray: 'r02', ip: '198.51.101.7', country: 'US' },
    { zone: ZONE_Z, at: at(5), ray: 'r03', ip: '100.100.100.100', country: 'US', ruleId: ids['rule_hit']! },
    { zone: ZONE_Z, at: at(100), ray: 'r04', ip: '203.0.113.16', country: 'US' },
    { zone: ZONE_Z, at: at(40), ray: 'r05', ip: '198.18.4.4', country: 'US' },
    // In Z2 only: says nothing about account A's objects or zone Z's rules.
    { zone: ZONE_Z2, at: at(3), ray: 'r06', ip: '203.0.113.10', country: 'US' },
  ];
  const fixture = {
    ids,
    expectedRuleDeletes: [...['old_block', 'old_challenge_v6', 'old_range', 'old_event_outside_window', 'account_old_block'].map((n) => ids[n]!), ...bulkRules],
    expectedItemDeletes: [...['item_old', 'item_old_range', 'item_old_v6'].map((n) => ids[n]!), ...bulkItems],
    heldIps: ['203.0.113.15', '198.18.5.0/24'],
    bulkItems,
  };
  return { fixture, pulls, events };
}

export function writeCloudflareConfig(home: string, maxDeletes: number): void {
  writeFileSync(
    join(home, 'config.yaml'),
    `account_id: "${ACCOUNT_A}"
zones:
  - id: "${ZONE_Z}"
    name: luxeret.com
  - id: "${ZONE_Z2}"
    name: luxeret.kr
managed_lists: [${MANAGED}]
retention:
  firewall_events: 30d
  http_analytics: 30d
  access_rules: 90d
  list_items: 90d
safety:
  max_deletes: ${maxDeletes}
`,
  );
}

/** Every access-rule id and list-item id the emulator holds now. */
export function emulatorObjectIds(emulator: Emulator): { rules: string[]; items: string[] } {
  const rules: string[] = [];
  const items: string[] = [];
  for (const zone of emulator.state.zones.values()) rules.push(...zone.accessRules.keys());
  for (const account of emulator.state.accounts.values()) {
    rules.push(...account.accessRules.keys());
    for (const list of account.lists.values()) items.push(...list.items.keys());
  }
  return { rules: rules.sort(), items: items.sort() };
}

/** A fresh LUXERET_HOME (init done, config written) beside a fresh emulator with an all-permissions token. */
export interface PurgeHome {
  readonly emulator: Emulator;
  readonly home: string;
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export async function startPurgeHome(maxDeletes: number): Promise<PurgeHome> {
  const temp = makeTempDir();
  const home = join(temp.dir, 'home');
  const emulator = await startTestEmulator();
  const env = { LUXERET_HOME: home, CLOUDFLARE_API_TOKEN: TEST_TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl };
  const init = await runCli(['init'], { env });
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  writeCloudflareConfig(home, maxDeletes);
  return {
    emulator,
    home,
    env,
    close: async () => {
      await emulator.close();
      temp.cleanup();
    },
  };
}

export type JsonLocation = { id: string; planned: number; deleted: number; held: number; failed: number; undetermined?: number; notes: string[] };
export const locationOf = (json: { locations: JsonLocation[] }, id: string): JsonLocation => json.locations.find((l) => l.id === id)!;
export const without = (all: string[], removed: readonly string[]): string[] => all.filter((id) => !removed.includes(id)).sort();

/** Legal holds on the fixture's held addresses, added through the CLI as an operator would. */
export async function addHolds(env: Record<string, string>, fixture: Fixture): Promise<void> {
  for (const ip of fixture.heldIps) {
    const result = await runCli(['hold', 'add', '--ip', ip, '--reason', 'Police request', '--reference', 'KNPA-7'], { env });
    if (result.code !== 0) throw new Error(`hold add failed: ${result.stderr}`);
  }
}

/** A plain hold on `network` (no country, no time range, no end), as `hold add --ip … --reason "Police request"` makes. */
export function policeHold(id: string, network: string): Hold {
  return {
    id,
    network,
    country: undefined,
    from: undefined,
    to: undefined,
    until: undefined,
    releasedAt: undefined,
    reason: 'Police request',
    reference: undefined,
    createdAt: new Date(),
    createdBy: 'test',
  };
}
