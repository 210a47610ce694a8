import type Cloudflare from 'cloudflare';
import { APIError, NotFoundError, RateLimitError } from 'cloudflare/error';
import { fetchAccessRules } from './access-rules.js';
import { LIST_ITEMS_PER_PAGE } from './lists.js';
import type { ObjectScope } from './types.js';
import { NO_RETRY_HEADER } from '../http.js';
import type { RestClient } from '../rest-client.js';

/**
 * Deletes Cloudflare objects the purge planned, and checks afterwards by re-reading that they are gone.
 * Access rules go one by one (bounded concurrency; the client's pacer keeps the REST budget). List items go through
 * the asynchronous bulk endpoint in large batches, one operation at a time per account (Cloudflare rejects a second
 * pending operation with HTTP 429, L2), within the list change budget (1,000,000 item changes and 30,000 modifying
 * requests per 12 hours, L3). Undocumented error codes are judged by HTTP status alone.
 */

/** A failed deletion as it reaches the outcome: a code and status for the log, the server's words for stderr. */
export interface DeletionFailure {
  /** e.g. 'cloudflare:10000', 'http:403', 'bulk_operation_failed', 'request_failed'. */
  readonly code: string;
  readonly status: number | null;
  /** What the server (or the network) said: may hold anything, an IP included, so it never enters the log. */
  readonly message: string;
}

/** What deleting in Cloudflare needs (purge and subject erase); absent when there is no token or nothing to reach. */
export interface CloudflareWriteDeps {
  readonly client: RestClient;
  readonly itemBudget: ChangeBudget;
  /** Modifying list requests per window (default: Cloudflare's 30,000 per 12 hours). */
  readonly requestBudget?: ChangeBudget;
  readonly concurrency: number;
  /** The server's clock as last seen in a response's `Date` header, and our clock at that moment. */
  readonly serverClock: () => { serverMs: number; localMs: number } | undefined;
  /** The clock the list budget and the bulk-operation polling run on. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RuleTarget {
  readonly id: string;
  readonly scope: ObjectScope;
}

export interface ItemTarget {
  readonly id: string;
  readonly listId: string;
  readonly accountId: string;
}

export interface ChangeBudget {
  readonly capacity: number;
  readonly windowMs: number;
}

const TWELVE_HOURS_MS = 12 * 3_600_000;
/** Cloudflare (L3, developers.cloudflare.com/waf/tools/lists/lists-api): 1,000,000 item changes per 12 hours… */
export const LIST_ITEM_CHANGE_BUDGET: ChangeBudget = { capacity: 1_000_000, windowMs: TWELVE_HOURS_MS };
/** …and 30,000 modifying requests per 12 hours. */
export const LIST_REQUEST_BUDGET: ChangeBudget = { capacity: 30_000, windowMs: TWELVE_HOURS_MS };
/**
 * The share of Cloudflare's REST budget the run paces itself to. The budget is per user and shared with the
 * dashboard and other tools; and once the server reports no requests remaining, its reset hint comes in whole
 * seconds, which stalls a pacer for up to a second at every window turn. A 3% margin avoids both.
 */
export const REST_BUDGET_SHARE = 0.97;

/** Items per bulk delete: large, so a 20,000-item purge costs a handful of requests (target ≤ 0.01 per item). */
export const MAX_ITEMS_PER_BATCH = 10_000;

export interface DeleteOptions {
  readonly concurrency: number;
  readonly itemBudget: ChangeBudget;
  /** Modifying list requests per window (default LIST_REQUEST_BUDGET). */
  readonly requestBudget?: ChangeBudget;
  readonly maxItemsPerBatch?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly onProgress?: (progress: { kind: 'access_rule' | 'list_item'; done: number; total: number }) => void;
  /** Called immediately before each delete request with the ids about to go; those it returns are kept (held since the plan). */
  readonly selectHeld?: (ids: readonly string[]) => ReadonlySet<string> | Promise<ReadonlySet<string>>;
}

export interface DeleteFailure extends DeletionFailure {
  readonly id: string;
}

export interface DeleteReport {
  /** Ids the API accepted as deleted (or already gone). */
  readonly accepted: readonly string[];
  readonly failures: readonly DeleteFailure[];
  /** Ids left alone because a hold covered them when their turn came. */
  readonly held: readonly string[];
  /** Requests this step sent (deletes, polls), for the requests-per-item figure. */
  readonly requests: number;
}

export interface RequeryReport {
  /** Of the ids checked, those still present in Cloudflare. */
  readonly stillPresent: ReadonlySet<string>;
  readonly checked: number;
  /** Scopes or lists that could not be re-read: their ids are unverified (counted as still present). */
  readonly unreadable: readonly string[];
}

/** Deletes access rules one by one with `concurrency` workers; a failure of one rule does not stop the others. */
export async function deleteAccessRules(sdk: Cloudflare, rules: readonly RuleTarget[], options: DeleteOptions): Promise<DeleteReport> {
  const accepted: string[] = [];
  const failures: DeleteFailure[] = [];
  const held: string[] = [];
  let next = 0;
  let requests = 0;
  const worker = async (): Promise<void> => {
    while (next < rules.length) {
      const rule = rules[next++]!;
      if ((await options.selectHeld?.([rule.id]))?.has(rule.id)) {
        held.push(rule.id);
        continue;
      }
      requests += 1;
      try {
        // The rule's own scope decides the endpoint: an account rule seen in a zone listing is deleted in its account.
        await sdk.firewall.accessRules.delete(rule.id, rule.scope.type === 'zone' ? { zone_id: rule.scope.id } : { account_id: rule.scope.id });
        accepted.push(rule.id);
      } catch (err) {
        // Already gone (an earlier, interrupted run got there first): the re-query check confirms it. A 404 with
        // 7003 is an unknown zone or account (R3), not a missing rule.
        if (err instanceof NotFoundError && !hasCode(err, UNKNOWN_OBJECT_CODE)) accepted.push(rule.id);
        else failures.push({ id: rule.id, ...describeFailure(err) });
      }
      options.onProgress?.({ kind: 'access_rule', done: accepted.length + failures.length, total: rules.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, rules.length)) }, worker));
  return { accepted, failures, held, requests };
}

/**
 * Deletes list items through `DELETE /accounts/{a}/rules/lists/{l}/items` in batches, polling each bulk operation to
 * a terminal state before the next (one pending operation per account). A failed operation is split in halves and
 * retried, so one bad item fails alone and the rest of its batch still goes.
 */
export async function deleteListItems(sdk: Cloudflare, items: readonly ItemTarget[], options: DeleteOptions): Promise<DeleteReport> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const maxBatch = Math.max(1, Math.min(options.maxItemsPerBatch ?? MAX_ITEMS_PER_BATCH, options.itemBudget.capacity));
  const window = createChangeWindow(options.itemBudget, options.requestBudget ?? LIST_REQUEST_BUDGET, now, sleep);
  const accepted: string[] = [];
  const failures: DeleteFailure[] = [];
  const held: string[] = [];
  let requests = 0;

  const byList = new Map<string, { accountId: string; listId: string; ids: string[] }>();
  for (const item of items) {
    const key = `${item.accountId}/${item.listId}`;
    const entry = byList.get(key) ?? { accountId: item.accountId, listId: item.listId, ids: [] };
    entry.ids.push(item.id);
    byList.set(key, entry);
  }
  // Lists of one account run one after another: Cloudflare allows one pending bulk operation per account.
  for (const { accountId, listId, ids } of byList.values()) {
    const queue: string[][] = [];
    for (let i = 0; i < ids.length; i += maxBatch) queue.push(ids.slice(i, i + maxBatch));
    while (queue.length > 0) {
      const planned = queue.shift()!;
      const keep = await options.selectHeld?.(planned);
      const batch = keep ? planned.filter((id) => !keep.has(id)) : planned;
      if (keep) held.push(...planned.filter((id) => keep.has(id)));
      if (batch.length === 0) continue;
      const stamp = await window.take(batch.length);
      const outcome = await runBulkDelete(sdk, accountId, listId, batch, { sleep, random, countRequest: () => void (requests += 1), onSubmitted: stamp });
      if (outcome.kind === 'completed') {
        accepted.push(...batch);
      } else if (batch.length > 1 && outcome.kind === 'failed') {
        const half = Math.ceil(batch.length / 2);
        queue.unshift(batch.slice(0, half), batch.slice(half));
      } else {
        for (const id of batch) failures.push({ id, ...outcome.failure });
      }
      options.onProgress?.({ kind: 'list_item', done: accepted.length + failures.length + held.length, total: items.length });
    }
  }
  return { accepted, failures, held, requests };
}

type BulkOutcome = { kind: 'completed' } | { kind: 'failed'; failure: DeletionFailure } | { kind: 'error'; failure: DeletionFailure };

/** Poll backoff: soon at first (small operations finish fast), then slower, never past 5 s. */
const POLL_FIRST_MS = 150;
const POLL_FACTOR = 1.6;
const POLL_MAX_MS = 5_000;
/** How long to keep polling one operation before giving up on it (its items are then re-checked by the re-query). */
const POLL_GIVE_UP_MS = 10 * 60_000;
/** Attempts at submitting a batch while another operation is pending or the budget is spent. */
const SUBMIT_ATTEMPTS = 12;

async function runBulkDelete(
  sdk: Cloudflare,
  accountId: string,
  listId: string,
  ids: readonly string[],
  deps: { sleep: (ms: number) => Promise<void>; random: () => number; countRequest: () => void; onSubmitted: () => void },
): Promise<BulkOutcome> {
  let operationId: string | undefined;
  for (let attempt = 1; operationId === undefined; attempt++) {
    deps.countRequest();
    try {
      // No retry here: a 429 on a list write usually means "an operation is still pending", handled below.
      const result = await sdk.rules.lists.items.delete(
        listId,
        { account_id: accountId, items: ids.map((id) => ({ id })) },
        { headers: { [NO_RETRY_HEADER]: '1' } },
      );
      operationId = result.operation_id;
      deps.onSubmitted();
    } catch (err) {
      deps.onSubmitted();
      const isRetryable = err instanceof RateLimitError || (err instanceof APIError && (err.status ?? 0) >= 500);
      if (!isRetryable || attempt >= SUBMIT_ATTEMPTS) return { kind: 'error', failure: describeFailure(err) };
      const retryAfterMs = readRetryAfterMs(err);
      const backoff = Math.min(POLL_MAX_MS * 2, POLL_FIRST_MS * 2 ** attempt) * (0.5 + deps.random() / 2);
      await deps.sleep(Math.max(retryAfterMs ?? 0, backoff));
    }
  }
  let delayMs = POLL_FIRST_MS;
  let waitedMs = 0;
  for (;;) {
    await deps.sleep(delayMs);
    waitedMs += delayMs;
    deps.countRequest();
    try {
      const operation = await sdk.rules.lists.bulkOperations.get(operationId, { account_id: accountId });
      if (operation.status === 'completed') return { kind: 'completed' };
      if (operation.status === 'failed')
        return {
          kind: 'failed',
          failure: { code: 'bulk_operation_failed', status: null, message: `bulk operation ${operationId} failed: ${operation.error}` },
        };
    } catch (err) {
      if (!(err instanceof APIError) || err instanceof NotFoundError || (err.status !== undefined && err.status < 500 && err.status !== 429)) {
        const failure = describeFailure(err);
        return { kind: 'error', failure: { ...failure, message: `bulk operation ${operationId}: ${failure.message}` } };
      }
    }
    if (waitedMs > POLL_GIVE_UP_MS) {
      return {
        kind: 'error',
        failure: { code: 'bulk_operation_timeout', status: null, message: `bulk operation ${operationId} not finished after ${POLL_GIVE_UP_MS / 60_000} min` },
      };
    }
    delayMs = Math.min(POLL_MAX_MS, Math.round(delayMs * POLL_FACTOR));
  }
}

/** Re-reads each scope that had rules deleted; returns which of `ids` are still there. */
export async function requeryAccessRules(sdk: Cloudflare, rules: readonly RuleTarget[]): Promise<RequeryReport> {
  const stillPresent = new Set<string>();
  const unreadable: string[] = [];
  const scopes = new Map<string, { scope: ObjectScope; ids: Set<string> }>();
  for (const rule of rules) {
    const key = `${rule.scope.type}:${rule.scope.id}`;
    const entry = scopes.get(key) ?? { scope: rule.scope, ids: new Set<string>() };
    entry.ids.add(rule.id);
    scopes.set(key, entry);
  }
  for (const [key, { scope, ids }] of scopes) {
    try {
      for (const rule of await fetchAccessRules(sdk, scope)) if (ids.has(rule.id)) stillPresent.add(rule.id);
    } catch {
      unreadable.push(key);
      for (const id of ids) stillPresent.add(id);
    }
  }
  return { stillPresent, checked: rules.length, unreadable };
}

/** Re-reads each list that had items deleted (cursor pages of 500); returns which of the items are still there. */
export async function requeryListItems(sdk: Cloudflare, items: readonly ItemTarget[]): Promise<RequeryReport> {
  const stillPresent = new Set<string>();
  const unreadable: string[] = [];
  const lists = new Map<string, { accountId: string; listId: string; ids: Set<string> }>();
  for (const item of items) {
    const entry = lists.get(item.listId) ?? { accountId: item.accountId, listId: item.listId, ids: new Set<string>() };
    entry.ids.add(item.id);
    lists.set(item.listId, entry);
  }
  for (const { accountId, listId, ids } of lists.values()) {
    try {
      for await (const raw of sdk.rules.lists.items.list(listId, { account_id: accountId, per_page: LIST_ITEMS_PER_PAGE })) {
        const id = (raw as { id?: unknown }).id;
        if (typeof id === 'string' && ids.has(id)) stillPresent.add(id);
      }
    } catch (err) {
      // A list that is gone holds none of its items any more.
      if (err instanceof NotFoundError) continue;
      unreadable.push(`list ${listId}`);
      for (const id of ids) stillPresent.add(id);
    }
  }
  return { stillPresent, checked: items.length, unreadable };
}

/**
 * A sliding log of list changes, so batches never exceed either budget within any window: `items` item changes and
 * `requests` modifying requests (one per batch). `take` returns a stamp to call when the server has answered: the
 * server counted the change at or before that moment, so counting it from then on keeps our window no shorter than
 * the server's.
 */
function createChangeWindow(items: ChangeBudget, requests: ChangeBudget, now: () => number, sleep: (ms: number) => Promise<void>) {
  const log: { at: number; n: number }[] = [];
  const windowMs = Math.max(items.windowMs, requests.windowMs);
  return {
    async take(n: number): Promise<() => void> {
      for (;;) {
        const t = now();
        while (log.length > 0 && log[0]!.at + windowMs <= t) log.shift();
        const inItems = log.filter((entry) => entry.at > t - items.windowMs);
        const inRequests = log.filter((entry) => entry.at > t - requests.windowMs);
        const used = inItems.reduce((sum, entry) => sum + entry.n, 0);
        const fitsItems = used + n <= items.capacity || inItems.length === 0;
        const fitsRequests = inRequests.length + 1 <= requests.capacity;
        if (fitsItems && fitsRequests) break;
        const waits = [...(fitsItems ? [] : [inItems[0]!.at + items.windowMs - t]), ...(fitsRequests ? [] : [inRequests[0]!.at + requests.windowMs - t])];
        await sleep(Math.max(1, ...waits));
      }
      const entry = { at: Number.POSITIVE_INFINITY, n };
      log.push(entry);
      return () => {
        log.splice(log.indexOf(entry), 1);
        entry.at = now();
        log.push(entry);
      };
    },
  };
}

/** Cloudflare's "Could not route to /zones/<id>, perhaps your object identifier is invalid?" (R3). */
const UNKNOWN_OBJECT_CODE = 7003;

function hasCode(err: APIError, code: number): boolean {
  const errors = (err as { errors?: unknown }).errors;
  return Array.isArray(errors) && errors.some((e: unknown) => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code);
}

function readRetryAfterMs(err: unknown): number | undefined {
  if (!(err instanceof APIError)) return undefined;
  const value = (err.headers as Headers | undefined)?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** A failed request as a code and status (for the signed log) and its text (for stderr only). */
export function describeFailure(err: unknown): DeletionFailure {
  const message = describeError(err);
  if (!(err instanceof APIError)) return { code: 'request_failed', status: null, message };
  const errors = Array.isArray((err as { errors?: unknown }).errors) ? (err as { errors: { code?: unknown }[] }).errors : [];
  const codes = errors.map((e) => e.code).filter((code): code is number => typeof code === 'number');
  const status = typeof err.status === 'number' ? err.status : null;
  return { code: codes.length > 0 ? `cloudflare:${codes.join(',')}` : `http:${status ?? '?'}`, status, message };
}

/** Status and Cloudflare codes, never headers or the token. */
export function describeError(err: unknown): string {
  if (err instanceof APIError) {
    const errors = Array.isArray((err as { errors?: unknown }).errors) ? (err as { errors: { code?: unknown; message?: unknown }[] }).errors : [];
    const detail = errors.map((e) => `${typeof e.code === 'number' ? e.code : '?'} ${typeof e.message === 'string' ? e.message : ''}`.trim()).join('; ');
    return `HTTP ${err.status ?? '?'}${detail ? `: ${detail}` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
