import type { Config } from '../config/config.js';
import { fetchCloudflareObjects } from '../cloudflare/objects/fetch.js';
import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { buildCloudflareAccessRulesLocation, CLOUDFLARE_ACCESS_RULES_ID } from './cloudflare-access-rules.js';
import { buildCloudflareCustomRulesLocation, CLOUDFLARE_CUSTOM_RULES_ID } from './cloudflare-custom-rules.js';
import { buildCloudflareListItemsLocation, CLOUDFLARE_LIST_ITEMS_ID } from './cloudflare-list-items.js';
import { buildCloudflareLockdownsLocation, CLOUDFLARE_LOCKDOWNS_ID } from './cloudflare-lockdowns.js';
import { buildCloudflareLogpullLocation, CLOUDFLARE_LOGPULL_ID } from './cloudflare-logpull.js';
import type { InventoryLocation, LocationBuilder } from './inventory.js';
import { planCloudflarePurge, type CloudflarePlan } from '../purge/cloudflare.js';
import { readHolds } from '../store/holds.js';
import { hasApiToken, openRestClient } from '../cli/cloudflare-rest.js';
import type { CliContext } from '../cli/context.js';

export interface CloudflareInventoryOptions {
  /** Only this zone. */
  readonly zoneId?: string | undefined;
  /** `--local-only`: do not ask Cloudflare. */
  readonly isLocalOnly: boolean;
  /** Called with the snapshot once read (the HTML/Markdown report checks its log settings against the policy). */
  readonly onSnapshot?: ((objects: CloudflareObjects) => void) | undefined;
}

/**
 * Builders for what Cloudflare itself holds (access rules, list items, lockdowns, custom rules, Logpull/Logpush).
 * They share one snapshot, read once over REST on first use. Without a token they are left out with a note, so
 * the inventory still works offline; `--local-only` leaves them out silently.
 */
export function buildCloudflareObjectBuilders(ctx: CliContext, config: Config, options: CloudflareInventoryOptions): LocationBuilder[] {
  if (options.isLocalOnly) return [];
  if (!hasApiToken(ctx)) {
    ctx.note('CLOUDFLARE_API_TOKEN is not set: objects held in Cloudflare (access rules, lists, lockdowns, custom rules, log settings) are not inventoried; pass --local-only to skip them quietly');
    return [];
  }
  let snapshot: Promise<{ objects: CloudflareObjects; plan: CloudflarePlan }> | undefined;
  // One read of Cloudflare, judged once by the purge's own purpose rule, so "past retention" here is exactly what
  // the next purge would delete.
  const judged = (): Promise<{ objects: CloudflareObjects; plan: CloudflarePlan }> =>
    (snapshot ??= fetchCloudflareObjects(openRestClient(ctx), config, {
      ...(options.zoneId === undefined ? {} : { zoneIds: [options.zoneId] }),
      now: () => ctx.now(),
      onProgress: (status) => ctx.progress(`Cloudflare: read ${status.part} of ${status.scope.type} ${status.scope.id}`),
    })
      .finally(() => ctx.progress(''))
      .then((objects) => {
        options.onSnapshot?.(objects);
        const db = ctx.store();
        return { objects, plan: planCloudflarePurge(db, config, objects, readHolds(db), ctx.now()) };
      }));
  const builder = (id: string, build: (input: { objects: CloudflareObjects; plan: CloudflarePlan }) => InventoryLocation): LocationBuilder => ({
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
