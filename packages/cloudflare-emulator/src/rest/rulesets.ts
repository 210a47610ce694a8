import { apiError, badRequest, ok, type Reply } from '../envelope.js';
import type { PlanId, Ruleset, RulesetRule } from '../models.js';
import type { RestRequest, Route } from '../router.js';
import { isRecord, nowIso, scopeOf } from './scope.js';

/** Rulesets API for WAF custom rules (reference §5.2), zone and account level. */

/** Custom rules per zone: 5 / 20 / 100 / 1,000 on Free / Pro / Business / Enterprise. */
const CUSTOM_RULE_LIMIT: Record<PlanId, number> = { free: 5, pro: 20, business: 100, enterprise: 1000 };

function rulesetsOf(request: RestRequest): { rulesets: Map<string, Ruleset>; plan: PlanId; kind: 'zone' | 'root' } {
  const scope = scopeOf(request);
  return scope.kind === 'zone'
    ? { rulesets: scope.zone.rulesets, plan: scope.zone.plan, kind: 'zone' }
    : { rulesets: scope.account.rulesets, plan: scope.account.plan, kind: 'root' };
}

const rulesetNotFound = (): Reply => apiError(404, 10003, 'could not find ruleset');
const ruleNotFound = (): Reply => apiError(404, 10003, 'could not find rule in ruleset');

function entrypointOf(rulesets: Map<string, Ruleset>, phase: string): Ruleset | undefined {
  return [...rulesets.values()].find((ruleset) => ruleset.phase === phase && (ruleset.kind === 'zone' || ruleset.kind === 'root'));
}

function readRule(request: RestRequest, input: unknown, previous?: RulesetRule): RulesetRule | Reply {
  if (!isRecord(input)) return badRequest('rule must be an object', 20021);
  const action = input['action'];
  const expression = input['expression'];
  if (typeof action !== 'string' || typeof expression !== 'string' || expression.trim() === '') {
    return badRequest('rule requires action and expression', 20021);
  }
  const id = previous?.id ?? request.state.nextId();
  return {
    id,
    version: previous === undefined ? '1' : String(Number(previous.version) + 1),
    action,
    expression,
    description: typeof input['description'] === 'string' ? input['description'] : '',
    enabled: typeof input['enabled'] === 'boolean' ? input['enabled'] : true,
    ref: typeof input['ref'] === 'string' ? input['ref'] : (previous?.ref ?? id),
    last_updated: nowIso(request),
  };
}

function bump(request: RestRequest, ruleset: Ruleset): Reply {
  ruleset.version = String(Number(ruleset.version) + 1);
  ruleset.last_updated = nowIso(request);
  return ok(ruleset);
}

function checkLimit(request: RestRequest, count: number): Reply | undefined {
  const { plan } = rulesetsOf(request);
  return count > CUSTOM_RULE_LIMIT[plan] ? badRequest(`the plan allows at most ${CUSTOM_RULE_LIMIT[plan]} custom rules`, 20021) : undefined;
}

/** Listing omits the rules (reference §5.2); cursor pagination over creation order. */
function listRulesets(request: RestRequest): Reply {
  const all = [...rulesetsOf(request).rulesets.values()].map(({ rules: _rules, ...rest }) => rest);
  const perPage = request.query.has('per_page') ? Number(request.query.get('per_page')) : 50;
  if (!Number.isInteger(perPage) || perPage < 1) return badRequest('per_page must be a positive integer', 10001);
  const cursor = request.query.get('cursor');
  const start = cursor === null || cursor === '' ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) return badRequest('invalid cursor', 10001);
  const page = all.slice(start, start + perPage);
  const next = start + perPage < all.length ? Buffer.from(String(start + perPage)).toString('base64url') : undefined;
  return ok(page, next === undefined ? { per_page: perPage } : { cursor: next, per_page: perPage });
}

function getEntrypoint(request: RestRequest): Reply {
  const phase = request.params['phase'] ?? '';
  const ruleset = entrypointOf(rulesetsOf(request).rulesets, phase);
  return ruleset === undefined ? apiError(404, 10003, `could not find entrypoint ruleset in the ${phase} phase`) : ok(ruleset);
}

function putEntrypoint(request: RestRequest): Reply {
  const { rulesets, kind } = rulesetsOf(request);
  const phase = request.params['phase'] ?? '';
  const body = isRecord(request.body) ? request.body : {};
  const inputs = body['rules'];
  if (!Array.isArray(inputs)) return badRequest('rules must be an array', 20021);
  const limited = checkLimit(request, inputs.length);
  if (limited !== undefined) return limited;
  let ruleset = entrypointOf(rulesets, phase);
  if (ruleset === undefined) {
    ruleset = { id: request.state.nextId(), name: 'default', description: '', kind, version: '0', phase, last_updated: nowIso(request), rules: [] };
    rulesets.set(ruleset.id, ruleset);
  }
  const previous = new Map(ruleset.rules.map((rule) => [rule.id, rule]));
  const rules: RulesetRule[] = [];
  for (const input of inputs) {
    const before = isRecord(input) && typeof input['id'] === 'string' ? previous.get(input['id']) : undefined;
    const rule = readRule(request, input, before);
    if ('status' in rule) return rule;
    rules.push(rule);
  }
  ruleset.rules = rules;
  if (typeof body['description'] === 'string') ruleset.description = body['description'];
  return bump(request, ruleset);
}

function withRuleset(handler: (request: RestRequest, ruleset: Ruleset) => Reply): (request: RestRequest) => Reply {
  return (request) => {
    const ruleset = rulesetsOf(request).rulesets.get(request.params['ruleset_id'] ?? '');
    return ruleset === undefined ? rulesetNotFound() : handler(request, ruleset);
  };
}

const addRule = withRuleset((request, ruleset) => {
  const limited = checkLimit(request, ruleset.rules.length + 1);
  if (limited !== undefined) return limited;
  const rule = readRule(request, request.body);
  if ('status' in rule) return rule;
  ruleset.rules.push(rule);
  return bump(request, ruleset);
});

/** Edit sends the full rule definition and answers with the whole updated ruleset. */
const editRule = withRuleset((request, ruleset) => {
  const index = ruleset.rules.findIndex((rule) => rule.id === request.params['rule_id']);
  const previous = ruleset.rules[index];
  if (previous === undefined) return ruleNotFound();
  const rule = readRule(request, request.body, previous);
  if ('status' in rule) return rule;
  ruleset.rules[index] = rule;
  return bump(request, ruleset);
});

const deleteRule = withRuleset((request, ruleset) => {
  const index = ruleset.rules.findIndex((rule) => rule.id === request.params['rule_id']);
  if (index < 0) return ruleNotFound();
  ruleset.rules.splice(index, 1);
  return bump(request, ruleset);
});

function routesFor(prefix: string, read: readonly string[], write: readonly string[]): Route[] {
  const base = `${prefix}/rulesets`;
  const readAny = [...read, ...write];
  return [
    { method: 'GET', path: base, permissions: readAny, handle: listRulesets },
    { method: 'GET', path: `${base}/phases/:phase/entrypoint`, permissions: readAny, handle: getEntrypoint },
    { method: 'PUT', path: `${base}/phases/:phase/entrypoint`, permissions: write, handle: putEntrypoint },
    { method: 'GET', path: `${base}/:ruleset_id`, permissions: readAny, handle: withRuleset((_request, ruleset) => ok(ruleset)) },
    { method: 'POST', path: `${base}/:ruleset_id/rules`, permissions: write, handle: addRule },
    { method: 'PATCH', path: `${base}/:ruleset_id/rules/:rule_id`, permissions: write, handle: editRule },
    { method: 'DELETE', path: `${base}/:ruleset_id/rules/:rule_id`, permissions: write, handle: deleteRule },
  ];
}

export const RULESET_ROUTES: Route[] = [
  ...routesFor('/zones/:zone_id', ['Zone WAF Read'], ['Zone WAF Write']),
  ...routesFor('/accounts/:account_id', ['Account Rulesets Read'], ['Account Rulesets Write', 'Account WAF Write']),
];
