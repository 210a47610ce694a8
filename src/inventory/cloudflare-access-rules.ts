import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import type { Duration } from '../config/duration.js';
import { addExpiryNotes, buildObjectLocation, buildObjectStatus, type ObjectExpiry } from './cloudflare-object-status.js';
import type { InventoryLocation } from './inventory.js';

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
  if (objects.accountIds.length === 0) notes.push({ code: 'access_rules.no_account' });
  const modes = new Map<string, number>();
  for (const rule of rules) modes.set(rule.mode, (modes.get(rule.mode) ?? 0) + 1);
  if (rules.length > 0) notes.push({ code: 'access_rules.by_mode', modes: [...modes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) });
  const allow = modes.get('whitelist') ?? 0;
  if (allow > 0) notes.push({ code: 'access_rules.allow', count: allow });
  const expiry = input.expiry;
  addExpiryNotes(notes, expiry, input.retention.text, 'access_rules');
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
