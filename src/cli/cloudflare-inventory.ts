import type { Config } from '../config/config.js';
import { fetchCloudflareObjects } from '../cloudflare/objects/fetch.js';
import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { buildCloudflareAccessRulesLocation, CLOUDFLARE_ACCESS_RULES_ID } from '../inventory/cloudflare-access-rules.js';
import { buildCloudflareCustomRulesLocation, CLOUDFLARE_CUSTOM_RULES_ID } from '../inventory/cloudflare-custom-rules.js';
import { buildCloudflareListItemsLocation, CLOUDFLARE_LIST_ITEMS_ID } from '../inventory/cloudflare-list-items.js';
import { buildCloudflareLockdownsLocation, CLOUDFLARE_LOCKDOWNS_ID } from '../inventory/cloudflare-lockdowns.js';
import { buildCloudflareLogpullLocation, CLOUDFLARE_LOGPULL_ID } from '../inventory/cloudflare-logpull.js';
import type { InventoryLocation, LocationBuilder } from '../inventory/inventory.js';
import { hasApiToken, openRestClient } from './cloudflare-rest.js';
import type { CliContext } from './context.js';

export interface CloudflareInventoryOptions {
  /** Only this zone. */
  readonly zoneId?: string | undefined;
  /** `--local-only`: do not ask Cloudflare. */
  readonly isLocalOnly: boolean;
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
  let snapshot: Promise<CloudflareObjects> | undefined;
  const objects = (): Promise<CloudflareObjects> =>
    (snapshot ??= fetchCloudflareObjects(openRestClient(ctx), config, {
      ...(options.zoneId === undefined ? {} : { zoneIds: [options.zoneId] }),
      now: () => ctx.now(),
      onProgress: (status) => ctx.progress(`Cloudflare: read ${status.part} of ${status.scope.type} ${status.scope.id}`),
    }).finally(() => ctx.progress('')));
  const builder = (id: string, build: (snapshot: CloudflareObjects) => InventoryLocation): LocationBuilder => ({
    id,
    kind: 'cloudflare',
    build: async () => build(await objects()),
  });
  return [
    // TODO(#4): past_retention from the purpose rule (src/policy/cloudflare-purpose.ts) once the purge exposes its judgement.
    builder(CLOUDFLARE_ACCESS_RULES_ID, (snap) => buildCloudflareAccessRulesLocation({ objects: snap, retention: config.retention.accessRules, expiry: undefined })),
    builder(CLOUDFLARE_LIST_ITEMS_ID, (snap) =>
      buildCloudflareListItemsLocation({ objects: snap, retention: config.retention.listItems, managedLists: config.managedLists, expiry: undefined }),
    ),
    builder(CLOUDFLARE_LOCKDOWNS_ID, buildCloudflareLockdownsLocation),
    builder(CLOUDFLARE_CUSTOM_RULES_ID, buildCloudflareCustomRulesLocation),
    builder(CLOUDFLARE_LOGPULL_ID, buildCloudflareLogpullLocation),
  ];
}
