import { apiError, badRequest, ok, paginate, type Reply } from '../envelope.js';
import { isIPv4, isIPv6, parseCidr } from '../ip.js';
import type { Lockdown, LockdownConfiguration } from '../models.js';
import { REST_LIMITS } from '../limits.js';
import type { RestRequest, Route } from '../router.js';
import { readPage } from './pagination.js';
import { isRecord, nowIso, zoneOf } from './scope.js';

/** Zone Lockdown (K1): Pro and above; 3 / 10 / 200 rules on Pro / Business / Enterprise (limits.ts). */

const READ = ['Firewall Services Read', 'Firewall Services Write'];
const WRITE = ['Firewall Services Write'];
const BASE = '/zones/:zone_id/firewall/lockdowns';

const lockdownNotFound = (): Reply => apiError(404, 10001, 'zonelockdown.api.not_found');
/** K1: the wording is attested, the code is not (10020 is the emulator's choice; clients key on status and wording). */
const notEntitled = (): Reply => apiError(403, 10020, 'zonelockdown.api.not_entitled.max_rules');

const maxRules = (request: RestRequest): number => REST_LIMITS.lockdownRules.value[zoneOf(request).plan];

function gate(request: RestRequest): Reply | undefined {
  return maxRules(request) === 0 ? notEntitled() : undefined;
}

function readBody(
  body: unknown,
): { urls: string[]; configurations: LockdownConfiguration[]; description?: string; paused?: boolean; priority?: number } | Reply {
  if (!isRecord(body)) return badRequest('request body must be an object', 10001);
  const urls = body['urls'];
  const configurations = body['configurations'];
  if (!Array.isArray(urls) || urls.length === 0 || !urls.every((url) => typeof url === 'string'))
    return badRequest('urls must be a non-empty array of strings', 10001);
  if (!Array.isArray(configurations) || configurations.length === 0) return badRequest('configurations must be a non-empty array', 10001);
  const checked: LockdownConfiguration[] = [];
  for (const entry of configurations) {
    const target = isRecord(entry) ? entry['target'] : undefined;
    const value = isRecord(entry) && typeof entry['value'] === 'string' ? entry['value'] : '';
    const cidr = parseCidr(value);
    // Lockdown ranges allow only /16 and /24 (IPv4); single addresses may be IPv4 or IPv6.
    const valid =
      target === 'ip' ? isIPv4(value) || isIPv6(value) : target === 'ip_range' ? cidr?.version === 4 && (cidr.prefix === 16 || cidr.prefix === 24) : false;
    if (!valid) return badRequest(`invalid lockdown configuration ${JSON.stringify(entry)}`, 10001);
    checked.push({ target: target as 'ip' | 'ip_range', value });
  }
  const maxIps = REST_LIMITS.lockdownIpsPerRule.value;
  if (checked.length > maxIps) return badRequest(`zonelockdown.api.validation=max ${maxIps} IP/CIDRs exceeded`, 10001);
  return {
    urls,
    configurations: checked,
    ...(typeof body['description'] === 'string' ? { description: body['description'] } : {}),
    ...(typeof body['paused'] === 'boolean' ? { paused: body['paused'] } : {}),
    ...(typeof body['priority'] === 'number' ? { priority: body['priority'] } : {}),
  };
}

function listLockdowns(request: RestRequest): Reply {
  const q = request.query;
  // K1: per_page must be 1 or a multiple of 5.
  const paging = readPage(q, { perPage: 20, maxPerPage: REST_LIMITS.lockdownMaxPerPage.value });
  if ('status' in paging) return paging;
  if (paging.perPage !== 1 && paging.perPage % 5 !== 0) return badRequest('per_page must be 1 or a multiple of 5', 1004);
  // K1 unknown: whether a Free zone's listing is refused or empty (switch `lockdownFreeListing`).
  if (maxRules(request) === 0) return request.state.behaviour.lockdownFreeListing === 'empty' ? paginate([], paging.page, paging.perPage) : notEntitled();
  const ip = q.get('ip') ?? q.get('ip_search');
  const uri = q.get('uri_search');
  const description = q.get('description');
  const descriptionSearch = q.get('description_search');
  const rules = [...zoneOf(request).lockdowns.values()].filter(
    (rule) =>
      (ip === null || rule.configurations.some((c) => c.value === ip || c.value.startsWith(ip))) &&
      (uri === null || rule.urls.some((url) => url.includes(uri))) &&
      (description === null || rule.description === description) &&
      (descriptionSearch === null || rule.description.toLowerCase().includes(descriptionSearch.toLowerCase())),
  );
  return paginate(rules, paging.page, paging.perPage);
}

function createLockdown(request: RestRequest): Reply {
  const zone = zoneOf(request);
  const input = readBody(request.body);
  if ('status' in input) return input;
  if (zone.lockdowns.size >= maxRules(request)) return notEntitled();
  const at = nowIso(request);
  const rule: Lockdown = {
    id: request.state.nextId(),
    description: input.description ?? '',
    paused: input.paused ?? false,
    ...(input.priority !== undefined ? { priority: input.priority } : {}),
    urls: input.urls,
    configurations: input.configurations,
    created_on: at,
    modified_on: at,
  };
  zone.lockdowns.set(rule.id, rule);
  return ok(rule);
}

function updateLockdown(request: RestRequest): Reply {
  const rule = zoneOf(request).lockdowns.get(request.params['lockdown_id'] ?? '');
  if (rule === undefined) return lockdownNotFound();
  const input = readBody(request.body);
  if ('status' in input) return input;
  rule.urls = input.urls;
  rule.configurations = input.configurations;
  if (input.description !== undefined) rule.description = input.description;
  if (input.paused !== undefined) rule.paused = input.paused;
  if (input.priority !== undefined) rule.priority = input.priority;
  rule.modified_on = nowIso(request);
  return ok(rule);
}

function gated(handler: (request: RestRequest) => Reply): (request: RestRequest) => Reply {
  return (request) => gate(request) ?? handler(request);
}

export const LOCKDOWN_ROUTES: Route[] = [
  { method: 'GET', path: BASE, permissions: READ, handle: listLockdowns },
  { method: 'POST', path: BASE, permissions: WRITE, handle: gated(createLockdown) },
  {
    method: 'GET',
    path: `${BASE}/:lockdown_id`,
    permissions: READ,
    handle: gated((request) => {
      const rule = zoneOf(request).lockdowns.get(request.params['lockdown_id'] ?? '');
      return rule === undefined ? lockdownNotFound() : ok(rule);
    }),
  },
  { method: 'PUT', path: `${BASE}/:lockdown_id`, permissions: WRITE, handle: gated(updateLockdown) },
  {
    method: 'DELETE',
    path: `${BASE}/:lockdown_id`,
    permissions: WRITE,
    handle: gated((request) => {
      const id = request.params['lockdown_id'] ?? '';
      return zoneOf(request).lockdowns.delete(id) ? ok({ id }) : lockdownNotFound();
    }),
  },
];
