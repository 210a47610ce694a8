import type Cloudflare from 'cloudflare';
import { parseNetwork } from '../../policy/network.js';
import { asRecord, MalformedObjectError, readDate, readString, requireString } from './fields.js';
import type { AccessRule, ObjectScope } from './types.js';

/** Page size for access-rule lists; Cloudflare documents no maximum (reference §3), 100 is accepted. */
export const ACCESS_RULES_PER_PAGE = 100;

/** Every IP Access Rule visible in a zone or account (`GET /{scope}/firewall/access_rules/rules`, all pages). */
export async function fetchAccessRules(sdk: Cloudflare, scope: ObjectScope): Promise<AccessRule[]> {
  const params = scope.type === 'zone' ? { zone_id: scope.id } : { account_id: scope.id };
  const rules: AccessRule[] = [];
  for await (const raw of sdk.firewall.accessRules.list({ ...params, per_page: ACCESS_RULES_PER_PAGE })) {
    rules.push(toAccessRule(asRecord(raw), scope));
  }
  return rules;
}

/**
 * Where a rule lives, and so which endpoint deletes it: its own `scope`, not the listing it came through. A zone's
 * listing also shows the account's rules (A2); account rules say `organization` or `user`, `account` is not attested
 * but accepted (A3). Without a usable `scope`, the listing's scope is all there is.
 */
export function ownerOfRule(record: Readonly<Record<string, unknown>>, listedIn: ObjectScope): ObjectScope {
  const scope = record['scope'];
  if (typeof scope !== 'object' || scope === null) return listedIn;
  const type = readString(scope as Record<string, unknown>, 'type');
  const id = readString(scope as Record<string, unknown>, 'id');
  if (type === 'zone') return id ? { type: 'zone', id } : listedIn;
  if (type === 'account' || type === 'organization' || type === 'user') {
    return id ? { type: 'account', id } : listedIn;
  }
  return listedIn;
}

export function toAccessRule(record: Readonly<Record<string, unknown>>, listedIn: ObjectScope): AccessRule {
  const id = requireString(record, 'id', 'access rule');
  const configuration = asRecord(record['configuration']);
  const target = requireString(configuration, 'target', `access rule ${id}`);
  const value = readString(configuration, 'value') ?? '';
  const createdOn = readDate(record, 'created_on');
  if (createdOn === undefined) throw new MalformedObjectError(`access rule ${id} (no created_on)`);
  const isNetwork = target === 'ip' || target === 'ip6' || target === 'ip_range';
  return {
    id,
    scope: ownerOfRule(record, listedIn),
    seenIn: [listedIn],
    mode: readString(record, 'mode') ?? '',
    target,
    value,
    notes: readString(record, 'notes') ?? '',
    createdOn,
    modifiedOn: readDate(record, 'modified_on'),
    network: isNetwork ? parseNetwork(value) : undefined,
  };
}

/**
 * Merges rules read through several scopes: a zone's list repeats the account-level rules that apply to it (A2), so
 * a rule seen in a zone and in its account is kept once, scoped to where it lives (where it can be deleted).
 */
export function mergeAccessRules(lists: readonly (readonly AccessRule[])[]): AccessRule[] {
  const byId = new Map<string, AccessRule>();
  for (const rule of lists.flat()) {
    const seen = byId.get(rule.id);
    if (seen === undefined) {
      byId.set(rule.id, rule);
      continue;
    }
    const seenIn = [...seen.seenIn, ...rule.seenIn.filter((s) => !seen.seenIn.some((t) => t.type === s.type && t.id === s.id))];
    const scope = seen.scope.type === 'account' ? seen.scope : rule.scope;
    byId.set(rule.id, { ...seen, scope, seenIn });
  }
  return [...byId.values()];
}
