/**
 * The Cloudflare side of the Cloudflare-purge bench, in its own process: one Enterprise zone and account holding
 * `rules` old block rules and a managed list of `items` old items, under the REST and list-item limits given.
 */
import {
  addAccessRules,
  addAccount,
  addIpList,
  addToken,
  addZone,
  ALL_PERMISSIONS,
  startEmulator,
  type AccessRule,
  type ListItem,
} from '@luxeret/cloudflare-emulator';

export interface PurgeEmulatorReady {
  readonly baseUrl: string;
  readonly token: string;
  readonly accountId: string;
  readonly zoneId: string;
  readonly listName: string;
}

export interface PurgeEmulatorArgs {
  readonly rules: number;
  readonly items: number;
  /** The REST budget the emulator enforces and announces in `Ratelimit-Policy`. */
  readonly restRequests: number;
  readonly windowMs: number;
  readonly listItemChanges: number;
  readonly listModifyingRequests: number;
  readonly listWindowMs: number;
}

const DAY_MS = 86_400_000;

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as PurgeEmulatorArgs;
  const emulator = await startEmulator({
    limits: {
      restRequests: args.restRequests,
      windowMs: args.windowMs,
      graphqlQueries: 300,
      listItemChanges: args.listItemChanges,
      listModifyingRequests: args.listModifyingRequests,
      listWindowMs: args.listWindowMs,
    },
    behaviour: { maxListItemsPerAccount: args.items + 1000 },
  });
  const token = 'bench-token-not-a-secret';
  addToken(emulator.state, { value: token, permissions: [...ALL_PERMISSIONS] });
  const account = addAccount(emulator.state, { id: 'be000000000000000000000000000001', name: 'Bench', plan: 'enterprise' });
  const zone = addZone(emulator.state, { id: 'be000000000000000000000000000002', name: 'bench.luxeret.com', accountId: account.id, plan: 'enterprise' });
  const old = new Date(Date.now() - 200 * DAY_MS).toISOString();
  const hex = (prefix: string, i: number) => `${prefix}${i.toString(16).padStart(32 - prefix.length, '0')}`;
  const rules: AccessRule[] = Array.from({ length: args.rules }, (_, i) => ({
    id: hex('ac', i),
    mode: 'block',
    allowed_modes: ['block', 'challenge', 'whitelist', 'js_challenge', 'managed_challenge'],
    configuration: { target: 'ip', value: `100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}` },
    notes: 'bench',
    created_on: old,
    modified_on: old,
    scope: { id: zone.id, type: 'zone' },
  }));
  addAccessRules(emulator.state, { zoneId: zone.id }, rules);
  const items = new Map<string, ListItem>();
  for (let i = 0; i < args.items; i++) {
    const id = hex('1e', i);
    items.set(id, { id, ip: `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, created_on: old, modified_on: old });
  }
  const listName = 'bench_blocked';
  addIpList(emulator.state, account.id, {
    id: hex('11', 1),
    name: listName,
    description: 'bench',
    kind: 'ip',
    created_on: old,
    modified_on: old,
    num_referencing_filters: 1,
    items,
  });
  const ready: PurgeEmulatorReady = { baseUrl: emulator.baseUrl, token, accountId: account.id, zoneId: zone.id, listName };
  process.send?.(ready);
  process.on('message', (message) => {
    if (message === 'remaining') {
      const list = [...emulator.state.accounts.get(account.id)!.lists.values()][0]!;
      process.send?.({ rules: zone.accessRules.size, items: list.items.size, rateLimited: emulator.requests.filter((r) => r.status === 429).length });
    }
  });
  process.on('disconnect', () => void emulator.close().finally(() => process.exit(0)));
}

void main();
