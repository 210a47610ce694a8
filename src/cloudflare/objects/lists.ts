import type Cloudflare from 'cloudflare';
import { parseNetwork } from '../../policy/network.js';
import { asRecord, MalformedObjectError, readDate, readNumber, readString, requireString } from './fields.js';
import type { IpList, ListItem } from './types.js';

/** The largest page the items endpoint allows (reference §4). */
export const LIST_ITEMS_PER_PAGE = 500;

/** Every list of the account (`GET /accounts/{id}/rules/lists`, one page); `managedNames` marks the deletable ones. */
export async function fetchLists(sdk: Cloudflare, accountId: string, managedNames: readonly string[]): Promise<IpList[]> {
  const managed = new Set(managedNames);
  const lists: IpList[] = [];
  for await (const raw of sdk.rules.lists.list({ account_id: accountId })) {
    const record = asRecord(raw);
    const name = requireString(record, 'name', 'list');
    lists.push({
      id: requireString(record, 'id', `list ${name}`),
      accountId,
      name,
      description: readString(record, 'description') ?? '',
      kind: readString(record, 'kind') ?? '',
      isManaged: managed.has(name),
      numItems: readNumber(record, 'num_items'),
      numReferencingFilters: readNumber(record, 'num_referencing_filters'),
      createdOn: readDate(record, 'created_on'),
    });
  }
  return lists;
}

/** Every item of one list, walking the cursor pages (`cursor=<after>` until none). */
export async function fetchListItems(sdk: Cloudflare, list: IpList): Promise<ListItem[]> {
  const items: ListItem[] = [];
  for await (const raw of sdk.rules.lists.items.list(list.id, { account_id: list.accountId, per_page: LIST_ITEMS_PER_PAGE })) {
    const record = asRecord(raw);
    const id = requireString(record, 'id', `item of list ${list.name}`);
    const createdOn = readDate(record, 'created_on');
    if (createdOn === undefined) throw new MalformedObjectError(`item ${id} of list ${list.name} (no created_on)`);
    const ip = readString(record, 'ip');
    items.push({
      id,
      listId: list.id,
      listName: list.name,
      accountId: list.accountId,
      isManaged: list.isManaged,
      ip,
      network: ip === undefined ? undefined : parseNetwork(ip),
      comment: readString(record, 'comment') ?? '',
      createdOn,
      modifiedOn: readDate(record, 'modified_on'),
    });
  }
  return items;
}
