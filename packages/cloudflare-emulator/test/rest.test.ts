import Cloudflare from 'cloudflare';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addAccount,
  addHttpRequests,
  getAccount,
  addLogpushJobs,
  addRuleset,
  addZone,
  generateCustomRuleset,
  generateLogpushJobs,
  type Emulator,
} from '../src/index.js';
import { TEST_TOKEN, callEmulator, startTestEmulator } from '../src/testing.js';

const NOW = Date.parse('2026-10-20T12:00:00Z');

describe('REST resources: plan gates, rulesets, Logpull and Logpush', () => {
  let emulator: Emulator;
  let client: Cloudflare;

  beforeEach(async () => {
    emulator = await startTestEmulator({ now: () => NOW });
    client = new Cloudflare({ apiToken: TEST_TOKEN, baseURL: emulator.baseUrl, maxRetries: 0 });
  });
  afterEach(() => emulator.close());

  it('gates Zone Lockdown off Free and caps rules per plan (K1)', async () => {
    const free = addZone(emulator.state, { name: 'free.example', plan: 'free' });
    const response = await callEmulator(emulator, 'GET', `/zones/${free.id}/firewall/lockdowns`);
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ success: false, errors: [{ message: 'zonelockdown.api.not_entitled.max_rules' }] });
    emulator.state.behaviour.lockdownFreeListing = 'empty';
    expect((await callEmulator(emulator, 'GET', `/zones/${free.id}/firewall/lockdowns`)).body).toMatchObject({ success: true, result: [] });
    const pro = addZone(emulator.state, { name: 'pro.example', plan: 'pro' });
    const body = { urls: ['pro.example/admin*'], configurations: [{ target: 'ip', value: '198.51.100.4' }] };
    for (let i = 0; i < 3; i++) await client.firewall.lockdowns.create({ zone_id: pro.id, ...body } as Parameters<typeof client.firewall.lockdowns.create>[0]);
    const fourth = await callEmulator(emulator, 'POST', `/zones/${pro.id}/firewall/lockdowns`, { body });
    expect([fourth.status, fourth.body]).toMatchObject([403, { errors: [{ message: 'zonelockdown.api.not_entitled.max_rules' }] }]);
    expect((await callEmulator(emulator, 'GET', `/zones/${pro.id}/firewall/lockdowns?per_page=2`)).status).toBe(400);
    const ids = [];
    for await (const rule of client.firewall.lockdowns.list({ zone_id: pro.id, per_page: 1 })) ids.push(rule.id);
    expect(ids).toHaveLength(3);
  });

  it('serves the custom-rules entrypoint (404 when absent), edits rules and bumps versions', async () => {
    const zone = addZone(emulator.state, { name: 'shop.example', plan: 'business' });
    await expect(client.rulesets.phases.get('http_request_firewall_custom', { zone_id: zone.id })).rejects.toMatchObject({
      status: 404,
      errors: [{ code: 10003, message: 'could not find entrypoint ruleset in the http_request_firewall_custom phase' }],
    });
    const ruleset = addRuleset(emulator.state, { zoneId: zone.id }, generateCustomRuleset({ now: new Date(NOW), rules: 2 }));
    const entry = await client.rulesets.phases.get('http_request_firewall_custom', { zone_id: zone.id });
    expect(entry.rules[0]?.expression).toMatch(/^\(ip\.src in \{[^}]+\}\)/);
    const rule = ruleset.rules[0];
    const edited = await client.rulesets.rules.edit(rule?.id ?? '', {
      ruleset_id: ruleset.id,
      zone_id: zone.id,
      action: 'block',
      expression: '(ip.src in {192.0.2.1})',
      description: 'trimmed',
      enabled: true,
    });
    expect(edited).toMatchObject({ version: '2', rules: [{ id: rule?.id, version: '2', expression: '(ip.src in {192.0.2.1})' }, {}] });
    const afterDelete = await client.rulesets.rules.delete(rule?.id ?? '', { ruleset_id: ruleset.id, zone_id: zone.id });
    expect((afterDelete as { rules: unknown[] }).rules).toHaveLength(1);
    const listed = [];
    for await (const item of client.rulesets.list({ zone_id: zone.id })) listed.push(item);
    expect(listed).toMatchObject([{ id: ruleset.id, phase: 'http_request_firewall_custom' }]);
    expect(listed[0]).not.toHaveProperty('rules');
  });

  it('toggles the retention flag and serves Logpull NDJSON on Enterprise only', async () => {
    const business = addZone(emulator.state, { name: 'biz.example', plan: 'business' });
    await expect(client.logs.control.retention.get({ zone_id: business.id })).rejects.toMatchObject({ status: 403 });
    const zone = addZone(emulator.state, { name: 'ent.example', plan: 'enterprise' });
    expect(await client.logs.control.retention.get({ zone_id: zone.id })).toEqual({ flag: false });
    addHttpRequests(emulator.state, zone.id, [{ datetime: '2026-10-20T10:00:30Z', clientIP: '198.51.100.9', clientCountryName: 'DE', count: 2 }]);
    const path = `/zones/${zone.id}/logs/received?start=2026-10-20T10:00:00Z&end=2026-10-20T10:01:00Z&fields=ClientIP,ClientCountry,RayID&timestamps=rfc3339`;
    expect((await callEmulator(emulator, 'GET', path)).status).toBe(400);
    expect(await client.logs.control.retention.create({ zone_id: zone.id, flag: true })).toEqual({ flag: true });
    const response = await client.logs.received
      .get({ zone_id: zone.id, start: '2026-10-20T10:00:00Z', end: '2026-10-20T10:01:00Z', fields: 'ClientIP,ClientCountry,RayID' })
      .asResponse();
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ ClientIP: '198.51.100.9', ClientCountry: 'de' });
    expect((await callEmulator(emulator, 'GET', path.replace('10:01:00Z', '11:00:01Z'))).status).toBe(400);
    const empty = await callEmulator(emulator, 'GET', path.replace(/10:0/g, '09:0'));
    expect(empty.status).toBe(200);
    expect(empty.text).toBe('');
  });

  it('lists and deletes Logpush jobs with integer ids, and gates them to Enterprise', async () => {
    const zone = addZone(emulator.state, { name: 'ent.example', plan: 'enterprise' });
    addLogpushJobs(emulator.state, { zoneId: zone.id }, generateLogpushJobs({ count: 2, accountId: zone.accountId }));
    const jobs = [];
    for await (const job of client.logpush.jobs.list({ zone_id: zone.id })) jobs.push(job);
    expect(jobs.map((job) => job?.id)).toEqual([100, 101]);
    expect(jobs[0]?.destination_conf).toContain('secret-access-key=');
    expect(await client.logpush.jobs.delete(100, { zone_id: zone.id })).toEqual({ id: 100 });
    await expect(client.logpush.jobs.get(100, { zone_id: zone.id })).rejects.toBeInstanceOf(Cloudflare.NotFoundError);
    zone.plan = 'pro';
    await expect(client.logpush.jobs.get(101, { zone_id: zone.id })).rejects.toMatchObject({ status: 403 });
  });

  it('counts list changes against their own 12-hour budgets and answers 201 for accepted operations (L1, L3)', async () => {
    emulator.state.limits = { ...emulator.state.limits, listItemChanges: 3 };
    const zone = addZone(emulator.state, { name: 'a.example', plan: 'enterprise' });
    const list = await client.rules.lists.create({ account_id: zone.accountId, name: 'abuse_ips', kind: 'ip' });
    const { operation_id: operationId } = await client.rules.lists.items.create(list.id, {
      account_id: zone.accountId,
      body: [{ ip: '192.0.2.1' }, { ip: '192.0.2.2' }],
    });
    await client.rules.lists.bulkOperations.get(operationId, { account_id: zone.accountId });
    expect(await client.rules.lists.bulkOperations.get(operationId, { account_id: zone.accountId })).toMatchObject({ status: 'completed' });
    const refused = await callEmulator(emulator, 'POST', `/accounts/${zone.accountId}/rules/lists/${list.id}/items`, {
      body: [{ ip: '192.0.2.3' }, { ip: '192.0.2.4' }],
    });
    expect(refused.status).toBe(429);
    // Refused until the first change leaves the 12-hour window; no lock-out for a whole window.
    expect(refused.headers.get('retry-after')).toBe(String(12 * 3600));
    const one = await callEmulator(emulator, 'POST', `/accounts/${zone.accountId}/rules/lists/${list.id}/items`, { body: [{ ip: '192.0.2.3' }] });
    expect(one.status).toBe(201);
    const settle = async (reply: { body: unknown }) => {
      const id = (reply.body as { result: { operation_id: string } }).result.operation_id;
      for (let i = 0; i < 2; i++) await client.rules.lists.bulkOperations.get(id, { account_id: zone.accountId });
    };
    await settle(one);
    emulator.state.behaviour.asyncListStatus = 200;
    emulator.state.limits = { ...emulator.state.limits, listItemChanges: 100, listModifyingRequests: 3 };
    const two = await callEmulator(emulator, 'POST', `/accounts/${zone.accountId}/rules/lists/${list.id}/items`, { body: [{ ip: '192.0.2.4' }] });
    expect(two.status).toBe(200);
    await settle(two);
    // The fourth modifying request is over the 3 allowed per window, however few items it changes.
    const three = await callEmulator(emulator, 'POST', `/accounts/${zone.accountId}/rules/lists/${list.id}/items`, { body: [{ ip: '192.0.2.5' }] });
    expect(three.status).toBe(429);
  });

  it('caps lists and items per plan and takes IP items from /2 (IPv4) and /4–/64 (IPv6) (L4)', async () => {
    const free = addAccount(emulator.state, { name: 'Free', plan: 'free' });
    const list = await client.rules.lists.create({ account_id: free.id, name: 'one', kind: 'ip' });
    const second = await callEmulator(emulator, 'POST', `/accounts/${free.id}/rules/lists`, { body: { name: 'two', kind: 'ip' } });
    expect([second.status, second.body]).toMatchObject([400, { errors: [{ message: 'the account has reached its limit of 1 custom lists' }] }]);
    const tooWide = await callEmulator(emulator, 'POST', `/accounts/${free.id}/rules/lists/${list.id}/items`, { body: [{ ip: '0.0.0.0/1' }] });
    expect(tooWide.status).toBe(400);
    const items = Array.from({ length: 10_001 }, (_, i) => ({ ip: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` }));
    const { operation_id: operationId } = await client.rules.lists.items.create(list.id, {
      account_id: free.id,
      body: [{ ip: '64.0.0.0/2' }, ...items.slice(1)],
    });
    await client.rules.lists.bulkOperations.get(operationId, { account_id: free.id });
    expect(await client.rules.lists.bulkOperations.get(operationId, { account_id: free.id })).toMatchObject({
      status: 'failed',
      error: 'This list is at the maximum number of items',
    });
    getAccount(emulator.state, free.id).plan = 'enterprise';
    const again = await client.rules.lists.items.create(list.id, { account_id: free.id, body: [{ ip: '64.0.0.0/2' }, ...items.slice(1)] });
    await client.rules.lists.bulkOperations.get(again.operation_id, { account_id: free.id });
    expect(await client.rules.lists.bulkOperations.get(again.operation_id, { account_id: free.id })).toMatchObject({ status: 'completed' });
  });

  it('answers 5xx as JSON or as an edge HTML page (R5), never with an invented code for the status', async () => {
    emulator.state.faults = { ...emulator.state.faults, rest: { ...emulator.state.faults.rest, serverError: 1 } };
    const json = await callEmulator(emulator, 'GET', '/zones');
    expect([json.status, json.body]).toMatchObject([503, { success: false, errors: [{ code: 10002 }] }]);
    emulator.state.behaviour.serverErrorBody = 'html';
    const html = await callEmulator(emulator, 'GET', '/zones');
    expect(html.status).toBe(503);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.text).toMatch(/^<!DOCTYPE html>/);
    expect(html.headers.get('ratelimit-policy')).toMatch(/^"burst";q=\d+;w=\d+$/);
  });

  it('words access-rule and lockdown refusals as the field reports quote them (A4, K1)', async () => {
    const zone = addZone(emulator.state, { name: 'ent.example', plan: 'enterprise' });
    const invalid = await callEmulator(emulator, 'POST', `/zones/${zone.id}/firewall/access_rules/rules`, {
      body: { mode: 'block', configuration: { target: 'ip', value: '300.1.1.1' } },
    });
    expect(invalid.body).toMatchObject({ errors: [{ message: 'firewallaccessrules.api.validation_error: invalid ip provided' }] });
    const missing = await callEmulator(emulator, 'DELETE', `/zones/${zone.id}/firewall/access_rules/rules/${'f'.repeat(32)}`);
    expect([missing.status, missing.body]).toMatchObject([404, { errors: [{ code: 10001, message: 'firewallaccessrules.api.not_found' }] }]);
    const configurations = Array.from({ length: 251 }, (_, i) => ({ target: 'ip', value: `192.0.2.${i % 250}` }));
    const wide = await callEmulator(emulator, 'POST', `/zones/${zone.id}/firewall/lockdowns`, { body: { urls: ['ent.example/*'], configurations } });
    expect(wide.body).toMatchObject({ errors: [{ message: 'zonelockdown.api.validation=max 250 IP/CIDRs exceeded' }] });
    const gone = await callEmulator(emulator, 'GET', `/zones/${zone.id}/firewall/lockdowns/${'f'.repeat(32)}`);
    expect([gone.status, gone.body]).toMatchObject([404, { errors: [{ code: 10001, message: 'zonelockdown.api.not_found' }] }]);
  });
});
