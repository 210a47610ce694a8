import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { buildObjectLocation, buildObjectStatus } from './cloudflare-object-status.js';
import { addNote, type InventoryLocation } from './inventory.js';

export const CLOUDFLARE_LOCKDOWNS_ID = 'cloudflare/lockdowns';

/** Said of objects the tool reports and never deletes. */
export const REPORTED_NOT_DELETED = {
  en: "reported, not deleted: these are usually the company's own allow-lists",
  ko: '보고만 하고 삭제하지 않음: 대개 회사 자체의 허용 목록입니다',
} as const;

/** IPs and ranges in Zone Lockdown rules: one record per address or range configured. Reported, never purged. */
export function buildCloudflareLockdownsLocation(objects: CloudflareObjects): InventoryLocation {
  const { status, notes } = buildObjectStatus(objects, ['lockdowns']);
  const configurations = objects.lockdowns.flatMap((lockdown) => lockdown.configurations);
  const zones = new Set(objects.lockdowns.map((lockdown) => lockdown.zoneId));
  if (objects.lockdowns.length > 0) {
    addNote(notes, `${objects.lockdowns.length} lockdown rule(s) in ${zones.size} zone(s)`, `영역(zone) ${zones.size}개에 잠금(lockdown) 규칙 ${objects.lockdowns.length}개`);
  }
  addNote(notes, REPORTED_NOT_DELETED.en, REPORTED_NOT_DELETED.ko);
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
