import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { buildObjectStatus, selectOldestNewest } from './cloudflare-object-status.js';
import type { InventoryLocation } from './inventory.js';

export const CLOUDFLARE_LOCKDOWNS_ID = 'cloudflare/lockdowns';

export const REPORTED_NOT_DELETED = "reported, not deleted: these are usually the company's own allow-lists";

/** IPs and ranges in Zone Lockdown rules: one record per address or range configured. Reported, never purged. */
export function buildCloudflareLockdownsLocation(objects: CloudflareObjects): InventoryLocation {
  const { status, notes } = buildObjectStatus(objects, ['lockdowns']);
  const configurations = objects.lockdowns.flatMap((lockdown) => lockdown.configurations);
  const zones = new Set(objects.lockdowns.map((lockdown) => lockdown.zoneId));
  if (objects.lockdowns.length > 0) notes.push(`${objects.lockdowns.length} lockdown rule(s) in ${zones.size} zone(s)`);
  notes.push(REPORTED_NOT_DELETED);
  return {
    id: CLOUDFLARE_LOCKDOWNS_ID,
    kind: 'cloudflare',
    records: configurations.length,
    distinctIps: new Set(configurations.map((c) => c.network?.text ?? c.value)).size,
    countries: [],
    ...selectOldestNewest(objects.lockdowns.flatMap((lockdown) => (lockdown.createdOn ? [lockdown.createdOn] : []))),
    pastRetention: 0,
    held: 0,
    retention: undefined,
    controlledBy: 'us',
    expires: undefined,
    status,
    notes,
  };
}
