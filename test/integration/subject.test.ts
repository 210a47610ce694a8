import { join } from 'node:path';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAccessRules, addAccount, addIpList, addZone, type AccessRule, type Emulator, type IpList } from '@luxeret/cloudflare-emulator';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { startTestEmulator, TEST_TOKEN } from '@luxeret/cloudflare-emulator/testing';
import { insertAnalytics, insertEvents, queryStore } from '../helpers/store.js';

const DAY = 86_400_000;
const SUBJECT = '203.0.113.5';
let emulator: Emulator;
let home: string;
let env: Record<string, string>;
let cleanup: () => void;
let zoneId: string;
let accountId: string;

function rule(id: string, mode: AccessRule['mode'], target: AccessRule['configuration']['target'], value: string, scopeId: string): AccessRule {
  const created = new Date(Date.now() - 100 * DAY).toISOString();
  return {
    id,
    mode,
    allowed_modes: ['block', 'challenge', 'whitelist', 'js_challenge', 'managed_challenge'],
    configuration: { target, value },
    notes: '',
    created_on: created,
    modified_on: created,
    scope: { id: scopeId, type: 'zone' },
  };
}

function list(id: string, name: string, ips: Record<string, string>): IpList {
  const created = new Date(Date.now() - 100 * DAY).toISOString();
  return {
    id,
    name,
    description: '',
    kind: 'ip',
    created_on: created,
    modified_on: created,
    num_referencing_filters: 0,
    items: new Map(Object.entries(ips).map(([itemId, ip]) => [itemId, { id: itemId, ip, created_on: created, modified_on: created }])),
  };
}

beforeEach(async () => {
  emulator = await startTestEmulator();
  accountId = addAccount(emulator.state, { plan: 'enterprise' }).id;
  zoneId = addZone(emulator.state, { name: 'luxeret.com', accountId, plan: 'enterprise' }).id;
  addAccessRules(emulator.state, { zoneId }, [
    rule('a'.repeat(32), 'block', 'ip', SUBJECT, zoneId),
    rule('b'.repeat(32), 'block', 'ip_range', '203.0.113.0/24', zoneId),
    rule('c'.repeat(32), 'whitelist', 'ip', SUBJECT, zoneId),
    rule('d'.repeat(32), 'block', 'ip', '198.51.100.1', zoneId),
  ]);
  addIpList(emulator.state, accountId, list('1'.repeat(32), 'blocked_ips', { ['e'.repeat(32)]: SUBJECT, ['f'.repeat(32)]: '198.51.100.2' }));
  addIpList(emulator.state, accountId, list('2'.repeat(32), 'partner_ips', { ['9'.repeat(32)]: SUBJECT }));
  const temp = makeTempDir();
  cleanup = temp.cleanup;
  home = join(temp.dir, 'home');
  env = { LUXERET_HOME: home, CLOUDFLARE_API_TOKEN: TEST_TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl };
  expect((await runCli(['init'], { env })).code).toBe(0);
  writeFileSync(join(home, 'config.yaml'), `account_id: "${accountId}"\nzones:\n  - id: "${zoneId}"\nmanaged_lists: [blocked_ips]\n`);
  const now = Date.now();
  const store = join(home, 'luxeret.db');
  insertEvents(store, [
    ...Array.from({ length: 6 }, (_, i) => ({ zone: zoneId, at: new Date(now - (i + 1) * DAY), ray: `subj${i}`, ip: SUBJECT, country: 'KR' })),
    { zone: zoneId, at: new Date(now - DAY), ray: 'other1', ip: '203.0.113.6', country: 'KR' },
    { zone: zoneId, at: new Date(now - DAY), ray: 'other2', ip: '198.51.100.1', country: 'US' },
  ]);
  insertAnalytics(store, [
    { zone: zoneId, hour: new Date(now - 2 * DAY), ip: SUBJECT, country: 'KR', requests: 12 },
    { zone: zoneId, hour: new Date(now - 2 * DAY), ip: '203.0.113.6', country: 'KR', requests: 3 },
  ]);
  // Investigators asked to keep what this address did 4 to 7 days ago.
  const hold = await runCli(
    [
      'hold',
      'add',
      '--ip',
      SUBJECT,
      '--from',
      new Date(now - 7 * DAY).toISOString(),
      '--to',
      new Date(now - 3.5 * DAY).toISOString(),
      '--reason',
      'Police request',
    ],
    { env },
  );
  expect(hold.code).toBe(0);
});
afterEach(async () => {
  await emulator.close();
  cleanup();
});

const storeRows = (sql: string, ...params: unknown[]) => queryStore<Record<string, unknown>>(join(home, 'luxeret.db'), sql, ...params);

describe('subject show', () => {
  it("finds the address's rows, rules, items and the ranges containing it, each with what becomes of it", async () => {
    const result = await runCli(['subject', 'show', '--ip', SUBJECT, '--json'], { env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.locations[0]).toMatchObject({ id: 'local/firewall-events', records: 6, held: 3, deletable: 3, countries: { KR: 6 } });
    expect(report.locations[1]).toMatchObject({ id: 'local/http-analytics', records: 1, deletable: 1, countries: { KR: 12 } });
    const byId = Object.fromEntries(report.cloudflare_objects.map((o: { id: string; disposition: string }) => [o.id, o.disposition]));
    expect(byId).toEqual({
      ['a'.repeat(32)]: 'held',
      ['b'.repeat(32)]: 'held', // a hold on an address also keeps the ranges containing it
      ['c'.repeat(32)]: 'held',
      ['e'.repeat(32)]: 'held',
      ['9'.repeat(32)]: 'held',
    });
    expect(report.cloudflare_analytics).toEqual([
      { location: 'cloudflare/firewall-events', zone_id: zoneId, disposition: 'kept_by_cloudflare', kept_until: null, window_seconds: null },
      { location: 'cloudflare/http-analytics', zone_id: zoneId, disposition: 'kept_by_cloudflare', kept_until: null, window_seconds: null },
    ]);
    // Once a pull has learnt the zone's window, the date Cloudflare's copy ages out is known.
    const db = new Database(join(home, 'luxeret.db'));
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(
      `zone_settings:${zoneId}`,
      JSON.stringify({ firewallEventsAdaptive: { notOlderThan: 31 * 86_400 }, httpRequestsAdaptiveGroups: { notOlderThan: 7 * 86_400 } }),
    );
    db.close();
    const again = JSON.parse((await runCli(['subject', 'show', '--ip', SUBJECT, '--json'], { env })).stdout);
    const lastSeen = Date.parse(again.locations[0].last_seen);
    expect(again.cloudflare_analytics[0]).toMatchObject({ window_seconds: 31 * 86_400, kept_until: new Date(lastSeen + 31 * DAY).toISOString() });
    const lastHour = Date.parse(again.locations[1].last_seen);
    expect(again.cloudflare_analytics[1]).toMatchObject({
      location: 'cloudflare/http-analytics',
      window_seconds: 7 * 86_400,
      kept_until: new Date(lastHour + 7 * DAY).toISOString(),
    });
  });
});

describe('hold add', () => {
  it('names the Cloudflare rules and items the new hold keeps from the purge', async () => {
    const result = await runCli(['hold', 'add', '--ip', '203.0.113.0/24', '--reason', 'Prosecutor order', '--json'], { env });
    expect(result.code).toBe(0);
    const ids = (JSON.parse(result.stdout).cloudflare_objects as { id: string }[]).map((o) => o.id).sort();
    expect(ids).toEqual(['9'.repeat(32), 'a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32), 'e'.repeat(32)].sort());
  });
});

describe('subject erase', () => {
  it('removes exactly the erasable copies, keeps the held ones, and audits only the keyed hash', async () => {
    const released = JSON.parse((await runCli(['hold', 'list', '--json'], { env })).stdout)[0].id as string;
    // With the hold on, the rules and items naming the address are kept; release it to let erasure reach them…
    const dry = JSON.parse((await runCli(['subject', 'erase', '--ip', SUBJECT, '--dry-run', '--json'], { env })).stdout);
    expect(dry.locations.find((l: { id: string }) => l.id === 'cloudflare/access-rules')).toMatchObject({ found: 3, held: 3, reported: 0 });
    expect(storeRows('SELECT 1 FROM firewall_events WHERE client_ip = ?', SUBJECT)).toHaveLength(6);

    const erase = await runCli(['subject', 'erase', '--ip', SUBJECT, '--json'], { env });
    expect(erase.code).toBe(0);
    const result = JSON.parse(erase.stdout);
    expect(result.locations.find((l: { id: string }) => l.id === 'local/firewall-events')).toMatchObject({ found: 6, deleted: 3, held: 3, failed: 0 });
    expect(storeRows('SELECT 1 FROM firewall_events WHERE client_ip = ?', SUBJECT)).toHaveLength(3);
    expect(storeRows('SELECT 1 FROM http_analytics WHERE client_ip = ?', SUBJECT)).toHaveLength(0);
    expect(storeRows('SELECT 1 FROM firewall_events WHERE client_ip <> ?', SUBJECT)).toHaveLength(2);
    expect(emulator.state.zones.get(zoneId)!.accessRules.size).toBe(4); // held: nothing in Cloudflare touched yet

    expect((await runCli(['hold', 'release', released, '--reason', 'Case closed'], { env })).code).toBe(0);
    const second = JSON.parse((await runCli(['subject', 'erase', '--ip', SUBJECT, '--json'], { env })).stdout);
    expect(second.locations.find((l: { id: string }) => l.id === 'cloudflare/access-rules')).toMatchObject({ found: 3, deleted: 1, reported: 2, failed: 0 });
    expect(second.locations.find((l: { id: string }) => l.id === 'cloudflare/list-items')).toMatchObject({ found: 2, deleted: 1, reported: 1, failed: 0 });
    expect([...emulator.state.zones.get(zoneId)!.accessRules.keys()].sort()).toEqual(['b'.repeat(32), 'c'.repeat(32), 'd'.repeat(32)]);
    const lists = emulator.state.accounts.get(accountId)!.lists;
    expect([...lists.get('1'.repeat(32))!.items.keys()]).toEqual(['f'.repeat(32)]);
    expect([...lists.get('2'.repeat(32))!.items.keys()]).toEqual(['9'.repeat(32)]);
    expect(storeRows('SELECT 1 FROM firewall_events WHERE client_ip = ?', SUBJECT)).toHaveLength(0);

    const log = storeRows('SELECT entry FROM audit_log')
      .map((r) => String(r['entry']))
      .join('\n');
    expect(log).toContain('subject.erase.outcome');
    expect(log).not.toContain(SUBJECT);
    expect(log).toMatch(/hmac-sha256:[0-9a-f]{64}/);
    expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
    const ledger = await runCli(['ledger', '--format', 'json'], { env });
    expect(ledger.stdout).toContain('local/firewall-events');
  });

  it('rejects a malformed address naming the argument, changing nothing', async () => {
    const result = await runCli(['subject', 'erase', '--ip', '203.0.113.500'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--ip: "203.0.113.500" is not an IPv4/IPv6 address or CIDR range');
    expect(storeRows('SELECT 1 FROM firewall_events')).toHaveLength(8);
  });
});
