import type { Config } from '../config/config.js';
import { fetchCloudflareObjects } from '../cloudflare/objects/fetch.js';
import type { CloudflareObjects, ReadStatus } from '../cloudflare/objects/types.js';
import type { RestClient } from '../cloudflare/rest-client.js';
import { buildCloudflareAccessRulesLocation, CLOUDFLARE_ACCESS_RULES_ID } from './cloudflare-access-rules.js';
import { buildCloudflareCustomRulesLocation, CLOUDFLARE_CUSTOM_RULES_ID } from './cloudflare-custom-rules.js';
import { buildCloudflareListItemsLocation, CLOUDFLARE_LIST_ITEMS_ID } from './cloudflare-list-items.js';
import { buildCloudflareLockdownsLocation, CLOUDFLARE_LOCKDOWNS_ID } from './cloudflare-lockdowns.js';
import { buildCloudflareLogpullLocation, CLOUDFLARE_LOGPULL_ID } from './cloudflare-logpull.js';
import type { InventoryLocation, LocationBuilder, LocationId } from './inventory.js';
import { judgeCloudflarePurge, type CloudflarePlan } from '../purge/cloudflare.js';
import type { StorePort } from '../store/port.js';

export interface CloudflareObjectsDeps {
  /** The run's REST client, opened on first use. */
  readonly openClient: () => Promise<RestClient>;
  readonly store: StorePort;
  readonly config: Config;
  readonly now: () => Date;
  /** Each part read (for a progress line), then undefined once the snapshot is complete. */
  readonly onRead?: ((status: ReadStatus | undefined) => void) | undefined;
}

export interface CloudflareInventoryOptions {
  /** Only this zone. */
  readonly zoneId?: string | undefined;
  /** Called with the snapshot once read (the HTML/Markdown report checks its log settings against the policy). */
  readonly onSnapshot?: ((objects: CloudflareObjects) => void) | undefined;
}

/**
 * Builders for what Cloudflare itself holds (access rules, list items, lockdowns, custom rules, Logpull/Logpush).
 * They share one snapshot, read once over REST on first use.
 */
export function buildCloudflareObjectBuilders(deps: CloudflareObjectsDeps, options: CloudflareInventoryOptions): LocationBuilder[] {
  const { config } = deps;
  let snapshot: Promise<{ objects: CloudflareObjects; plan: CloudflarePlan }> | undefined;
  // One read of Cloudflare, judged once by the purge's own purpose rule, so "past retention" here is exactly what
  // the next purge would delete.
  const judged = (): Promise<{ objects: CloudflareObjects; plan: CloudflarePlan }> =>
    (snapshot ??= deps
      .openClient()
      .then((client) =>
        fetchCloudflareObjects(client, config, {
          ...(options.zoneId === undefined ? {} : { zoneIds: [options.zoneId] }),
          now: deps.now,
          onProgress: (status) => deps.onRead?.(status),
        }),
      )
      .finally(() => deps.onRead?.(undefined))
      .then(async (objects) => {
        options.onSnapshot?.(objects);
        const [evidence, holds] = [await deps.store.readCloudflareEvidence(), await deps.store.readHolds()];
        return { objects, plan: judgeCloudflarePurge(evidence, config, objects, holds, deps.now()) };
      }));
  const builder = (id: LocationId, build: (input: { objects: CloudflareObjects; plan: CloudflarePlan }) => InventoryLocation): LocationBuilder => ({
    id,
    kind: 'cloudflare',
    build: async () => build(await judged()),
  });
  const expiryOf = (part: CloudflarePlan['rules'] | CloudflarePlan['items']) => ({
    expired: part.toDelete.length,
    held: part.held,
    undetermined: part.undetermined,
    undeterminedReasons: part.undeterminedReasons,
  });
  return [
    builder(CLOUDFLARE_ACCESS_RULES_ID, ({ objects, plan }) =>
      buildCloudflareAccessRulesLocation({ objects, retention: config.retention.accessRules, expiry: expiryOf(plan.rules) }),
    ),
    builder(CLOUDFLARE_LIST_ITEMS_ID, ({ objects, plan }) =>
      buildCloudflareListItemsLocation({ objects, retention: config.retention.listItems, managedLists: config.managedLists, expiry: expiryOf(plan.items) }),
    ),
    builder(CLOUDFLARE_LOCKDOWNS_ID, ({ objects }) => buildCloudflareLockdownsLocation(objects)),
    builder(CLOUDFLARE_CUSTOM_RULES_ID, ({ objects }) => buildCloudflareCustomRulesLocation(objects)),
    builder(CLOUDFLARE_LOGPULL_ID, ({ objects }) => buildCloudflareLogpullLocation(objects)),
  ];
}
