import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { buildObjectLocation, buildObjectStatus, describeScope, describeZone } from './cloudflare-object-status.js';
import { addNote, type InventoryLocation } from './inventory.js';

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
    const zone = describeZone(objects.zones, retention.zoneId);
    const zoneKo = describeZone(objects.zones, retention.zoneId, 'ko');
    if (retention.flag) {
      addNote(
        notes,
        `${zone}: Logpull retention on: Cloudflare keeps raw request logs with ClientIP for days`,
        `${zoneKo}: Logpull 보존 켜짐: Cloudflare가 ClientIP가 담긴 원본 요청 로그를 며칠간 보관합니다`,
      );
    } else addNote(notes, `${zone}: Logpull retention off`, `${zoneKo}: Logpull 보존 꺼짐`);
  }
  const shipping = objects.logpushJobs.filter((job) => job.shipsClientIp || job.shipsClientCountry);
  for (const job of shipping) {
    const fields = [job.shipsClientIp ? 'ClientIP' : undefined, job.shipsClientCountry ? 'ClientCountry' : undefined].filter(Boolean).join(', ');
    const where = describeScope(objects.zones, { scope: job.scope, part: 'zone' });
    const whereKo = describeScope(objects.zones, { scope: job.scope, part: 'zone' }, 'ko');
    const name = job.name ? ` "${job.name}"` : '';
    addNote(
      notes,
      `Logpush job ${job.id}${name} (${job.dataset}, ${where}${job.enabled ? '' : ', disabled'}) ships ${fields} to ${job.destination}`,
      `Logpush 작업 ${job.id}${name} (${job.dataset}, ${whereKo}${job.enabled ? '' : ', 꺼짐'})이(가) ${fields}을(를) ${job.destination}(으)로 보냅니다`,
    );
  }
  const other = objects.logpushJobs.length - shipping.length;
  if (other > 0) addNote(notes, `${other} other Logpush job(s) ship neither ClientIP nor ClientCountry`, `다른 Logpush 작업 ${other}개는 ClientIP도 ClientCountry도 보내지 않습니다`);
  return buildObjectLocation({ id: CLOUDFLARE_LOGPULL_ID, records: retaining.length + shipping.length, distinctIps: 0, controlledBy: 'cloudflare', status, notes });
}
