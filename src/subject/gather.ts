import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import type { Network } from '../policy/network.js';
import { buildNetworkMatcher } from '../policy/network.js';
import { readMeta, type Db } from '../store/db.js';
import { readHolds } from '../store/holds.js';
import { selectSubjectRows, type SubjectRow, type SubjectTable } from '../store/subject-queries.js';
import {
  CLOUDFLARE_FIREWALL_EVENTS_ID,
  CLOUDFLARE_HTTP_ANALYTICS_ID,
  CLOUDFLARE_KEPT_DATASETS,
  parseZoneSettings,
  zoneSettingsKey,
} from '../inventory/cloudflare-kept.js';
import { buildSubjectFindings, type SubjectFindings } from './find.js';

/** Reads what the store holds about the subject and sorts it together with the Cloudflare snapshot, if any. */
export function gatherSubject(db: Db, network: Network, objects: CloudflareObjects | undefined, zoneIds: readonly string[], now: Date): SubjectFindings {
  const matches = buildNetworkMatcher([network]);
  const rows = new Map<SubjectTable, SubjectRow[]>([
    ['local/firewall-events', selectSubjectRows(db, 'local/firewall-events', matches)],
    ['local/http-analytics', selectSubjectRows(db, 'local/http-analytics', matches)],
  ]);
  const zoneWindows = new Map<SubjectTable, Map<string, number>>();
  for (const [table, tableRows] of rows) {
    const { settingsNode } = CLOUDFLARE_KEPT_DATASETS[table === 'local/firewall-events' ? CLOUDFLARE_FIREWALL_EVENTS_ID : CLOUDFLARE_HTTP_ANALYTICS_ID];
    const windows = new Map<string, number>();
    for (const zoneId of new Set([...zoneIds, ...tableRows.map((r) => r.zoneId)])) {
      const window = parseZoneSettings(readMeta(db, zoneSettingsKey(zoneId)), settingsNode).windowSeconds;
      if (window !== undefined) windows.set(zoneId, window);
    }
    zoneWindows.set(table, windows);
  }
  return buildSubjectFindings({ network, rows, objects, holds: readHolds(db), zoneWindows, now });
}
