import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addAccessRules,
  addHttpRequests,
  addIpList,
  addLockdowns,
  addLogpushJobs,
  addRuleset,
  addZone,
  generateAccessRules,
  generateCustomRuleset,
  generateIpList,
  generateLockdowns,
  generateLogpushJobs,
  type Emulator,
} from '../src/index.js';
import { callEmulator, startTestEmulator } from '../src/testing.js';

/**
 * Every implemented REST endpoint that the 2024 OpenAPI subset describes answers with a body that validates against
 * that path's response schema. Mismatches the newer SDK forces (the SDK wins, reference §0) are listed in SDK_WINS.
 */

interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: Record<string, Record<string, unknown>>;
  'x-common-envelope': Record<string, unknown>;
}
const spec = JSON.parse(readFileSync(new URL('./fixtures/cloudflare-openapi-subset.json', import.meta.url), 'utf8')) as OpenApi;
type Schema = Record<string, unknown>;
const schemas = spec.components['schemas'] as Record<string, Schema>;

/**
 * OpenAPI 3.0 `nullable` with an `enum` means null is allowed too; Ajv only honours `nullable` for `type`, so null is
 * added to such enums.
 */
function allowNullInNullableEnums(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(allowNullInNullableEnums);
  if (node === null || typeof node !== 'object') return;
  const schema = node as Schema;
  if (schema['nullable'] === true && Array.isArray(schema['enum']) && !schema['enum'].includes(null)) schema['enum'] = [...schema['enum'], null];
  Object.values(schema).forEach(allowNullInNullableEnums);
}
allowNullInNullableEnums(spec.components);

/**
 * Where the 2024 subset cannot be right or the newer SDK (cloudflare@7.3.0) says otherwise, the emulator follows the
 * SDK / docs and the schema is corrected here:
 * - lists_api-response-collection types `result` as an array, yet single-list, item and operation responses compose it
 *   with an object `result` (no body could satisfy both): the array constraint is dropped.
 * - lists_item is `oneOf` bare values (string | redirect | hostname | integer) next to the object `properties`; the API
 *   and the SDK (`ItemListResponse`) return objects `{id, ip, comment?, created_on, modified_on}`: the oneOf is dropped.
 * - logpush_kind allows only 'edge'; the SDK types it `'' | 'edge'` and jobs show `"kind": ""`.
 * - logpush_destination_conf is `format: uri`, but real values carry the `{DATE}` placeholder (docs, R2 / S3 pages),
 *   which is not a valid URI character: the format is dropped.
 * - Every 4XX schema composes the success envelope (success: true, required result fields) with the failure one, so
 *   no error body could match; errors are checked against the common failure envelope (x-common-envelope) instead.
 */
const SDK_WINS = ['lists_api-response-collection', 'lists_item', 'logpush_kind', 'logpush_destination_conf'];
delete (schemas['lists_api-response-collection']?.['allOf'] as Schema[] | undefined)?.[1]?.['properties'];
delete schemas['lists_item']?.['oneOf'];
(schemas['logpush_kind'] as Schema)['enum'] = ['', 'edge', null];
delete schemas['logpush_destination_conf']?.['format'];

// ajv-formats is CommonJS; under ESM its default export sits one level down.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => void;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ $id: 'spec', components: spec.components });
ajv.addSchema({ $id: 'envelope', components: { schemas: spec['x-common-envelope'] } });
const validateFailure = ajv.compile({ $ref: 'envelope#/components/schemas/api-response-common-failure' });

function resolveResponse(response: unknown): { content?: Record<string, { schema?: unknown }> } {
  const ref = (response as { $ref?: string }).$ref;
  if (ref === undefined) return response as { content?: Record<string, { schema?: unknown }> };
  const name = ref.split('/').pop() ?? '';
  return resolveResponse(spec.components['responses']?.[name]);
}

/** Rewrites local `#/components/...` refs to the registered spec document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? `spec${value}` : rebase(value)]));
}

const templates = Object.keys(spec.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

function validatorFor(method: string, path: string, status: number): ValidateFunction | undefined {
  if (status >= 400) return validateFailure;
  const found = templates.find(({ pattern }) => pattern.test(path));
  if (found === undefined) return undefined;
  const responses = spec.paths[found.template]?.[method.toLowerCase()]?.responses ?? {};
  // L1: the docs answer an accepted async list operation with 201; the 2024 subset only describes its 200.
  const response = responses[String(status)] ?? (status === 201 ? responses['200'] : undefined) ?? responses[`${String(status)[0]}XX`];
  const schema = response === undefined ? undefined : resolveResponse(response).content?.['application/json']?.schema;
  return schema === undefined ? undefined : ajv.compile(rebase(schema) as object);
}

describe('REST responses validate against the OpenAPI subset', () => {
  let emulator: Emulator;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // Bulk operations advance on polls only, so the test's two polls always complete them.
    emulator = await startTestEmulator({ behaviour: { bulkOperationStepMs: 3_600_000 } });
    const now = new Date();
    const zone = addZone(emulator.state, { name: 'shop.example.com', plan: 'enterprise', logRetention: true });
    ids['zone'] = zone.id;
    ids['account'] = zone.accountId;
    const zoneRules = generateAccessRules({ now, count: 12, scope: { id: zone.id, type: 'zone', name: zone.name }, allowCountryBlock: true });
    addAccessRules(emulator.state, { zoneId: zone.id }, zoneRules);
    ids['zoneRule'] = zoneRules[0]?.id ?? '';
    const accountRules = generateAccessRules({ seed: 9, now, count: 5, scope: { id: zone.accountId, type: 'account' } });
    addAccessRules(emulator.state, { accountId: zone.accountId }, accountRules);
    ids['accountRule'] = accountRules[0]?.id ?? '';
    const list = addIpList(emulator.state, zone.accountId, generateIpList({ now, name: 'abuse_ips', items: 30 }));
    ids['list'] = list.id;
    ids['item'] = [...list.items.keys()][0] ?? '';
    const lockdowns = generateLockdowns({ now, count: 2 });
    addLockdowns(emulator.state, zone.id, lockdowns);
    ids['lockdown'] = lockdowns[0]?.id ?? '';
    const ruleset = addRuleset(emulator.state, { zoneId: zone.id }, generateCustomRuleset({ now, rules: 3, listName: 'abuse_ips' }));
    ids['ruleset'] = ruleset.id;
    ids['rule'] = ruleset.rules[0]?.id ?? '';
    addLogpushJobs(emulator.state, { zoneId: zone.id }, generateLogpushJobs({ count: 2, accountId: zone.accountId }));
    const logAt = Math.floor(now.getTime() / 60_000) * 60_000 - 10 * 60_000;
    addHttpRequests(emulator.state, zone.id, [{ datetime: new Date(logAt + 5000).toISOString(), clientIP: '192.0.2.55', clientCountryName: 'NL', count: 3 }]);
    ids['logStart'] = new Date(logAt).toISOString();
    ids['logEnd'] = new Date(logAt + 60_000).toISOString();
    addLogpushJobs(emulator.state, { accountId: zone.accountId }, generateLogpushJobs({ count: 1, accountId: zone.accountId, firstId: 500 }));
  });
  afterAll(() => emulator.close());

  type Call = [string, (ids: Record<string, string>) => string, unknown?, ((body: Record<string, unknown>) => void)?];
  const capture = (name: string, read: (result: Record<string, unknown>) => unknown) => (body: Record<string, unknown>) => {
    ids[name] = String(read(body));
  };
  const result = (body: Record<string, unknown>): Record<string, unknown> => body['result'] as Record<string, unknown>;
  const calls: Call[] = [
    ['GET', () => '/user/tokens/verify'],
    ['GET', (i) => `/zones/${i['zone']}/firewall/access_rules/rules?per_page=5&page=2`],
    ['GET', (i) => `/zones/${i['zone']}/firewall/access_rules/rules?page=99`],
    ['POST', (i) => `/zones/${i['zone']}/firewall/access_rules/rules`, { mode: 'block', configuration: { target: 'ip', value: '192.0.2.200' }, notes: 'x' }],
    ['PATCH', (i) => `/zones/${i['zone']}/firewall/access_rules/rules/${i['zoneRule']}`, { mode: 'challenge' }],
    ['GET', (i) => `/accounts/${i['account']}/firewall/access_rules/rules`],
    ['GET', (i) => `/accounts/${i['account']}/firewall/access_rules/rules/${i['accountRule']}`],
    ['PATCH', (i) => `/accounts/${i['account']}/firewall/access_rules/rules/${i['accountRule']}`, { notes: 'edited' }],
    [
      'POST',
      (i) => `/accounts/${i['account']}/firewall/access_rules/rules`,
      { mode: 'whitelist', configuration: { target: 'ip_range', value: '192.0.2.0/24' } },
    ],
    ['DELETE', (i) => `/accounts/${i['account']}/firewall/access_rules/rules/${i['accountRule']}`],
    ['DELETE', (i) => `/zones/${i['zone']}/firewall/access_rules/rules/${i['zoneRule']}`],
    ['GET', (i) => `/accounts/${i['account']}/rules/lists`],
    ['GET', (i) => `/accounts/${i['account']}/rules/lists/${i['list']}`],
    ['GET', (i) => `/accounts/${i['account']}/rules/lists/${i['list']}/items?per_page=10`],
    ['GET', (i) => `/accounts/${i['account']}/rules/lists/${i['list']}/items/${i['item']}`],
    [
      'DELETE',
      (i) => `/accounts/${i['account']}/rules/lists/${i['list']}/items`,
      { items: [{ id: 'x'.repeat(32) }] },
      capture('op', (b) => result(b)['operation_id']),
    ],
    ['GET', (i) => `/accounts/${i['account']}/rules/lists/bulk_operations/${i['op']}`],
    ['GET', (i) => `/accounts/${i['account']}/rules/lists/bulk_operations/${i['op']}`],
    [
      'POST',
      (i) => `/accounts/${i['account']}/rules/lists/${i['list']}/items`,
      [{ ip: '192.0.2.9', comment: 'x' }],
      capture('op', (b) => result(b)['operation_id']),
    ],
    ['GET', (i) => `/accounts/${i['account']}/rules/lists/bulk_operations/${i['op']}`],
    ['GET', (i) => `/accounts/${i['account']}/rules/lists/bulk_operations/${i['op']}`],
    ['PUT', (i) => `/accounts/${i['account']}/rules/lists/${i['list']}/items`, [{ ip: '192.0.2.10' }], capture('op', (b) => result(b)['operation_id'])],
    ['GET', (i) => `/accounts/${i['account']}/rules/lists/bulk_operations/${i['op']}`],
    ['GET', (i) => `/accounts/${i['account']}/rules/lists/bulk_operations/${i['op']}`],
    ['POST', (i) => `/accounts/${i['account']}/rules/lists`, { name: 'second_list', kind: 'ip', description: 'd' }, capture('list2', (b) => result(b)['id'])],
    ['DELETE', (i) => `/accounts/${i['account']}/rules/lists/${i['list2']}`],
    [
      'POST',
      (i) => `/zones/${i['zone']}/firewall/lockdowns`,
      { urls: ['shop.example.com/x*'], configurations: [{ target: 'ip_range', value: '192.0.2.0/24' }], description: 'x' },
    ],
    ['GET', (i) => `/zones/${i['zone']}/firewall/lockdowns`],
    ['GET', (i) => `/zones/${i['zone']}/firewall/lockdowns/${i['lockdown']}`],
    [
      'PUT',
      (i) => `/zones/${i['zone']}/firewall/lockdowns/${i['lockdown']}`,
      { urls: ['shop.example.com/admin*'], configurations: [{ target: 'ip', value: '192.0.2.1' }] },
    ],
    ['DELETE', (i) => `/zones/${i['zone']}/firewall/lockdowns/${i['lockdown']}`],
    ['GET', (i) => `/zones/${i['zone']}/rulesets`],
    ['GET', (i) => `/zones/${i['zone']}/rulesets/phases/http_request_firewall_custom/entrypoint`],
    ['GET', (i) => `/zones/${i['zone']}/rulesets/${i['ruleset']}`],
    [
      'PATCH',
      (i) => `/zones/${i['zone']}/rulesets/${i['ruleset']}/rules/${i['rule']}`,
      { action: 'block', expression: '(ip.src in {192.0.2.1})', description: 'd', enabled: true },
    ],
    [
      'POST',
      (i) => `/zones/${i['zone']}/rulesets/${i['ruleset']}/rules`,
      { action: 'log', expression: '(ip.src in {192.0.2.7})' },
      capture('rule2', (b) => (result(b)['rules'] as { id: string }[]).at(-1)?.id),
    ],
    ['DELETE', (i) => `/zones/${i['zone']}/rulesets/${i['ruleset']}/rules/${i['rule2']}`],
    [
      'PUT',
      (i) => `/zones/${i['zone']}/rulesets/phases/http_request_firewall_custom/entrypoint`,
      { rules: [{ action: 'block', expression: '(ip.src in {192.0.2.8})' }] },
    ],
    [
      'PUT',
      (i) => `/accounts/${i['account']}/rulesets/phases/http_request_firewall_custom/entrypoint`,
      { rules: [] },
      capture('accountRuleset', (b) => result(b)['id']),
    ],
    ['GET', (i) => `/accounts/${i['account']}/rulesets/phases/http_request_firewall_custom/entrypoint`],
    ['GET', (i) => `/accounts/${i['account']}/rulesets`],
    ['GET', (i) => `/accounts/${i['account']}/rulesets/${i['accountRuleset']}`],
    [
      'GET',
      (i) => `/zones/${i['zone']}/logs/received?start=${i['logStart']}&end=${i['logEnd']}&count=1&fields=ClientIP,RayID,EdgeStartTimestamp`,
      undefined,
      capture('ray', (b) => b['RayID']),
    ],
    ['GET', (i) => `/zones/${i['zone']}/logs/rayids/${i['ray']}?fields=ClientIP,RayID`],
    ['GET', (i) => `/zones/${i['zone']}/logs/received/fields`],
    ['GET', (i) => `/zones/${i['zone']}/logs/control/retention/flag`],
    ['POST', (i) => `/zones/${i['zone']}/logs/control/retention/flag`, { flag: false }],
    ['GET', (i) => `/zones/${i['zone']}/logpush/jobs`],
    ['GET', () => `/zones/${ids['zone']}/logpush/jobs/100`],
    ['DELETE', () => `/zones/${ids['zone']}/logpush/jobs/101`],
    ['GET', (i) => `/accounts/${i['account']}/logpush/jobs`],
    ['GET', (i) => `/accounts/${i['account']}/logpush/jobs/500`],
    ['DELETE', (i) => `/accounts/${i['account']}/logpush/jobs/500`],
  ];

  it.each(calls.map(([method, path, body, after], index) => ({ index, method, path, body, after })))(
    '$method call #$index',
    async ({ method, path, body, after }) => {
      const concrete = path(ids);
      const response = await callEmulator(emulator, method, concrete, body === undefined ? {} : { body });
      expect(response.status, `${method} ${concrete} → ${response.text.slice(0, 300)}`).toBeLessThan(300);
      after?.(response.body as Record<string, unknown>);
      const validate = validatorFor(method, concrete.split('?')[0] ?? '', response.status);
      expect(validate, `no schema for ${method} ${concrete} ${response.status}`).toBeDefined();
      const valid = validate?.(response.body);
      expect(validate?.errors ?? [], `${method} ${concrete} → ${response.status} ${response.text.slice(0, 300)}`).toEqual([]);
      expect(valid).toBe(true);
    },
  );

  it('corrects only the schemas listed in SDK_WINS', () => {
    expect(SDK_WINS.every((name) => schemas[name] !== undefined)).toBe(true);
  });

  it('uses the failure schema for errors too', async () => {
    const path = `/zones/${ids['zone']}/firewall/access_rules/rules/${'0'.repeat(32)}`;
    const response = await callEmulator(emulator, 'PATCH', path, { body: { mode: 'block' } });
    expect(response.status).toBe(404);
    expect(validatorFor('PATCH', path, 404)?.(response.body)).toBe(true);
  });
});
