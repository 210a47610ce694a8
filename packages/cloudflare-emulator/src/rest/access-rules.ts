import { apiError, badRequest, notEntitled, ok, type Reply } from '../envelope.js';
import { canonicalIPv6, isIPv4, isIPv6, parseCidr } from '../ip.js';
import { ACCESS_RULE_MODES, type AccessRule, type AccessRuleMode, type AccessRuleTarget, type PlanId } from '../models.js';
import { PLAN_NAMES } from '../plans.js';
import { REST_LIMITS } from '../limits.js';
import type { RestRequest, Route } from '../router.js';
import { pageOf } from './pagination.js';
import { isRecord, nowIso, scopeOf } from './scope.js';

/** IP Access Rules at zone and account level (reference §3). */

const TARGETS: readonly AccessRuleTarget[] = ['ip', 'ip6', 'ip_range', 'asn', 'country'];

function rulesOf(request: RestRequest): { rules: Map<string, AccessRule>; plan: PlanId; scope: AccessRule['scope'] } {
  const scope = scopeOf(request);
  if (scope.kind === 'zone') return { rules: scope.zone.accessRules, plan: scope.zone.plan, scope: { id: scope.zone.id, name: scope.zone.name, type: 'zone' } };
  return { rules: scope.account.accessRules, plan: scope.account.plan, scope: { id: scope.account.id, name: scope.account.name, type: 'account' } };
}

/**
 * A rule as the API shows it. Account-level rules carry `scope.type` `organization` (A3: the schema's enum is
 * user | organization, a fixture shows `organization`, `account` is not attested); `accountRuleScopeType` switches it.
 */
function renderRule(request: RestRequest, rule: AccessRule): AccessRule {
  if (rule.scope.type === 'zone') return rule;
  return { ...rule, scope: { ...rule.scope, type: request.state.behaviour.accountRuleScopeType } };
}

/** A2: a zone's listing also shows the rules of the zone's account, which apply to it (switch `zoneListingIncludesAccountRules`). */
function visibleRules(request: RestRequest): AccessRule[] {
  const scope = scopeOf(request);
  if (scope.kind === 'account') return [...scope.account.accessRules.values()];
  const own = [...scope.zone.accessRules.values()];
  const account = request.state.accounts.get(scope.zone.accountId);
  return request.state.behaviour.zoneListingIncludesAccountRules && account !== undefined ? [...own, ...account.accessRules.values()] : own;
}

const ruleNotFound = (): Reply => apiError(404, 10001, 'firewallaccessrules.api.not_found');

/** Checks a configuration the way the API documents it; returns the stored value or an error reply. */
function validateConfiguration(configuration: unknown): { target: AccessRuleTarget; value: string } | Reply {
  if (!isRecord(configuration) || typeof configuration['target'] !== 'string' || typeof configuration['value'] !== 'string') {
    return badRequest('configuration.target and configuration.value are required', 10022);
  }
  const target = configuration['target'] as AccessRuleTarget;
  const value = configuration['value'].trim();
  if (!TARGETS.includes(target)) return badRequest(`configuration.target must be one of ${TARGETS.join(', ')}`, 10022);
  // A4 wording: `firewallaccessrules.api.validation_error: invalid ip provided`.
  const invalid = badRequest(`firewallaccessrules.api.validation_error: invalid ${target} provided`, 10022);
  switch (target) {
    case 'ip':
      return isIPv4(value) ? { target, value } : invalid;
    case 'ip6':
      return isIPv6(value) ? { target, value: canonicalIPv6(value) } : invalid;
    case 'ip_range': {
      const cidr = parseCidr(value);
      const allowed = cidr?.version === 4 ? [16, 24] : [32, 48, 64];
      return cidr !== undefined && allowed.includes(cidr.prefix) ? { target, value } : invalid;
    }
    case 'asn':
      return /^AS\d{1,10}$/i.test(value) ? { target, value: value.toUpperCase() } : invalid;
    case 'country':
      return /^[A-Z]{2}$/i.test(value) ? { target, value: value.toUpperCase() } : invalid;
  }
}

function validateMode(mode: unknown): AccessRuleMode | Reply {
  return typeof mode === 'string' && (ACCESS_RULE_MODES as readonly string[]).includes(mode)
    ? (mode as AccessRuleMode)
    : badRequest(`mode must be one of ${ACCESS_RULE_MODES.join(', ')}`, 10022);
}

function isReply(value: unknown): value is Reply {
  return isRecord(value) && typeof value['status'] === 'number' && 'body' in value;
}

function listRules(request: RestRequest): Reply {
  const q = request.query;
  const checks: ((rule: AccessRule) => boolean)[] = [];
  const mode = q.get('mode');
  if (mode !== null) checks.push((rule) => rule.mode === mode);
  const target = q.get('configuration.target');
  if (target !== null) checks.push((rule) => rule.configuration.target === target || (target === 'ip' && rule.configuration.target === 'ip6'));
  const value = q.get('configuration.value');
  if (value !== null) checks.push((rule) => rule.configuration.value.toLowerCase() === value.toLowerCase());
  const notes = q.get('notes');
  if (notes !== null) checks.push((rule) => rule.notes.toLowerCase().includes(notes.toLowerCase()));
  const matchAny = q.get('match') === 'any';
  let selected = visibleRules(request).filter((rule) =>
    checks.length === 0 ? true : matchAny ? checks.some((check) => check(rule)) : checks.every((check) => check(rule)),
  );
  const order = q.get('order');
  if (order === 'configuration.target' || order === 'configuration.value' || order === 'mode') {
    const key = (rule: AccessRule): string =>
      order === 'mode' ? rule.mode : order === 'configuration.target' ? rule.configuration.target : rule.configuration.value;
    const sign = q.get('direction') === 'desc' ? -1 : 1;
    // Stable sort: equal keys keep creation order, so paging stays consistent.
    selected = [...selected].sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : 0));
  }
  return pageOf(
    selected.map((rule) => renderRule(request, rule)),
    q,
    { perPage: 20, maxPerPage: REST_LIMITS.accessRulesMaxPerPage.value },
  );
}

function createRule(request: RestRequest): Reply {
  const { rules, plan, scope } = rulesOf(request);
  const body = isRecord(request.body) ? request.body : {};
  const mode = validateMode(body['mode']);
  if (isReply(mode)) return mode;
  const configuration = validateConfiguration(body['configuration']);
  if (isReply(configuration)) return configuration;
  // Blocking a country is Enterprise-only; challenge/whitelist country rules work on every plan.
  if (configuration.target === 'country' && mode === 'block' && plan !== 'enterprise') {
    return notEntitled('Blocking a country with an IP Access rule', PLAN_NAMES[plan]);
  }
  for (const existing of rules.values()) {
    if (existing.configuration.target === configuration.target && existing.configuration.value === configuration.value) {
      return apiError(400, 10009, 'firewallaccessrules.api.duplicate_of_existing');
    }
  }
  const at = nowIso(request);
  const rule: AccessRule = {
    id: request.state.nextId(),
    mode,
    allowed_modes: [...ACCESS_RULE_MODES],
    configuration,
    notes: typeof body['notes'] === 'string' ? body['notes'] : '',
    created_on: at,
    modified_on: at,
    scope,
  };
  rules.set(rule.id, rule);
  return ok(renderRule(request, rule));
}

function editRule(request: RestRequest): Reply {
  const { rules } = rulesOf(request);
  const rule = rules.get(request.params['rule_id'] ?? '');
  if (rule === undefined) return ruleNotFound();
  const body = isRecord(request.body) ? request.body : {};
  let mode = rule.mode;
  if (body['mode'] !== undefined) {
    const checked = validateMode(body['mode']);
    if (isReply(checked)) return checked;
    mode = checked;
  }
  // Only mode and notes can change; the configuration is the rule's identity.
  if (body['configuration'] !== undefined) {
    const configuration = validateConfiguration(body['configuration']);
    if (isReply(configuration)) return configuration;
    if (configuration.target !== rule.configuration.target || configuration.value !== rule.configuration.value) {
      return badRequest('firewallaccessrules.api.configuration_immutable: the configuration of a rule cannot be changed', 10022);
    }
  }
  rule.mode = mode;
  if (typeof body['notes'] === 'string') rule.notes = body['notes'];
  rule.modified_on = nowIso(request);
  return ok(renderRule(request, rule));
}

function getRule(request: RestRequest): Reply {
  const rule = rulesOf(request).rules.get(request.params['rule_id'] ?? '');
  return rule === undefined ? ruleNotFound() : ok(renderRule(request, rule));
}

function deleteRule(request: RestRequest): Reply {
  const { rules } = rulesOf(request);
  const id = request.params['rule_id'] ?? '';
  if (!rules.delete(id)) return ruleNotFound();
  return ok({ id });
}

function routesFor(prefix: string, read: readonly string[], write: readonly string[]): Route[] {
  const base = `${prefix}/firewall/access_rules/rules`;
  return [
    { method: 'GET', path: base, permissions: [...read, ...write], handle: listRules },
    { method: 'POST', path: base, permissions: write, handle: createRule },
    { method: 'GET', path: `${base}/:rule_id`, permissions: [...read, ...write], handle: getRule },
    { method: 'PATCH', path: `${base}/:rule_id`, permissions: write, handle: editRule },
    { method: 'DELETE', path: `${base}/:rule_id`, permissions: write, handle: deleteRule },
  ];
}

export const ACCESS_RULE_ROUTES: Route[] = [
  ...routesFor('/zones/:zone_id', ['Firewall Services Read'], ['Firewall Services Write']),
  ...routesFor('/accounts/:account_id', ['Account Firewall Access Rules Read'], ['Account Firewall Access Rules Write']),
];
