import type Cloudflare from 'cloudflare';
import type { Config } from '../../config/config.js';
import { fetchAccessRules, mergeAccessRules } from './access-rules.js';
import { fetchCustomRules } from './custom-rules.js';
import { fetchListItems, fetchLists } from './lists.js';
import { fetchLockdowns } from './lockdowns.js';
import { fetchLogpushJobs, fetchLogRetention } from './logs.js';
import { classifyReadError, notAvailableStatus, okStatus } from './read-status.js';
import type {
  AccessRule,
  CloudflareObjects,
  CustomRule,
  IpList,
  ListItem,
  Lockdown,
  LogpushJob,
  LogRetention,
  ObjectPart,
  ObjectScope,
  PlanId,
  ReadStatus,
  ZoneInfo,
} from './types.js';
import { fetchZoneInfo } from './zones.js';

export interface FetchObjectsOptions {
  /** Only these zones (default: every configured zone). */
  readonly zoneIds?: readonly string[];
  /** Which parts to read (default: all). */
  readonly parts?: readonly ObjectPart[];
  readonly now?: () => Date;
  /** Called as each part of each scope is done. */
  readonly onProgress?: (status: ReadStatus) => void;
}

export type ObjectsConfig = Pick<Config, 'zones' | 'accountId' | 'managedLists'>;

const ALL_PARTS: readonly ObjectPart[] = ['zone', 'access-rules', 'list-items', 'lockdowns', 'custom-rules', 'logpull-retention', 'logpush'];

/** Zone Lockdown needs Pro or above; Logpull and Logpush need Enterprise (reference §5.1, §6). */
const PLAN_GATES: Partial<Record<ObjectPart, readonly PlanId[]>> = {
  lockdowns: ['pro', 'business', 'enterprise'],
  'logpull-retention': ['enterprise'],
  logpush: ['enterprise'],
};

/**
 * Reads everything Cloudflare holds that names visitor IPs or countries, for the configured zones and their
 * account(s). Each part of each zone/account is read on its own: a plan that lacks a feature, a token that lacks a
 * permission, or a failure in one part is recorded in `statuses` and the other parts still complete. Requests run
 * concurrently; the client's pacer bounds how many are in flight and keeps them within the REST budget.
 */
export async function fetchCloudflareObjects(
  client: { readonly sdk: Cloudflare },
  config: ObjectsConfig,
  options: FetchObjectsOptions = {},
): Promise<CloudflareObjects> {
  const { sdk } = client;
  const parts = new Set(options.parts ?? ALL_PARTS);
  const statuses: ReadStatus[] = [];
  const record = (status: ReadStatus): void => {
    statuses.push(status);
    options.onProgress?.(status);
  };
  // Runs one read; its failure becomes a status, never an exception (bugs excepted).
  const read = async <T>(part: ObjectPart, scope: ObjectScope, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      const value = await run();
      record(okStatus(part, scope));
      return value;
    } catch (err) {
      record(classifyReadError(part, scope, err));
      return undefined;
    }
  };

  const names = new Map(config.zones.map((zone) => [zone.id, zone.name]));
  const zoneIds = [...new Set(options.zoneIds ?? config.zones.map((zone) => zone.id))];
  const zones: ZoneInfo[] = await Promise.all(
    zoneIds.map(async (id) => {
      const scope: ObjectScope = { type: 'zone', id };
      const info = await read('zone', scope, () => fetchZoneInfo(sdk, id));
      return info ?? { id, name: names.get(id), plan: undefined, accountId: undefined };
    }),
  );
  const accountIds = [...new Set([...(config.accountId ? [config.accountId] : []), ...zones.flatMap((zone) => (zone.accountId ? [zone.accountId] : []))])];

  // A part the zone's plan lacks is reported without asking; with the plan unknown, the API's answer decides.
  const gated = (part: ObjectPart, zone: ZoneInfo): boolean => {
    const allowed = PLAN_GATES[part];
    if (allowed === undefined || zone.plan === undefined || allowed.includes(zone.plan)) return false;
    record(notAvailableStatus(part, { type: 'zone', id: zone.id }, zone.plan));
    return true;
  };
  const perZone = <T>(part: ObjectPart, run: (zone: ZoneInfo) => Promise<T[]>): Promise<T[]> =>
    !parts.has(part)
      ? Promise.resolve([])
      : Promise.all(zones.map((zone) => (gated(part, zone) ? Promise.resolve(undefined) : read(part, { type: 'zone', id: zone.id }, () => run(zone))))).then(
          (results) => results.flatMap((result) => result ?? []),
        );
  const perAccount = <T>(part: ObjectPart, run: (accountId: string) => Promise<T[]>): Promise<T[]> =>
    !parts.has(part)
      ? Promise.resolve([])
      : Promise.all(accountIds.map((id) => read(part, { type: 'account', id }, () => run(id)))).then((results) => results.flatMap((result) => result ?? []));

  const [zoneRules, accountRules, listsAndItems, lockdowns, customRules, logRetention, zoneJobs, accountJobs] = await Promise.all([
    perZone('access-rules', (zone) => fetchAccessRules(sdk, { type: 'zone', id: zone.id })),
    perAccount('access-rules', (id) => fetchAccessRules(sdk, { type: 'account', id })),
    perAccount('list-items', (id) => fetchAccountLists(sdk, id, config.managedLists)),
    perZone('lockdowns', (zone): Promise<Lockdown[]> => fetchLockdowns(sdk, zone.id)),
    perZone('custom-rules', (zone): Promise<CustomRule[]> => fetchCustomRules(sdk, zone.id)),
    perZone('logpull-retention', async (zone): Promise<LogRetention[]> => [await fetchLogRetention(sdk, zone.id)]),
    perZone('logpush', (zone): Promise<LogpushJob[]> => fetchLogpushJobs(sdk, { type: 'zone', id: zone.id })),
    perAccount('logpush', (id): Promise<LogpushJob[]> => fetchLogpushJobs(sdk, { type: 'account', id })),
  ]);

  // Account rules first, so a rule a zone list repeats keeps its account scope.
  const accessRules: AccessRule[] = mergeAccessRules([accountRules, zoneRules]);
  const lists = listsAndItems.flatMap((entry) => (entry.kind === 'list' ? [entry.list] : []));
  const listItems = listsAndItems.flatMap((entry) => (entry.kind === 'items' ? entry.items : []));
  return {
    fetchedAt: options.now?.() ?? new Date(),
    zones,
    accountIds,
    accessRules,
    lists,
    listItems,
    lockdowns,
    customRules,
    logRetention,
    logpushJobs: [...zoneJobs, ...accountJobs],
    statuses,
  };
}

type ListsEntry = { kind: 'list'; list: IpList } | { kind: 'items'; items: ListItem[] };

/** The account's IP lists and all their items; any failing list fails the account's read (it would undercount). */
async function fetchAccountLists(sdk: Cloudflare, accountId: string, managedNames: readonly string[]): Promise<ListsEntry[]> {
  const lists = (await fetchLists(sdk, accountId, managedNames)).filter((list) => list.kind === 'ip' || list.kind === '');
  const items = await Promise.all(lists.map((list) => fetchListItems(sdk, list)));
  return [...lists.map((list): ListsEntry => ({ kind: 'list', list })), ...items.map((entry): ListsEntry => ({ kind: 'items', items: entry }))];
}
