import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { buildObjectLocation, buildObjectStatus, buildScopeName, buildZoneName } from './cloudflare-object-status.js';
import type { InventoryLocation } from './inventory.js';

export const CLOUDFLARE_LOGPULL_ID = 'cloudflare/logpull';

/**
 * Raw request logs: zones whose Logpull retention flag is on (Cloudflare keeps logs with ClientIP for days), and
 * Logpush jobs that ship ClientIP/ClientCountry somewhere. One record per retaining zone and per such job.
 * Destinations arrive redacted (see cloudflare/redact.ts).
 */
export function buildCloudflareLogpullLocation(objects: CloudflareObjects): InventoryLocation {
  const { status, notes } = buildObjectStatus(objects, ['logpull-retention', 'logpush']);
  const retaining = objects.logRetention.filter((retention) => retention.flag);
  for (const retention of objects.logRetention) {
    notes.push({ code: retention.flag ? 'logpull.retention_on' : 'logpull.retention_off', zone: buildZoneName(objects.zones, retention.zoneId) });
  }
  const shipping = objects.logpushJobs.filter((job) => job.shipsClientIp || job.shipsClientCountry);
  for (const job of shipping) {
    notes.push({
      code: 'logpush.ships',
      jobId: job.id,
      name: job.name || undefined,
      dataset: job.dataset,
      scope: buildScopeName(objects.zones, { scope: job.scope, part: 'zone' }),
      enabled: job.enabled,
      fields: [...(job.shipsClientIp ? ['ClientIP'] : []), ...(job.shipsClientCountry ? ['ClientCountry'] : [])],
      destination: job.destination,
    });
  }
  const other = objects.logpushJobs.length - shipping.length;
  if (other > 0) notes.push({ code: 'logpush.others', count: other });
  return buildObjectLocation({
    id: CLOUDFLARE_LOGPULL_ID,
    records: retaining.length + shipping.length,
    distinctIps: 0,
    controlledBy: 'cloudflare',
    status,
    notes,
  });
}
