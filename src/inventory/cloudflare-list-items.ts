import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import type { Duration } from '../config/duration.js';
import { addExpiryNotes, buildObjectLocation, buildObjectStatus, type ObjectExpiry } from './cloudflare-object-status.js';
import { addNote, type InventoryLocation } from './inventory.js';

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
    const count = counts.get(list.id) ?? 0;
    addNote(
      notes,
      `list ${list.name} (${list.isManaged ? 'managed: items past retention are purged' : 'reported only: not in managed_lists'}): ${count} item(s)`,
      `목록 ${list.name} (${list.isManaged ? '관리 대상: 보유기간이 지난 항목은 파기' : '보고만 함: managed_lists에 없음'}): 항목 ${count}개`,
    );
  }
  if (objects.accountIds.length === 0) {
    addNote(
      notes,
      "no account known (set account_id in the config): the account's IP lists were not read",
      '계정을 알 수 없음 (설정에 account_id 지정): 계정의 IP 목록은 읽지 않았습니다',
    );
  }
  const readAccounts = objects.statuses.some((s) => s.part === 'list-items' && s.state === 'ok');
  if (readAccounts) {
    const found = new Set(objects.lists.map((list) => list.name));
    for (const name of input.managedLists) {
      if (!found.has(name)) addNote(notes, `managed list ${name} was not found in the account`, `관리 대상 목록 ${name}이(가) 계정에 없습니다`);
    }
  }
  const expiry = input.expiry;
  addExpiryNotes(notes, expiry, input.retention.text, { en: 'item(s)', ko: '항목', deletableEn: 'managed item(s)', deletableKo: '관리 대상 항목' });
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
