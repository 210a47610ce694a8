import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import type { Duration } from '../config/duration.js';
import { addExpiryNotes, buildObjectLocation, buildObjectStatus, type ObjectExpiry } from './cloudflare-object-status.js';
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
    notes.push({ code: 'list_items.list', name: list.name, isManaged: list.isManaged, count: counts.get(list.id) ?? 0 });
  }
  if (objects.accountIds.length === 0) notes.push({ code: 'list_items.no_account' });
  const readAccounts = objects.statuses.some((s) => s.part === 'list-items' && s.state === 'ok');
  if (readAccounts) {
    const found = new Set(objects.lists.map((list) => list.name));
    for (const name of input.managedLists) {
      if (!found.has(name)) notes.push({ code: 'list_items.managed_missing', name });
    }
  }
  const expiry = input.expiry;
  addExpiryNotes(notes, expiry, input.retention.text, 'list_items');
  return buildObjectLocation({
    id: CLOUDFLARE_LIST_ITEMS_ID,
    records: items.length,
    distinctIps: new Set(items.flatMap((item) => (item.network ? [item.network.text] : []))).size,
    dates: items.map((item) => item.createdOn),
    expiry,
    retention: input.retention.text,
    controlledBy: 'us',
    status,
    notes,
  });
}
