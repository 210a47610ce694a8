import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { buildObjectStatus, selectOldestNewest } from './cloudflare-object-status.js';
import { REPORTED_NOT_DELETED } from './cloudflare-lockdowns.js';
import { sortCountries, type InventoryLocation } from './inventory.js';

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
  if (objects.customRules.length > 0) notes.push(`${naming.length} of ${objects.customRules.length} custom rule(s) name IPs or countries`);
  const negated = literals.filter((literal) => literal.negated).length;
  if (negated > 0) notes.push(`${negated} address/range literal(s) are negated (the rule spares them: typically an allow-list)`);
  const lists = [...new Set(objects.customRules.flatMap((rule) => rule.parsed.lists.map((list) => `$${list.name}`)))].sort();
  if (lists.length > 0) notes.push(`rules reference IP lists: ${lists.join(', ')}`);
  const problems = objects.customRules.flatMap((rule) => rule.parsed.problems.map((problem) => `rule ${rule.id}: "${problem}" next to ip.src is not an address or range`));
  notes.push(...problems);
  notes.push(REPORTED_NOT_DELETED);
  return {
    id: CLOUDFLARE_CUSTOM_RULES_ID,
    kind: 'cloudflare',
    records: literals.length,
    distinctIps: new Set(literals.flatMap((literal) => literal.networks.map((network) => network.text))).size,
    countries: sortCountries(countries),
    ...selectOldestNewest(naming.flatMap((rule) => (rule.lastUpdated ? [rule.lastUpdated] : []))),
    pastRetention: 0,
    held: 0,
    retention: undefined,
    controlledBy: 'us',
    expires: undefined,
    status,
    notes,
  };
}
