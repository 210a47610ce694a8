import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { buildObjectLocation, buildObjectStatus } from './cloudflare-object-status.js';
import type { InventoryLocation } from './inventory.js';

export const CLOUDFLARE_LOCKDOWNS_ID = 'cloudflare/lockdowns';

/** IPs and ranges in Zone Lockdown rules: one record per address or range configured. Reported, never purged. */
export function buildCloudflareLockdownsLocation(objects: CloudflareObjects): InventoryLocation {
  const { status, notes } = buildObjectStatus(objects, ['lockdowns']);
  const configurations = objects.lockdowns.flatMap((lockdown) => lockdown.configurations);
  const zones = new Set(objects.lockdowns.map((lockdown) => lockdown.zoneId));
  if (objects.lockdowns.length > 0) notes.push({ code: 'lockdowns.count', rules: objects.lockdowns.length, zones: zones.size });
  notes.push({ code: 'objects.reported_not_deleted' });
  return buildObjectLocation({
    id: CLOUDFLARE_LOCKDOWNS_ID,
    records: configurations.length,
    distinctIps: new Set(configurations.map((c) => c.network?.text ?? c.value)).size,
    dates: objects.lockdowns.flatMap((lockdown) => (lockdown.createdOn ? [lockdown.createdOn] : [])),
    controlledBy: 'us',
    status,
    notes,
  });
}
