import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import type { Duration } from '../config/duration.js';
import { buildObjectStatus, selectOldestNewest, type ObjectExpiry } from './cloudflare-object-status.js';
import { sortCountries, type InventoryLocation } from './inventory.js';

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
  if (objects.accountIds.length === 0) notes.push('no account known (set account_id in the config): account-level rules were not read');
  const modes = new Map<string, number>();
  for (const rule of rules) modes.set(rule.mode, (modes.get(rule.mode) ?? 0) + 1);
  if (rules.length > 0) {
    notes.push(`by mode: ${[...modes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([mode, count]) => `${mode} ${count}`).join(', ')}`);
  }
  const allow = modes.get('whitelist') ?? 0;
  if (allow > 0) notes.push(`${allow} whitelist (allow) rule(s): never deleted`);
  const expiry = input.expiry;
  if (expiry === undefined) {
    notes.push('past retention not judged: the purpose rule needs pulled security events (run pull, then purge --dry-run)');
  } else {
    if (expiry.expired > 0) notes.push(`${expiry.expired} rule(s) have served their purpose (older than ${input.retention.text}, no recent events): the next purge deletes them`);
    if (expiry.held > 0) notes.push(`${expiry.held} rule(s) past their purpose are kept by active legal holds`);
    if (expiry.undetermined > 0) notes.push(...(expiry.undeterminedNotes.length > 0 ? expiry.undeterminedNotes : [`${expiry.undetermined} rule(s) undetermined: the pulled events do not cover the whole retention period; kept`]));
  }
  return {
    id: CLOUDFLARE_ACCESS_RULES_ID,
    kind: 'cloudflare',
    records: rules.length,
    distinctIps: ips.size,
    countries: sortCountries(countries),
    ...selectOldestNewest(rules.map((rule) => rule.createdOn)),
    pastRetention: expiry?.expired ?? 0,
    held: expiry?.held ?? 0,
    retention: input.retention.text,
    controlledBy: 'us',
    expires: undefined,
    status,
    notes,
  };
}
