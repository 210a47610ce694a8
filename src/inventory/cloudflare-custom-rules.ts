import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { buildObjectLocation, buildObjectStatus } from './cloudflare-object-status.js';
import type { InventoryLocation } from './inventory.js';

export const CLOUDFLARE_CUSTOM_RULES_ID = 'cloudflare/custom-rules';

/**
 * Literal IPs, ranges and countries in the zones' WAF custom rules (`http_request_firewall_custom`): one record per
 * address or range literal. Reported, never purged.
 */
export function buildCloudflareCustomRulesLocation(objects: CloudflareObjects): InventoryLocation {
  const { status, notes } = buildObjectStatus(objects, ['custom-rules']);
  const naming = objects.customRules.filter((rule) => rule.parsed.networks.length > 0 || rule.parsed.countries.length > 0);
  const literals = naming.flatMap((rule) => rule.parsed.networks);
  const countries = naming.flatMap((rule) => rule.parsed.countries.map((country) => ({ code: country.code, count: 1 })));
  if (objects.customRules.length > 0) notes.push({ code: 'custom_rules.naming', naming: naming.length, total: objects.customRules.length });
  const negated = literals.filter((literal) => literal.negated).length;
  if (negated > 0) notes.push({ code: 'custom_rules.negated', count: negated });
  const lists = [...new Set(objects.customRules.flatMap((rule) => rule.parsed.lists.map((list) => `$${list.name}`)))].sort();
  if (lists.length > 0) notes.push({ code: 'custom_rules.lists', lists });
  for (const rule of objects.customRules) {
    for (const problem of rule.parsed.problems) notes.push({ code: 'custom_rules.not_an_address', ruleId: rule.id, problem });
  }
  notes.push({ code: 'objects.reported_not_deleted' });
  return buildObjectLocation({
    id: CLOUDFLARE_CUSTOM_RULES_ID,
    records: literals.length,
    distinctIps: new Set(literals.flatMap((literal) => literal.networks.map((network) => network.text))).size,
    countries,
    dates: naming.flatMap((rule) => (rule.lastUpdated ? [rule.lastUpdated] : [])),
    controlledBy: 'us',
    status,
    notes,
  });
}
