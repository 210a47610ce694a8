import type { Outcome } from '../outcome.js';
import { CLOUDFLARE_KEPT_DATASETS } from './cloudflare-kept.js';
import type { Inventory } from './inventory.js';

/**
 * How an inventory ended. Every location that asks Cloudflare failing after retries (status `error`: bad token,
 * exhausted 429/5xx, malformed answers) is a Cloudflare failure (exit 3); some failing is partial (exit 4). Plan
 * gating (`not_available`) and missing permissions (`not_readable`) are facts the report states, not failures.
 */
export function selectInventoryOutcome(inventory: Inventory, failedBuilders: number): Outcome {
  // What Cloudflare keeps of pulled datasets is read from our store, not asked of Cloudflare.
  const cloudflare = inventory.locations.filter((location) => location.kind === 'cloudflare' && !(location.id in CLOUDFLARE_KEPT_DATASETS));
  if (cloudflare.length > 0 && cloudflare.every((location) => location.status === 'error')) return 'cloudflare_failed';
  return failedBuilders > 0 || inventory.locations.some((location) => location.status === 'error') ? 'partial' : 'done';
}

/** Whether every location that asks Cloudflare was refused by the token (and there is at least one). */
export function isEveryCloudflareReadRefused(inventory: Inventory): boolean {
  const cloudflare = inventory.locations.filter((location) => location.kind === 'cloudflare' && !(location.id in CLOUDFLARE_KEPT_DATASETS));
  return cloudflare.length > 0 && cloudflare.every((location) => location.status === 'not_readable');
}
