import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import type { Network } from '../policy/network.js';
import type { StoreSession } from '../store/port.js';
import type { SubjectRow, SubjectTable } from '../store/subject-queries.js';
import {
  CLOUDFLARE_FIREWALL_EVENTS_ID,
  CLOUDFLARE_HTTP_ANALYTICS_ID,
  CLOUDFLARE_KEPT_DATASETS,
  parseZoneSettings,
  zoneSettingsKey,
} from '../inventory/cloudflare-kept.js';
import { buildSubjectFindings, type SubjectFindings } from './find.js';

/** Reads what the store holds about the subject and sorts it together with the Cloudflare snapshot, if any. */
export async function gatherSubject(
  store: StoreSession,
  network: Network,
  objects: CloudflareObjects | undefined,
  zoneIds: readonly string[],
  now: Date,
): Promise<SubjectFindings> {
  const rows = new Map<SubjectTable, SubjectRow[]>([
    ['local/firewall-events', await store.selectSubjectRows('local/firewall-events', network)],
    ['local/http-analytics', await store.selectSubjectRows('local/http-analytics', network)],
  ]);
  const zoneWindows = new Map<SubjectTable, Map<string, number>>();
  for (const [table, tableRows] of rows) {
    const { settingsNode } = CLOUDFLARE_KEPT_DATASETS[table === 'local/firewall-events' ? CLOUDFLARE_FIREWALL_EVENTS_ID : CLOUDFLARE_HTTP_ANALYTICS_ID];
    const windows = new Map<string, number>();
    for (const zoneId of new Set([...zoneIds, ...tableRows.map((r) => r.zoneId)])) {
      const window = parseZoneSettings(await store.readMeta(zoneSettingsKey(zoneId)), settingsNode).windowSeconds;
      if (window !== undefined) windows.set(zoneId, window);
    }
    zoneWindows.set(table, windows);
  }
  return buildSubjectFindings({ network, rows, objects, holds: await store.readHolds(), zoneWindows, now });
}
