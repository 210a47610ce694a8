import { ExitCode } from '../errors.js';
import { CLOUDFLARE_KEPT_DATASETS } from './cloudflare-kept.js';
import type { Inventory } from './inventory.js';

/**
 * The exit code an inventory ends with. Every location that asks Cloudflare failing after retries (status `error`:
 * bad token, exhausted 429/5xx, malformed answers) is a Cloudflare failure (3); some failing is partial (4). Plan
 * gating (`not_available`) and missing permissions (`not_readable`) are facts the report states, not failures.
 */
export function inventoryExitCode(inventory: Inventory, failedBuilders: number): ExitCode {
  // What Cloudflare keeps of pulled datasets is read from our store, not asked of Cloudflare.
  const cloudflare = inventory.locations.filter((location) => location.kind === 'cloudflare' && !(location.id in CLOUDFLARE_KEPT_DATASETS));
  if (cloudflare.length > 0 && cloudflare.every((location) => location.status === 'error')) return ExitCode.cloudflare;
  return failedBuilders > 0 || inventory.locations.some((location) => location.status === 'error') ? ExitCode.partial : ExitCode.ok;
}

/** Whether every location that asks Cloudflare was refused by the token (and there is at least one). */
export function isEveryCloudflareReadRefused(inventory: Inventory): boolean {
  const cloudflare = inventory.locations.filter((location) => location.kind === 'cloudflare' && !(location.id in CLOUDFLARE_KEPT_DATASETS));
  return cloudflare.length > 0 && cloudflare.every((location) => location.status === 'not_readable');
}
