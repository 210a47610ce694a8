import { advanceOperation, outstandingOperation, renderOperation } from '../bulk-operations.js';
import { apiError, badRequest, ok, rateLimited, type Reply } from '../envelope.js';
import { normaliseListIp } from '../ip.js';
import type { BulkOperation, IpList, ListItem } from '../models.js';
import { REST_LIMITS } from '../limits.js';
import type { RestRequest, Route } from '../router.js';
import type { AccountState } from '../state.js';
import { accountOf, isRecord, nowIso } from './scope.js';

/** Account-level custom IP lists and their asynchronous item operations (reference §4). */

const READ = ['Account Filter Lists Read', 'Account Filter Lists Edit'];
const EDIT = ['Account Filter Lists Edit'];
const BASE = '/accounts/:account_id/rules/lists';

const listNotFound = (): Reply => apiError(404, 10001, 'list not found');
const itemNotFound = (): Reply => apiError(404, 10001, 'list item not found');

/** The list as the API shows it: counts instead of the items. */
export function renderList(list: IpList): Record<string, unknown> {
  const { items, ...rest } = list;
  return { ...rest, num_items: items.size };
}

function listOf(request: RestRequest): IpList | undefined {
  return accountOf(request).lists.get(request.params['list_id'] ?? '');
}

function createList(request: RestRequest): Reply {
  const account = accountOf(request);
  const body = isRecord(request.body) ? request.body : {};
  const name = body['name'];
  if (typeof name !== 'string' || !/^[a-z0-9_]{1,50}$/.test(name)) {
    return badRequest('name must be 1-50 characters of lower-case letters, digits and underscores', 10001);
  }
  if (body['kind'] !== 'ip') return badRequest('the emulator supports lists of kind "ip" only', 10001);
  if ([...account.lists.values()].some((list) => list.name === name)) return badRequest('a list with this name already exists', 10001);
  const maxLists = REST_LIMITS.listsPerAccount.value[account.plan];
  if (account.lists.size >= maxLists) return badRequest(`the account has reached its limit of ${maxLists} custom lists`, 10001);
  const at = nowIso(request);
  const list: IpList = {
    id: request.state.nextId(),
    name,
    description: typeof body['description'] === 'string' ? body['description'] : '',
    kind: 'ip',
    created_on: at,
    modified_on: at,
    num_referencing_filters: 0,
    items: new Map(),
  };
  account.lists.set(list.id, list);
  return ok(renderList(list));
}

/** Items are paged in id order; the cursor is the last id of the page, so deletions between pages skip nothing. */
function listItems(request: RestRequest): Reply {
  const list = listOf(request);
  if (list === undefined) return listNotFound();
  const maxPerPage = REST_LIMITS.listItemsMaxPerPage.value;
  const perPage = request.query.has('per_page') ? Number(request.query.get('per_page')) : 25;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > maxPerPage) return badRequest(`per_page must be between 1 and ${maxPerPage}`, 10001);
  const search = request.query.get('search');
  const cursor = request.query.get('cursor');
  let after = '';
  if (cursor !== null && cursor !== '') {
    after = Buffer.from(cursor, 'base64url').toString('utf8');
    if (!/^[0-9a-f]{32}$/.test(after)) return badRequest('invalid cursor', 10001);
  }
  const items = [...list.items.values()].filter((item) => search === null || item.ip.startsWith(search.toLowerCase())).sort((a, b) => (a.id < b.id ? -1 : 1));
  const start = after === '' ? 0 : items.findIndex((item) => item.id > after);
  const page = start < 0 ? [] : items.slice(start, start + perPage);
  const last = page[page.length - 1];
  const hasMore = start >= 0 && start + perPage < items.length;
  const cursors: { before?: string; after?: string } = {};
  if (after !== '' && page[0] !== undefined) cursors.before = Buffer.from(page[0].id).toString('base64url');
  if (hasMore && last !== undefined) cursors.after = Buffer.from(last.id).toString('base64url');
  return ok(page, { cursors });
}

function getItem(request: RestRequest): Reply {
  const list = listOf(request);
  if (list === undefined) return listNotFound();
  const item = list.items.get(request.params['item_id'] ?? '');
  return item === undefined ? itemNotFound() : ok(item);
}

function readItems(body: unknown): { ip: string; comment?: string }[] | Reply {
  if (!Array.isArray(body)) return badRequest('the request body must be an array of items', 10001);
  const items: { ip: string; comment?: string }[] = [];
  for (const [index, entry] of body.entries()) {
    const ip = isRecord(entry) && typeof entry['ip'] === 'string' ? normaliseListIp(entry['ip']) : undefined;
    if (ip === undefined) return badRequest(`item ${index}: not a valid IP address or range for an IP list`, 10021);
    const comment = isRecord(entry) && typeof entry['comment'] === 'string' ? entry['comment'] : undefined;
    items.push(comment === undefined ? { ip } : { ip, comment });
  }
  return items;
}

function totalItems(account: AccountState): number {
  let total = 0;
  for (const list of account.lists.values()) total += list.items.size;
  return total;
}

/**
 * Starts an asynchronous change. One outstanding operation per account: another one is refused with 429 (L2,
 * cloudflare-docs PR #25671; the error code is unpublished, 10029 is the emulator's choice: clients decide by status).
 * The request and its item changes count against the account's 12-hour list budgets (L3) when it is accepted.
 */
function startOperation(request: RestRequest, list: IpList, changes: number, apply: (list: IpList, at: string) => string | undefined): Reply {
  const { state } = request;
  const account = accountOf(request);
  const nowMs = state.now();
  if (outstandingOperation(account, state.behaviour, nowMs) !== undefined) {
    return apiError(429, 10029, 'another bulk operation is pending for this account; wait until it completes');
  }
  const budget = request.takeListChange(account.id, changes);
  if (!budget.allowed) return rateLimited(budget.retryAfterSeconds ?? 1);
  const operation: BulkOperation = {
    id: state.nextId(),
    status: 'pending',
    createdAtMs: nowMs,
    polls: 0,
    apply: () => {
      const at = new Date(state.now()).toISOString();
      const error = apply(list, at);
      if (error === undefined) list.modified_on = at;
      return error;
    },
  };
  account.bulkOperations.set(operation.id, operation);
  // L1: an accepted asynchronous operation answers 201 (docs); 200 is the alternative clients must also accept.
  return { ...ok({ operation_id: operation.id }), status: state.behaviour.asyncListStatus };
}

function upsertItems(request: RestRequest, replace: boolean): Reply {
  const list = listOf(request);
  if (list === undefined) return listNotFound();
  const items = readItems(request.body);
  if (!Array.isArray(items)) return items;
  const account = accountOf(request);
  const max = request.state.behaviour.maxListItemsPerAccount ?? REST_LIMITS.listItemsPerAccount.value[account.plan];
  const changes = replace ? items.length + list.items.size : items.length;
  return startOperation(request, list, changes, (target, at) => {
    const byIp = new Map([...target.items.values()].map((item) => [item.ip, item]));
    const added = items.filter((item) => !byIp.has(item.ip)).length;
    const after = totalItems(account) - (replace ? target.items.size : 0) + (replace ? new Set(items.map((i) => i.ip)).size : added);
    if (after > max) return 'This list is at the maximum number of items';
    if (replace) target.items.clear();
    for (const input of items) {
      const existing = replace ? undefined : byIp.get(input.ip);
      if (existing !== undefined) {
        if (input.comment !== undefined) existing.comment = input.comment;
        existing.modified_on = at;
        continue;
      }
      const item: ListItem = {
        id: request.state.nextId(),
        ip: input.ip,
        ...(input.comment !== undefined ? { comment: input.comment } : {}),
        created_on: at,
        modified_on: at,
      };
      target.items.set(item.id, item);
    }
    return undefined;
  });
}

function deleteItems(request: RestRequest): Reply {
  const list = listOf(request);
  if (list === undefined) return listNotFound();
  const entries = isRecord(request.body) ? request.body['items'] : undefined;
  if (!Array.isArray(entries) || !entries.every((entry) => isRecord(entry) && typeof entry['id'] === 'string')) {
    return badRequest('the request body must be {"items": [{"id": "..."}]}', 10001);
  }
  const ids = entries.map((entry) => (entry as { id: string }).id);
  return startOperation(request, list, ids.length, (target) => {
    for (const id of ids) target.items.delete(id);
    return undefined;
  });
}

function getOperation(request: RestRequest): Reply {
  const operation = accountOf(request).bulkOperations.get(request.params['operation_id'] ?? '');
  if (operation === undefined) return apiError(404, 10001, 'bulk operation not found');
  operation.polls++;
  advanceOperation(operation, request.state.behaviour, request.state.now());
  return ok(renderOperation(operation));
}

function deleteList(request: RestRequest): Reply {
  const account = accountOf(request);
  const list = listOf(request);
  if (list === undefined) return listNotFound();
  if (list.num_referencing_filters > 0) return badRequest('the list is referenced by rules and cannot be deleted', 10001);
  account.lists.delete(list.id);
  return ok({ id: list.id });
}

export const LIST_ROUTES: Route[] = [
  { method: 'GET', path: BASE, permissions: READ, handle: (request) => ok([...accountOf(request).lists.values()].map(renderList)) },
  { method: 'POST', path: BASE, permissions: EDIT, handle: createList },
  { method: 'GET', path: `${BASE}/bulk_operations/:operation_id`, permissions: READ, handle: getOperation },
  {
    method: 'GET',
    path: `${BASE}/:list_id`,
    permissions: READ,
    handle: (request) => {
      const list = listOf(request);
      return list === undefined ? listNotFound() : ok(renderList(list));
    },
  },
  { method: 'DELETE', path: `${BASE}/:list_id`, permissions: EDIT, handle: deleteList },
  { method: 'GET', path: `${BASE}/:list_id/items`, permissions: READ, handle: listItems },
  { method: 'POST', path: `${BASE}/:list_id/items`, permissions: EDIT, handle: (request) => upsertItems(request, false) },
  { method: 'PUT', path: `${BASE}/:list_id/items`, permissions: EDIT, handle: (request) => upsertItems(request, true) },
  { method: 'DELETE', path: `${BASE}/:list_id/items`, permissions: EDIT, handle: deleteItems },
  { method: 'GET', path: `${BASE}/:list_id/items/:item_id`, permissions: READ, handle: getItem },
];
