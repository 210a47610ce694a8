import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAccessRules, addAccount, addIpList, addZone, type AccessRule, type Emulator, type IpList } from '@luxeret/cloudflare-emulator';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator, TEST_TOKEN } from '@luxeret/cloudflare-emulator/testing';
import { describeEachStore, type StoreKind } from '../helpers/store-kinds.js';
import { seedAnalytics, seedEvents, startStoreHome, type StoreHome } from '../helpers/store-home.js';

const DAY = 86_400_000;
const SUBJECT = '203.0.113.5';

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

describeEachStore('subject', (kind: StoreKind) => {
  let emulator: Emulator;
  let store: StoreHome;
  let env: Record<string, string>;
  let zoneId: string;
  let accountId: string;
  let holdId: string;

  async function addHold(network: string, from: Date, to: Date): Promise<string> {
    const hold = await runCli(['hold', 'add', '--ip', network, '--from', from.toISOString(), '--to', to.toISOString(), '--reason', 'Police request'], { env });
    expect(hold.code).toBe(0);
    return JSON.parse((await runCli(['hold', 'list', '--json'], { env })).stdout)[0].id as string;
  }

  async function releaseHold(id: string): Promise<void> {
    expect((await runCli(['hold', 'release', id, '--reason', 'Case closed'], { env })).code).toBe(0);
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
    store = await startStoreHome(kind, {
      env: { CLOUDFLARE_API_TOKEN: TEST_TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl },
      config: `account_id: "${accountId}"\nzones:\n  - id: "${zoneId}"\nmanaged_lists: [blocked_ips]\n`,
    });
    env = store.env;
    const now = Date.now();
    await seedEvents(store.port, [
      ...Array.from({ length: 6 }, (_, i) => ({ zone: zoneId, at: new Date(now - (i + 1) * DAY), ray: `subj${i}`, ip: SUBJECT, country: 'KR' })),
      { zone: zoneId, at: new Date(now - DAY), ray: 'other1', ip: '203.0.113.6', country: 'KR' },
      { zone: zoneId, at: new Date(now - DAY), ray: 'other2', ip: '198.51.100.1', country: 'US' },
    ]);
    await seedAnalytics(store.port, [
      { zone: zoneId, hour: new Date(now - 2 * DAY), ip: SUBJECT, country: 'KR', requests: 12 },
      { zone: zoneId, hour: new Date(now - 2 * DAY), ip: '203.0.113.6', country: 'KR', requests: 3 },
    ]);
    // Investigators asked to keep what this address did 4 to 7 days ago.
    holdId = await addHold(SUBJECT, new Date(now - 7 * DAY), new Date(now - 3.5 * DAY));
  });
  afterEach(async () => {
    await emulator.close();
    await store.close();
  });

  const storeRows = (sql: string, ...params: unknown[]) => store.rows(sql, ...params);

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
      // The access request itself is audited, with the keyed hash of the address only.
      const log = (await storeRows('SELECT entry FROM audit_log')).map((r) => String(r['entry'])).join('\n');
      expect(log).toContain('subject.show');
      expect(log).not.toContain(SUBJECT);
      // Once a pull has learnt the zone's window, the date Cloudflare's copy ages out is known.
      await store.port.writeMeta(
        `zone_settings:${zoneId}`,
        JSON.stringify({ firewallEventsAdaptive: { notOlderThan: 31 * 86_400 }, httpRequestsAdaptiveGroups: { notOlderThan: 7 * 86_400 } }),
      );
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

    it('finds an address written IPv4-mapped, and a range, as the same visitor', async () => {
      const mapped = JSON.parse((await runCli(['subject', 'show', '--ip', `::ffff:${SUBJECT}`, '--json'], { env })).stdout);
      expect(mapped.locations[0]).toMatchObject({ id: 'local/firewall-events', records: 6 });
      const range = JSON.parse((await runCli(['subject', 'show', '--ip', '203.0.113.0/29', '--json'], { env })).stdout);
      expect(range.locations[0]).toMatchObject({ id: 'local/firewall-events', records: 7 });
      expect(range.locations[1]).toMatchObject({ id: 'local/http-analytics', records: 2, countries: { KR: 15 } });
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
      // With the hold on, the rules and items naming the address are kept; release it to let erasure reach them…
      const dry = JSON.parse((await runCli(['subject', 'erase', '--ip', SUBJECT, '--dry-run', '--json'], { env })).stdout);
      expect(dry.locations.find((l: { id: string }) => l.id === 'cloudflare/access-rules')).toMatchObject({ found: 3, held: 3, reported: 0 });
      expect(await storeRows('SELECT 1 FROM firewall_events WHERE client_ip = ?', SUBJECT)).toHaveLength(6);

      const erase = await runCli(['subject', 'erase', '--ip', SUBJECT, '--json'], { env });
      expect(erase.code).toBe(0);
      const result = JSON.parse(erase.stdout);
      expect(result.locations.find((l: { id: string }) => l.id === 'local/firewall-events')).toMatchObject({ found: 6, deleted: 3, held: 3, failed: 0 });
      expect(result.locations.find((l: { id: string }) => l.id === 'local/http-analytics')).toMatchObject({ found: 1, deleted: 1, held: 0, failed: 0 });
      expect(await storeRows('SELECT 1 FROM firewall_events WHERE client_ip = ?', SUBJECT)).toHaveLength(3);
      expect(await storeRows('SELECT 1 FROM http_analytics WHERE client_ip = ?', SUBJECT)).toHaveLength(0);
      expect(await storeRows('SELECT 1 FROM firewall_events WHERE client_ip <> ?', SUBJECT)).toHaveLength(2);
      expect(emulator.state.zones.get(zoneId)!.accessRules.size).toBe(4); // held: nothing in Cloudflare touched yet
      if (kind === 'postgres') {
        // The per-day counts inventory reads follow the deletion: 5 events and 1 analytics row are left.
        const counts = await store.rows<{ dataset: string; n: number }>(
          'SELECT dataset, sum(rows)::bigint AS n FROM row_counts GROUP BY dataset ORDER BY dataset',
        );
        expect(counts).toEqual([
          { dataset: 'firewall_events', n: 5 },
          { dataset: 'http_analytics', n: 1 },
        ]);
      }

      await releaseHold(holdId);
      const second = JSON.parse((await runCli(['subject', 'erase', '--ip', SUBJECT, '--json'], { env })).stdout);
      expect(second.locations.find((l: { id: string }) => l.id === 'cloudflare/access-rules')).toMatchObject({ found: 3, deleted: 1, reported: 2, failed: 0 });
      expect(second.locations.find((l: { id: string }) => l.id === 'cloudflare/list-items')).toMatchObject({ found: 2, deleted: 1, reported: 1, failed: 0 });
      expect([...emulator.state.zones.get(zoneId)!.accessRules.keys()].sort()).toEqual(['b'.repeat(32), 'c'.repeat(32), 'd'.repeat(32)]);
      const lists = emulator.state.accounts.get(accountId)!.lists;
      expect([...lists.get('1'.repeat(32))!.items.keys()]).toEqual(['f'.repeat(32)]);
      expect([...lists.get('2'.repeat(32))!.items.keys()]).toEqual(['9'.repeat(32)]);
      expect(await storeRows('SELECT 1 FROM firewall_events WHERE client_ip = ?', SUBJECT)).toHaveLength(0);

      const entries = (await storeRows('SELECT entry FROM audit_log')).map((r) => String(r['entry']));
      const log = entries.join('\n');
      expect(log).toContain('subject.erase.outcome');
      expect(log).not.toContain(SUBJECT);
      expect(log).toMatch(/hmac-sha256:[0-9a-f]{64}/);
      // Each store records how it destroyed the rows.
      const local = entries
        .map((e) => JSON.parse(e) as { event: string; location?: string; details: { method: string } })
        .filter((e) => e.event === 'subject.erase.outcome' && e.location === 'local/firewall-events');
      expect(local.map((e) => e.details.method)[0]).toMatch(
        kind === 'postgres' ? /^PostgreSQL: rows deleted \+ vacuumed/ : /^SQLite DELETE with secure_delete/,
      );
      expect(await store.verifyAudit()).toMatchObject({ ok: true, errors: [] });
      // `audit verify` and `ledger` on PostgreSQL: issue 13, audit (another branch).
      if (kind === 'sqlite') {
        expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
        const ledger = await runCli(['ledger', '--format', 'json'], { env });
        expect(ledger.stdout).toContain('local/firewall-events');
      }
    });

    it('rejects a malformed address naming the argument, changing nothing', async () => {
      const result = await runCli(['subject', 'erase', '--ip', '203.0.113.500'], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--ip: "203.0.113.500" is not an IPv4/IPv6 address or CIDR range');
      expect(await storeRows('SELECT 1 FROM firewall_events')).toHaveLength(8);
    });

    it('refuses while another run holds the store lock (exit 6), erasing nothing', async () => {
      const lock = await store.port.acquireRunLock('purge', new Date());
      try {
        const result = await runCli(['subject', 'erase', '--ip', SUBJECT], { env });
        expect(result.code).toBe(6);
      } finally {
        await lock.release();
      }
      expect(await storeRows('SELECT 1 FROM firewall_events WHERE client_ip = ?', SUBJECT)).toHaveLength(6);
    });
  });
});
