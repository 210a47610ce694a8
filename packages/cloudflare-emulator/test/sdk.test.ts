import Cloudflare from 'cloudflare';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import {
  addAccessRules,
  addIpList,
  addR2Bucket,
  addToken,
  addZone,
  generateAccessRules,
  generateIpList,
  R2_DEFAULT_MULTIPART_RULE,
  type Emulator,
  type ZoneState,
} from '../src/index.js';
import { TEST_TOKEN, callEmulator, startTestEmulator } from '../src/testing.js';

const NOW = new Date('2026-10-20T12:00:00Z');

describe('the official cloudflare SDK against the emulator', () => {
  let emulator: Emulator;
  let client: Cloudflare;
  let zone: ZoneState;

  beforeEach(async () => {
    emulator = await startTestEmulator({ behaviour: { bulkOperationStepMs: 60_000 } });
    zone = addZone(emulator.state, { name: 'shop.example.com', plan: 'pro' });
    client = new Cloudflare({ apiToken: TEST_TOKEN, baseURL: emulator.baseUrl, maxRetries: 0 });
  });
  afterEach(() => emulator.close());

  it('walks access-rule pages, asks for page N+1 and gets every rule exactly once', async () => {
    const rules = generateAccessRules({ now: NOW, count: 45, scope: { id: zone.id, type: 'zone', name: zone.name } });
    addAccessRules(emulator.state, { zoneId: zone.id }, rules);
    const seen: string[] = [];
    for await (const rule of client.firewall.accessRules.list({ zone_id: zone.id, per_page: 20 })) seen.push(rule.id);
    expect(seen).toHaveLength(45);
    expect(new Set(seen)).toEqual(new Set(rules.map((r) => r.id)));
    const pages = emulator.requests.filter((r) => r.path.endsWith('/firewall/access_rules/rules')).map((r) => [r.query['page'] ?? '1', r.status]);
    expect(pages).toEqual([
      ['1', 200],
      ['2', 200],
      ['3', 200],
      ['4', 200],
    ]);
    expect(emulator.requests.every((r) => r.hasAuth)).toBe(true);
  });

  it('creates, edits, reads and deletes access rules at zone and account level', async () => {
    const created = await client.firewall.accessRules.create({
      zone_id: zone.id,
      mode: 'block',
      configuration: { target: 'ip', value: '198.51.100.4' },
      notes: 'case 1',
    });
    expect(created).toMatchObject({ mode: 'block', configuration: { target: 'ip', value: '198.51.100.4' }, notes: 'case 1' });
    const edited = await client.firewall.accessRules.edit(created.id, {
      zone_id: zone.id,
      mode: 'challenge',
      configuration: { target: 'ip', value: '198.51.100.4' },
      notes: 'case 2',
    });
    expect(edited).toMatchObject({ id: created.id, mode: 'challenge', notes: 'case 2' });
    expect(await client.firewall.accessRules.get(created.id, { zone_id: zone.id })).toMatchObject({ id: created.id });
    expect(await client.firewall.accessRules.delete(created.id, { zone_id: zone.id })).toEqual({ id: created.id });
    await expect(client.firewall.accessRules.get(created.id, { zone_id: zone.id })).rejects.toBeInstanceOf(Cloudflare.NotFoundError);

    const accountRule = await client.firewall.accessRules.create({
      account_id: zone.accountId,
      mode: 'whitelist',
      configuration: { target: 'ip6', value: '2001:DB8::1' },
    });
    expect(accountRule.configuration).toEqual({ target: 'ip6', value: '2001:db8::1' });
    const filtered = [];
    for await (const rule of client.firewall.accessRules.list({ account_id: zone.accountId, configuration: { target: 'ip' }, mode: 'whitelist' }))
      filtered.push(rule);
    expect(filtered.map((r) => r.id)).toEqual([accountRule.id]);
  });

  it('refuses country block rules below Enterprise and duplicate rules', async () => {
    const country = client.firewall.accessRules.create({ zone_id: zone.id, mode: 'block', configuration: { target: 'country', value: 'RU' } });
    await expect(country).rejects.toMatchObject({ status: 403 });
    await client.firewall.accessRules.create({ zone_id: zone.id, mode: 'managed_challenge', configuration: { target: 'country', value: 'RU' } });
    const duplicate = client.firewall.accessRules.create({ zone_id: zone.id, mode: 'challenge', configuration: { target: 'country', value: 'ru' } });
    await expect(duplicate).rejects.toMatchObject({ status: 400, errors: [{ code: 10009, message: 'firewallaccessrules.api.duplicate_of_existing' }] });
  });

  it('pages list items with cursors, deletes items through a bulk operation and polls it', async () => {
    const list = addIpList(emulator.state, zone.accountId, generateIpList({ now: NOW, name: 'abuse_ips', items: 120 }));
    const ids: string[] = [];
    for await (const item of client.rules.lists.items.list(list.id, { account_id: zone.accountId, per_page: 50 })) ids.push((item as { id: string }).id);
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
    const itemRequests = emulator.requests.filter((r) => r.path.endsWith('/items'));
    expect(itemRequests).toHaveLength(3);
    expect(itemRequests[0]?.query['cursor']).toBeUndefined();
    expect(itemRequests[1]?.query['cursor']).toBeTruthy();

    const doomed = ids.slice(0, 30).map((id) => ({ id }));
    const { operation_id: operationId } = await client.rules.lists.items.delete(list.id, { account_id: zone.accountId, items: doomed });
    // One outstanding operation per account: a second one is refused with 429.
    await expect(client.rules.lists.items.create(list.id, { account_id: zone.accountId, body: [{ ip: '10.0.0.1' }] })).rejects.toMatchObject({ status: 429 });
    const statuses: string[] = [];
    for (;;) {
      const operation = await client.rules.lists.bulkOperations.get(operationId, { account_id: zone.accountId });
      statuses.push(operation.status);
      if (operation.status === 'completed' || operation.status === 'failed') break;
    }
    expect(statuses).toEqual(['running', 'completed']);
    expect((await client.rules.lists.get(list.id, { account_id: zone.accountId })).num_items).toBe(90);
    await expect(client.rules.lists.items.get(doomed[0]?.id ?? '', { account_id: zone.accountId, list_id: list.id })).rejects.toBeInstanceOf(
      Cloudflare.NotFoundError,
    );

    const added = await client.rules.lists.items.create(list.id, { account_id: zone.accountId, body: [{ ip: '2001:DB8:AB:CD::1', comment: 'single v6' }] });
    await client.rules.lists.bulkOperations.get(added.operation_id, { account_id: zone.accountId });
    await client.rules.lists.bulkOperations.get(added.operation_id, { account_id: zone.accountId });
    const found = [];
    for await (const item of client.rules.lists.items.list(list.id, { account_id: zone.accountId, search: '2001:db8:ab:cd' })) found.push(item);
    expect(found).toMatchObject([{ ip: '2001:db8:ab:cd::/64', comment: 'single v6' }]);
  });

  it('retries a 429 after Retry-After', async () => {
    emulator.state.limits = { ...emulator.state.limits, restRequests: 1, windowMs: 1000 };
    const retrying = new Cloudflare({ apiToken: TEST_TOKEN, baseURL: emulator.baseUrl, maxRetries: 2 });
    await retrying.user.tokens.verify();
    const started = performance.now();
    const verified = await retrying.user.tokens.verify();
    expect(verified).toMatchObject({ status: 'active' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    const verifies = emulator.requests.filter((r) => r.path === '/user/tokens/verify').map((r) => r.status);
    expect(verifies).toEqual([200, 429, 200]);
  });

  it('verifies user and account tokens like production', async () => {
    addToken(emulator.state, { value: 'account-owned', kind: 'account', accountId: zone.accountId, permissions: [] });
    const accountClient = new Cloudflare({ apiToken: 'account-owned', baseURL: emulator.baseUrl, maxRetries: 0 });
    await expect(accountClient.user.tokens.verify()).rejects.toMatchObject({ status: 401, errors: [{ code: 1000, message: 'Invalid API Token' }] });
    expect(await accountClient.accounts.tokens.verify({ account_id: zone.accountId })).toMatchObject({ status: 'active' });
    const bad = new Cloudflare({ apiToken: 'nope', baseURL: emulator.baseUrl, maxRetries: 0 });
    await expect(bad.zones.get({ zone_id: zone.id })).rejects.toBeInstanceOf(Cloudflare.AuthenticationError);
    // R4: a bad token is 401 10000; no credentials at all is 9106; a good one is "valid and active".
    const badToken = await callEmulator(emulator, 'GET', `/zones/${zone.id}`, { token: 'nope' });
    expect([badToken.status, badToken.body]).toMatchObject([401, { errors: [{ code: 10000, message: 'Authentication error' }] }]);
    const anonymous = await callEmulator(emulator, 'GET', `/zones/${zone.id}`, { token: null });
    expect(anonymous.body).toMatchObject({ success: false, errors: [{ code: 9106, message: 'Missing X-Auth-Key, X-Auth-Email or Authorization headers' }] });
    const verify = await callEmulator(emulator, 'GET', '/user/tokens/verify');
    expect(verify.body).toMatchObject({ messages: [{ code: 10000, message: 'This API Token is valid and active', type: null }] });
    const zoneRead = await client.zones.get({ zone_id: zone.id });
    expect(zoneRead.plan).toMatchObject({ legacy_id: 'pro' });
    expect(JSON.stringify(emulator.requests)).not.toContain('account-owned');
  });

  it('passes GraphQL through client.post without the envelope', async () => {
    const body = await client.post('/graphql', { body: { query: '{ viewer { zones { zoneTag } } }' } });
    expect(body).toEqual({ data: { viewer: { zones: [{ zoneTag: zone.id }] } }, errors: null });
  });

  it('answers 403 code 10000 when the token lacks the permission, 7000 for unknown routes and 7003 for unknown ids', async () => {
    addToken(emulator.state, { value: 'analytics-only', permissions: ['Analytics Read'] });
    const response = await callEmulator(emulator, 'GET', `/zones/${zone.id}/firewall/access_rules/rules`, { token: 'analytics-only' });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [], result: null });
    const unknown = await callEmulator(emulator, 'GET', '/zones/nope/not-a-thing');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ success: false, errors: [{ code: 7000, message: 'No route for that URI' }], messages: [], result: null });
    const path = `/zones/${'0'.repeat(32)}/firewall/access_rules/rules`;
    const unknownId = await callEmulator(emulator, 'GET', path);
    expect(unknownId.status).toBe(400);
    const message = `Could not route to /zones/${'0'.repeat(32)}, perhaps your object identifier is invalid?`;
    expect(unknownId.body).toEqual({ success: false, errors: [{ code: 7003, message }], messages: [], result: null });
    emulator.state.behaviour.unknownObjectStatus = 404;
    expect((await callEmulator(emulator, 'GET', path)).status).toBe(404);
  });

  it("reads R2 bucket lifecycle rules (r2.buckets.lifecycle.get) in the shape of Cloudflare's r2_lifecycle-config, jurisdiction buckets by header", async () => {
    const expiry = {
      id: 'expire-logs',
      enabled: true,
      conditions: { prefix: 'fw/' },
      deleteObjectsTransition: { condition: { type: 'Age' as const, maxAge: 2_592_000 } },
    };
    addR2Bucket(emulator.state, zone.accountId, { name: 'cf-logs', lifecycleRules: [expiry, R2_DEFAULT_MULTIPART_RULE] });
    addR2Bucket(emulator.state, zone.accountId, { name: 'cf-logs', jurisdiction: 'eu' });
    const lifecycle = await client.r2.buckets.lifecycle.get('cf-logs', { account_id: zone.accountId });
    expect(lifecycle.rules).toEqual([expiry, R2_DEFAULT_MULTIPART_RULE]);
    expect(validateR2LifecycleConfig(lifecycle)).toBe(true);
    const eu = await client.r2.buckets.lifecycle.get('cf-logs', { account_id: zone.accountId, 'cf-r2-jurisdiction': 'eu' });
    expect(eu.rules).toEqual([R2_DEFAULT_MULTIPART_RULE]);
    expect(validateR2LifecycleConfig(eu)).toBe(true);

    const missing = await callEmulator(emulator, 'GET', `/accounts/${zone.accountId}/r2/buckets/no-such/lifecycle`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, errors: [{ code: 10006 }] });
    addToken(emulator.state, { value: 'no-r2', permissions: ['Logs Write'] });
    const refused = await callEmulator(emulator, 'GET', `/accounts/${zone.accountId}/r2/buckets/cf-logs/lifecycle`, { token: 'no-r2' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ success: false, errors: [{ code: 10000 }] });
  });
});

/**
 * Cloudflare's `r2_lifecycle-config` (api-schemas: rules of id, enabled, conditions.prefix and optional transitions;
 * ages are integer seconds), strict about unknown keys so a misspelt transition fails.
 */
const AGE = { type: 'object', required: ['maxAge', 'type'], additionalProperties: false, properties: { maxAge: { type: 'integer' }, type: { const: 'Age' } } };
const DATE = { type: 'object', required: ['date', 'type'], additionalProperties: false, properties: { date: { type: 'string' }, type: { const: 'Date' } } };
const validateR2LifecycleConfig = new Ajv({ strict: false }).compile({
  type: 'object',
  additionalProperties: false,
  properties: {
    rules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'enabled', 'conditions'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          enabled: { type: 'boolean' },
          conditions: { type: 'object', required: ['prefix'], properties: { prefix: { type: 'string' } } },
          abortMultipartUploadsTransition: { type: 'object', additionalProperties: false, properties: { condition: AGE } },
          deleteObjectsTransition: { type: 'object', additionalProperties: false, properties: { condition: { oneOf: [AGE, DATE] } } },
          storageClassTransitions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['condition', 'storageClass'],
              properties: { condition: { oneOf: [AGE, DATE] }, storageClass: { const: 'InfrequentAccess' } },
            },
          },
        },
      },
    },
  },
});
