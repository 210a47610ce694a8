import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import type { Duration } from '../config/duration.js';
import { buildObjectStatus, selectOldestNewest, type ObjectExpiry } from './cloudflare-object-status.js';
import type { InventoryLocation } from './inventory.js';

export const CLOUDFLARE_LIST_ITEMS_ID = 'cloudflare/list-items';

export interface ListItemsLocationInput {
  readonly objects: CloudflareObjects;
  readonly retention: Duration;
  /** `managed_lists` from the config, by list name. */
  readonly managedLists: readonly string[];
  readonly expiry: ObjectExpiry | undefined;
}

/** Items of every account IP list; only lists named in `managed_lists` are ever purged, the rest are reported. */
export function buildCloudflareListItemsLocation(input: ListItemsLocationInput): InventoryLocation {
  const { objects } = input;
  const items = objects.listItems;
  const { status, notes } = buildObjectStatus(objects, ['list-items']);
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.listId, (counts.get(item.listId) ?? 0) + 1);
  for (const list of [...objects.lists].sort((a, b) => Number(b.isManaged) - Number(a.isManaged) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const how = list.isManaged ? 'managed: items past retention are purged' : 'reported only: not in managed_lists';
    notes.push(`list ${list.name} (${how}): ${counts.get(list.id) ?? 0} item(s)`);
  }
  if (objects.accountIds.length === 0) notes.push("no account known (set account_id in the config): the account's IP lists were not read");
  const readAccounts = objects.statuses.some((s) => s.part === 'list-items' && s.state === 'ok');
  if (readAccounts) {
    const found = new Set(objects.lists.map((list) => list.name));
    for (const name of input.managedLists) if (!found.has(name)) notes.push(`managed list ${name} was not found in the account`);
  }
  const expiry = input.expiry;
  if (expiry === undefined) {
    notes.push('past retention not judged: the purpose rule needs pulled security events (run pull, then purge --dry-run)');
  } else {
    if (expiry.expired > 0) notes.push(`${expiry.expired} managed item(s) have served their purpose (older than ${input.retention.text}, no recent events): the next purge deletes them`);
    if (expiry.held > 0) notes.push(`${expiry.held} item(s) past their purpose are kept by active legal holds`);
    if (expiry.undetermined > 0) notes.push(...(expiry.undeterminedNotes.length > 0 ? expiry.undeterminedNotes : [`${expiry.undetermined} item(s) undetermined: the pulled events do not cover the whole retention period; kept`]));
  }
  return {
    id: CLOUDFLARE_LIST_ITEMS_ID,
    kind: 'cloudflare',
    records: items.length,
    distinctIps: new Set(items.flatMap((item) => (item.network ? [item.network.text] : []))).size,
    countries: [],
    ...selectOldestNewest(items.map((item) => item.createdOn)),
    pastRetention: expiry?.expired ?? 0,
    held: expiry?.held ?? 0,
    retention: input.retention.text,
    controlledBy: 'us',
    expires: undefined,
    status,
    notes,
  };
}
