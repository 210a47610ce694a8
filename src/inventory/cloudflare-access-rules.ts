import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import type { Duration } from '../config/duration.js';
import { addExpiryNotes, buildObjectLocation, buildObjectStatus, type ObjectExpiry } from './cloudflare-object-status.js';
import { addNote, type InventoryLocation } from './inventory.js';

export const CLOUDFLARE_ACCESS_RULES_ID = 'cloudflare/access-rules';

export interface AccessRulesLocationInput {
  readonly objects: CloudflareObjects;
  readonly retention: Duration;
  /** From the purpose rule: rules whose purpose has ended, and those a hold keeps; undefined when not judged. */
  readonly expiry: ObjectExpiry | undefined;
}

/** Zone and account IP Access Rules: every rule, the addresses and countries they name, and which have served their purpose. */
export function buildCloudflareAccessRulesLocation(input: AccessRulesLocationInput): InventoryLocation {
  const { objects } = input;
  const rules = objects.accessRules;
  const { status, notes } = buildObjectStatus(objects, ['access-rules']);
  const ips = new Set(rules.flatMap((rule) => (rule.network ? [rule.network.text] : [])));
  const countries = rules.filter((rule) => rule.target === 'country').map((rule) => ({ code: rule.value.toUpperCase(), count: 1 }));
  if (objects.accountIds.length === 0) {
    addNote(
      notes,
      'no account known (set account_id in the config): account-level rules were not read',
      '계정을 알 수 없음 (설정에 account_id 지정): 계정 단위 규칙은 읽지 않았습니다',
    );
  }
  const modes = new Map<string, number>();
  for (const rule of rules) modes.set(rule.mode, (modes.get(rule.mode) ?? 0) + 1);
  if (rules.length > 0) {
    const byMode = [...modes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([mode, count]) => `${mode} ${count}`).join(', ');
    addNote(notes, `by mode: ${byMode}`, `동작(mode)별: ${byMode}`);
  }
  const allow = modes.get('whitelist') ?? 0;
  if (allow > 0) addNote(notes, `${allow} whitelist (allow) rule(s): never deleted`, `허용(whitelist) 규칙 ${allow}개: 삭제하지 않습니다`);
  const expiry = input.expiry;
  addExpiryNotes(notes, expiry, input.retention.text, { en: 'rule(s)', ko: '규칙' });
  return buildObjectLocation({
    id: CLOUDFLARE_ACCESS_RULES_ID,
    records: rules.length,
    distinctIps: ips.size,
    countries,
    dates: rules.map((rule) => rule.createdOn),
    expiry,
    retention: input.retention.text,
    controlledBy: 'us',
    status,
    notes,
  });
}
