import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { buildObjectLocation, buildObjectStatus } from './cloudflare-object-status.js';
import { REPORTED_NOT_DELETED } from './cloudflare-lockdowns.js';
import { addNote, type InventoryLocation } from './inventory.js';

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
  if (objects.customRules.length > 0) {
    addNote(
      notes,
      `${naming.length} of ${objects.customRules.length} custom rule(s) name IPs or countries`,
      `사용자 정의 규칙 ${objects.customRules.length}개 중 ${naming.length}개가 IP나 국가를 지정합니다`,
    );
  }
  const negated = literals.filter((literal) => literal.negated).length;
  if (negated > 0) {
    addNote(
      notes,
      `${negated} address/range literal(s) are negated (the rule spares them: typically an allow-list)`,
      `주소·범위 ${negated}개는 부정(not) 조건입니다 (규칙이 이들을 제외: 대개 허용 목록)`,
    );
  }
  const lists = [...new Set(objects.customRules.flatMap((rule) => rule.parsed.lists.map((list) => `$${list.name}`)))].sort();
  if (lists.length > 0) addNote(notes, `rules reference IP lists: ${lists.join(', ')}`, `규칙이 참조하는 IP 목록: ${lists.join(', ')}`);
  for (const rule of objects.customRules) {
    for (const problem of rule.parsed.problems) {
      addNote(notes, `rule ${rule.id}: "${problem}" next to ip.src is not an address or range`, `규칙 ${rule.id}: ip.src 옆의 "${problem}"은(는) 주소나 범위가 아닙니다`);
    }
  }
  addNote(notes, REPORTED_NOT_DELETED.en, REPORTED_NOT_DELETED.ko);
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
