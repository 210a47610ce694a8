import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { buildObjectStatus, describeScope, describeZone } from './cloudflare-object-status.js';
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
    notes.push(
      retention.flag
        ? `${describeZone(objects.zones, retention.zoneId)}: Logpull retention on: Cloudflare keeps raw request logs with ClientIP for days`
        : `${describeZone(objects.zones, retention.zoneId)}: Logpull retention off`,
    );
  }
  const shipping = objects.logpushJobs.filter((job) => job.shipsClientIp || job.shipsClientCountry);
  for (const job of shipping) {
    const fields = [job.shipsClientIp ? 'ClientIP' : undefined, job.shipsClientCountry ? 'ClientCountry' : undefined].filter(Boolean).join(', ');
    const where = describeScope(objects.zones, { scope: job.scope, part: 'zone' });
    notes.push(`Logpush job ${job.id}${job.name ? ` "${job.name}"` : ''} (${job.dataset}, ${where}${job.enabled ? '' : ', disabled'}) ships ${fields} to ${job.destination}`);
  }
  const other = objects.logpushJobs.length - shipping.length;
  if (other > 0) notes.push(`${other} other Logpush job(s) ship neither ClientIP nor ClientCountry`);
  return {
    id: CLOUDFLARE_LOGPULL_ID,
    kind: 'cloudflare',
    records: retaining.length + shipping.length,
    distinctIps: 0,
    countries: [],
    oldest: undefined,
    newest: undefined,
    pastRetention: 0,
    held: 0,
    retention: undefined,
    controlledBy: 'cloudflare',
    expires: undefined,
    status,
    notes,
  };
}
