import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addToken, ALL_PERMISSIONS, type Emulator } from '@luxeret/cloudflare-emulator';
import { runCli } from '../helpers/cli.js';
import { queryStore } from '../helpers/store.js';
import {
  ACCOUNT_A,
  addHolds,
  emulatorObjectIds,
  ZONE_Z,
  locationOf,
  seedCloudflare,
  startPurgeHome,
  type Fixture,
  type JsonLocation,
  type PurgeHome,
  without,
  writeCloudflareConfig,
} from './purge-cloudflare-fixture.js';

let ctx: PurgeHome;
let home: string;
let env: Record<string, string>;
let emulator: Emulator;
let fixture: Fixture;

beforeEach(async () => {
  ctx = await startPurgeHome(500);
  ({ home, env, emulator } = ctx);
  fixture = seedCloudflare(emulator, store(), new Date());
  await addHolds(env, fixture);
});
afterEach(() => ctx.close());

const store = () => join(home, 'luxeret.db');
const location = locationOf;
const writes = () => emulator.requests.filter((r) => r.method !== 'GET');

describe('purge of Cloudflare-held access rules and list items', () => {
  it('dry run plans exactly the expected objects and changes nothing in Cloudflare or the store', async () => {
    const before = emulatorObjectIds(emulator);
    const auditBefore = queryStore(store(), 'SELECT seq FROM audit_log').length;
    const dry = await runCli(['purge', '--dry-run', '--json'], { env });
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(location(plan, 'cloudflare/access-rules')).toMatchObject({ planned: 5, held: 1, deleted: 0, failed: 0, undetermined: 1 });
    expect(location(plan, 'cloudflare/list-items')).toMatchObject({ planned: 3, held: 1, deleted: 0, failed: 0, undetermined: 0 });
    expect(location(plan, 'cloudflare/access-rules').notes.join('\n')).toContain(`undetermined: events cover only since`);
    expect(location(plan, 'cloudflare/list-items').notes.join('\n')).toContain('office_allow');
    expect(writes()).toEqual([]);
    expect(emulatorObjectIds(emulator)).toEqual(before);
    expect(queryStore(store(), 'SELECT seq FROM audit_log')).toHaveLength(auditBefore);
    expect(queryStore(store(), 'SELECT * FROM cloudflare_object_activity')).toHaveLength(0);
  });

  it.each(['organization', 'user', 'account'] as const)(
    'inventories an account rule listed in its zone too (A2) once, and deletes it through the account endpoint (scope.type %s)',
    async (scopeType) => {
      emulator.state.behaviour.accountRuleScopeType = scopeType;
      const id = fixture.ids['account_old_block']!;
      const inventory = JSON.parse((await runCli(['purge', '--dry-run', '--json'], { env })).stdout);
      // The zone listing really showed it.
      const zoneListing = await fetch(`${emulator.baseUrl}/zones/${ZONE_Z}/firewall/access_rules/rules?per_page=100`, {
        headers: { authorization: `Bearer ${env['CLOUDFLARE_API_TOKEN']}` },
      });
      const listed = ((await zoneListing.json()) as { result: { id: string; scope: { type: string } }[] }).result;
      expect(listed.find((rule) => rule.id === id)?.scope.type).toBe(scopeType);
      // Planned once: 5 rules, as with a zone-only listing.
      expect(location(inventory, 'cloudflare/access-rules')).toMatchObject({ planned: 5, held: 1, undetermined: 1 });
      const result = await runCli(['purge', '--json'], { env });
      expect(result.code).toBe(0);
      expect(location(JSON.parse(result.stdout), 'cloudflare/access-rules')).toMatchObject({ planned: 5, deleted: 5, failed: 0 });
      const deletes = writes().filter((r) => r.method === 'DELETE' && r.path.endsWith(`/firewall/access_rules/rules/${id}`));
      expect(deletes.map((r) => [r.path, r.status])).toEqual([[`/accounts/${ACCOUNT_A}/firewall/access_rules/rules/${id}`, 200]]);
      expect(emulatorObjectIds(emulator).rules).not.toContain(id);
    },
  );

  it('judges undocumented answers by status alone: list operations answered 200, 5xx answered with an HTML page', async () => {
    emulator.state.behaviour.asyncListStatus = 200;
    emulator.state.behaviour.serverErrorBody = 'html';
    emulator.state.faults = { ...emulator.state.faults, seed: 5, rest: { ...emulator.state.faults.rest, serverError: 0.15 } };
    const before = emulatorObjectIds(emulator);
    const result = await runCli(['purge', '--json'], { env });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(location(json, 'cloudflare/access-rules')).toMatchObject({ planned: 5, deleted: 5, failed: 0 });
    expect(location(json, 'cloudflare/list-items')).toMatchObject({ planned: 3, deleted: 3, failed: 0 });
    expect(emulator.requests.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    expect(
      writes()
        .filter((r) => r.path.endsWith('/items'))
        .map((r) => r.status),
    ).toContain(200);
    expect(emulatorObjectIds(emulator).rules).toEqual(without(before.rules, fixture.expectedRuleDeletes));
  }, 30_000);

  it('deletes exactly the planned objects, verifies by re-query, audits without IPs, and keeps its evidence for the next run', async () => {
    const before = emulatorObjectIds(emulator);
    const result = await runCli(['purge', '--json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(location(json, 'cloudflare/access-rules')).toMatchObject({ planned: 5, deleted: 5, held: 1, failed: 0 });
    expect(location(json, 'cloudflare/list-items')).toMatchObject({ planned: 3, deleted: 3, held: 1, failed: 0 });
    const after = emulatorObjectIds(emulator);
    expect(after.rules).toEqual(without(before.rules, fixture.expectedRuleDeletes));
    expect(after.items).toEqual(without(before.items, fixture.expectedItemDeletes));
    // One bulk delete for the list items.
    expect(writes().filter((r) => r.path.endsWith('/items'))).toHaveLength(1);

    const entries = queryStore<{ entry: string }>(store(), 'SELECT entry FROM audit_log ORDER BY seq').map((r) => r.entry);
    const parsed = entries.map((e) => JSON.parse(e) as { event: string; location: string; counts: Record<string, number>; details: Record<string, unknown> });
    const outcome = parsed.find((e) => e.event === 'cloudflare.delete.outcome' && e.location === 'cloudflare/list-items')!;
    expect(outcome.counts).toMatchObject({ planned: 3, deleted: 3, failed: 0 });
    expect(outcome.details['requery']).toMatchObject({ checked: 3, still_present: 0, passed: true });
    for (const text of entries) for (const ip of ['203.0.113.10', '198.18.1.1', '2001:db8::10', '198.51.100.0', '192.0.2.50']) expect(text).not.toContain(ip);
    const verify = await runCli(['audit', 'verify', '--json'], { env });
    expect(JSON.parse(verify.stdout).ok).toBe(true);

    // Local events older than 30 days are gone, but their evidence stays: nothing more is planned.
    expect(queryStore(store(), "SELECT 1 FROM firewall_events WHERE client_ip = '198.51.101.7'")).toHaveLength(0);
    const again = JSON.parse((await runCli(['purge', '--dry-run', '--json'], { env })).stdout);
    expect(location(again, 'cloudflare/access-rules').planned).toBe(0);
    expect(location(again, 'cloudflare/list-items').planned).toBe(0);
    expect(queryStore(store(), 'SELECT object_id FROM cloudflare_object_activity WHERE last_seen_at IS NOT NULL').length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a plan above safety.max_deletes with exit 5 and changes nothing; --force then succeeds', async () => {
    writeCloudflareConfig(home, 7);
    const before = emulatorObjectIds(emulator);
    const refused = await runCli(['purge'], { env });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('max_deletes=7');
    expect(writes()).toEqual([]);
    expect(emulatorObjectIds(emulator)).toEqual(before);
    const forced = await runCli(['purge', '--force', '--json'], { env });
    expect(forced.code).toBe(0);
    expect(emulatorObjectIds(emulator).rules).toEqual(without(before.rules, fixture.expectedRuleDeletes));
  });

  it('isolates per-object failures: the rest is deleted, the failure counted and audited, exit 4', async () => {
    // A token that may delete zone rules but not account rules: one rule of the plan fails, the others go.
    addToken(emulator.state, { value: 'no-account-write', permissions: ALL_PERMISSIONS.filter((p) => p !== 'Account Firewall Access Rules Write') });
    const result = await runCli(['purge', '--json'], { env: { ...env, CLOUDFLARE_API_TOKEN: 'no-account-write' } });
    expect(result.code).toBe(4);
    const json = JSON.parse(result.stdout);
    expect(location(json, 'cloudflare/access-rules')).toMatchObject({ planned: 5, deleted: 4, failed: 1 });
    expect(location(json, 'cloudflare/list-items')).toMatchObject({ planned: 3, deleted: 3, failed: 0 });
    expect(emulatorObjectIds(emulator).rules).toContain(fixture.ids['account_old_block']);
    const outcome = queryStore<{ entry: string }>(store(), 'SELECT entry FROM audit_log ORDER BY seq')
      .map((r) => JSON.parse(r.entry) as { event: string; location: string; details: { failed_ids: string[] } })
      .find((e) => e.event === 'cloudflare.delete.outcome' && e.location === 'cloudflare/access-rules')!;
    expect(outcome.details.failed_ids).toEqual([fixture.ids['account_old_block']]);
    // A re-run with a token that may retries just the one left.
    const rerun = JSON.parse((await runCli(['purge', '--json'], { env })).stdout);
    expect(location(rerun, 'cloudflare/access-rules')).toMatchObject({ planned: 1, deleted: 1, failed: 0 });
  });

  it('records a failure whose server text holds IP-like tokens and non-ASCII as a code and a keyed hash; the run finishes', async () => {
    // Cloudflare's message text is free-form: here it quotes addresses (one with leading zeros), `Rule::Block` and Korean.
    const text = 'Rule::Block fd00:: 203.0.113.005 차단 규칙은 삭제할 수 없습니다';
    const proxy = await startRewritingProxy(emulator.baseUrl, (body) => body.replace(/"message":"[^"]*"/g, `"message":${JSON.stringify(text)}`));
    try {
      addToken(emulator.state, { value: 'no-account-write', permissions: ALL_PERMISSIONS.filter((p) => p !== 'Account Firewall Access Rules Write') });
      const result = await runCli(['purge', '--json'], { env: { ...env, CLOUDFLARE_API_TOKEN: 'no-account-write', CLOUDFLARE_BASE_URL: proxy.baseUrl } });
      expect(result.code).toBe(4);
      expect(location(JSON.parse(result.stdout), 'cloudflare/access-rules')).toMatchObject({ planned: 5, deleted: 4, failed: 1 });
      expect(result.stderr).toContain(text);
      const entries = queryStore<{ entry: string }>(store(), 'SELECT entry FROM audit_log ORDER BY seq').map((r) => r.entry);
      expect(entries.join('\n')).not.toContain('203.0.113');
      const outcome = entries
        .map((e) => JSON.parse(e) as { event: string; location: string; details: Record<string, unknown> })
        .find((e) => e.event === 'cloudflare.delete.outcome' && e.location === 'cloudflare/access-rules')!;
      const secret = Buffer.from(readFileSync(join(home, 'keys', 'subject-hmac.key'), 'utf8').trim(), 'base64');
      expect(outcome.details.failures).toEqual([
        {
          code: 'cloudflare:10000',
          status: 403,
          text_hash: 'hmac-sha256:' + createHmac('sha256', secret).update(`HTTP 403: 10000 ${text}`).digest('hex'),
          count: 1,
        },
      ]);
      expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('reports a location it could not read as incomplete (exit 4) and still purges the rest', async () => {
    addToken(emulator.state, { value: 'no-lists', permissions: ALL_PERMISSIONS.filter((p) => !p.includes('Filter Lists')) });
    const before = emulatorObjectIds(emulator);
    const result = await runCli(['purge', '--json'], { env: { ...env, CLOUDFLARE_API_TOKEN: 'no-lists' } });
    expect(result.code).toBe(4);
    const json = JSON.parse(result.stdout);
    expect(location(json, 'cloudflare/access-rules')).toMatchObject({ planned: 5, deleted: 5, failed: 0 });
    expect(location(json, 'cloudflare/list-items')).toMatchObject({ planned: 0, deleted: 0 });
    expect(location(json, 'cloudflare/list-items').notes.join('\n')).toContain('not readable with this token: needs Account Filter Lists Read');
    expect(emulatorObjectIds(emulator).items).toEqual(before.items);
  });

  it('forgets the activity of objects deleted outside the tool, but only after a run that read every scope', async () => {
    expect((await runCli(['purge'], { env })).code).toBe(0);
    const activityIds = () => queryStore<{ object_id: string }>(store(), 'SELECT object_id FROM cloudflare_object_activity').map((row) => row.object_id);
    const { rules, items } = emulatorObjectIds(emulator);
    const [rule, item] = [rules.find((id) => activityIds().includes(id))!, items.find((id) => activityIds().includes(id))!];
    expect([rule, item]).not.toContain(undefined);
    // Someone deletes a rule and a list item in the dashboard.
    for (const owner of [...emulator.state.zones.values(), ...emulator.state.accounts.values()]) owner.accessRules.delete(rule);
    for (const account of emulator.state.accounts.values()) for (const list of account.lists.values()) list.items.delete(item);

    // A run that cannot read the lists forgets nothing: an unread item may still exist.
    addToken(emulator.state, { value: 'no-lists', permissions: ALL_PERMISSIONS.filter((p) => !p.includes('Filter Lists')) });
    expect((await runCli(['purge'], { env: { ...env, CLOUDFLARE_API_TOKEN: 'no-lists' } })).code).toBe(4);
    expect(activityIds()).toEqual(expect.arrayContaining([rule, item]));

    expect((await runCli(['purge'], { env })).code).toBe(0);
    expect(activityIds()).not.toContain(rule);
    expect(activityIds()).not.toContain(item);
    expect(activityIds().length).toBeGreaterThan(0);
  });

  it('does not judge objects idle on evidence a purge without Cloudflare access destroyed', async () => {
    // A local purge without the token deletes events older than 30 days without folding them into the activity.
    expect((await runCli(['purge'], { env: { LUXERET_HOME: home, CLOUDFLARE_BASE_URL: emulator.baseUrl } })).code).toBe(0);
    const plan = JSON.parse((await runCli(['purge', '--dry-run', '--json'], { env })).stdout);
    // Evidence now starts 30 days back: every old object of zone Z and account A is undetermined, none is planned.
    expect(location(plan, 'cloudflare/access-rules')).toMatchObject({ planned: 0 });
    expect(location(plan, 'cloudflare/list-items')).toMatchObject({ planned: 0 });
    expect(location(plan, 'cloudflare/access-rules').undetermined).toBeGreaterThanOrEqual(5);
    expect(location(plan, 'cloudflare/access-rules').notes.join('\n')).toMatch(/undetermined: events cover only since/);
  });

  it('skips the Cloudflare part with a note when there is no token; the local purge still runs', async () => {
    const before = emulator.requests.length; // `hold add` (beforeEach) lists the objects its hold keeps
    const result = await runCli(['purge', '--json'], { env: { LUXERET_HOME: home, CLOUDFLARE_BASE_URL: emulator.baseUrl } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('CLOUDFLARE_API_TOKEN is not set');
    expect(JSON.parse(result.stdout).locations.map((l: JsonLocation) => l.id)).toEqual(['local/firewall-events', 'local/http-analytics']);
    // Only the clock check: one unauthenticated request, for its Date header.
    expect(emulator.requests.slice(before).map((r) => [r.method, r.path, r.hasAuth])).toEqual([['GET', '/user/tokens/verify', false]]);
  });
});

/** An HTTP proxy on 127.0.0.1 in front of the emulator that rewrites the body of every error response. */
async function startRewritingProxy(target: string, rewrite: (body: string) => string): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void fetch(new URL(req.url ?? '/', upstream.origin), {
        method: req.method ?? 'GET',
        headers: Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'host' && name !== 'content-length') as [string, string][]),
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      }).then(async (response) => {
        const body = await response.text();
        res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/json' });
        res.end(response.ok ? body : rewrite(body));
      });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}${upstream.pathname}`, close: () => new Promise((done) => server.close(() => done())) };
}
