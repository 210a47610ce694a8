import { networksOverlap, type Network } from '../policy/network.js';
import type { AccessRule, CloudflareObjects, CustomRule, ListItem, Lockdown, ObjectScope } from './objects/types.js';

/** One Cloudflare object that names the subject's address or a range overlapping it. */
export type ReachedObject =
  | { readonly kind: 'access-rule'; readonly id: string; readonly scope: ObjectScope; readonly value: string; readonly rule: AccessRule }
  | { readonly kind: 'list-item'; readonly id: string; readonly scope: ObjectScope; readonly value: string; readonly item: ListItem }
  | { readonly kind: 'lockdown'; readonly id: string; readonly scope: ObjectScope; readonly values: readonly string[]; readonly lockdown: Lockdown }
  | { readonly kind: 'custom-rule'; readonly id: string; readonly scope: ObjectScope; readonly values: readonly string[]; readonly rule: CustomRule };

export interface SubjectReach {
  readonly network: Network;
  readonly objects: readonly ReachedObject[];
}

/**
 * Every Cloudflare object that names `network`: for an address, objects naming it or a range containing it; for
 * a range, also any address or range inside it. Used by holds (a hold on an IP keeps its rules and items) and by
 * subject requests. Negated expression literals (`not ip.src in {…}`) count too: they still name the address.
 * Pure: reads the snapshot only.
 */
export function findSubjectReach(objects: CloudflareObjects, network: Network): SubjectReach {
  const hits = (candidate: Network | undefined): boolean => candidate !== undefined && networksOverlap(candidate, network);
  const reached: ReachedObject[] = [];
  for (const rule of objects.accessRules) {
    if (hits(rule.network)) reached.push({ kind: 'access-rule', id: rule.id, scope: rule.scope, value: rule.value, rule });
  }
  for (const item of objects.listItems) {
    if (hits(item.network)) reached.push({ kind: 'list-item', id: item.id, scope: { type: 'account', id: item.accountId }, value: item.ip ?? '', item });
  }
  for (const lockdown of objects.lockdowns) {
    const values = lockdown.configurations.filter((c) => hits(c.network)).map((c) => c.value);
    if (values.length > 0) reached.push({ kind: 'lockdown', id: lockdown.id, scope: { type: 'zone', id: lockdown.zoneId }, values, lockdown });
  }
  for (const rule of objects.customRules) {
    const values = rule.parsed.networks.filter((literal) => literal.networks.some(hits)).map((literal) => literal.text);
    if (values.length > 0) reached.push({ kind: 'custom-rule', id: rule.id, scope: { type: 'zone', id: rule.zoneId }, values, rule });
  }
  return { network, objects: reached };
}

/** The ids of access rules and list items a set of networks reaches (what holds keep out of a purge). */
export function selectReachedIds(objects: CloudflareObjects, networks: readonly Network[]): { accessRules: Set<string>; listItems: Set<string> } {
  const accessRules = new Set<string>();
  const listItems = new Set<string>();
  for (const network of networks) {
    for (const object of findSubjectReach(objects, network).objects) {
      if (object.kind === 'access-rule') accessRules.add(object.id);
      if (object.kind === 'list-item') listItems.add(object.id);
    }
  }
  return { accessRules, listItems };
}
