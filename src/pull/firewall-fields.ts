import { isFieldAvailable, type DatasetSettings } from '../cloudflare/queries.js';
import type { FirewallEventRecord } from '../store/firewall-events.js';
import { fieldText as text, parseSeconds, type Row } from './key-pager.js';

/**
 * Data minimisation: the only firewall-event fields kept are the ones defence against attacks needs; paths, queries
 * and user agents only when the config opts in (`fields:`), and then in the `extra` JSON column.
 */
export const MINIMAL_FIREWALL_FIELDS = [
  'datetime',
  'rayName',
  'clientIP',
  'clientCountryName',
  'clientAsn',
  'action',
  'source',
  'ruleId',
  'clientRequestHTTPHost',
  'sampleInterval',
] as const;

/** Without these the natural key, and so exact paging, is impossible. */
const REQUIRED = ['datetime', 'rayName', 'action', 'source'];

export interface FirewallSelection {
  readonly fields: readonly string[];
  readonly extraFields: readonly string[];
  /** Natural-key fields after datetime, in paging order. */
  readonly keyFields: readonly string[];
  readonly unavailable: readonly string[];
  readonly missingRequired: readonly string[];
}

/** Chooses what to ask for: only fields in `availableFields` (any spelling), at most `maxNumberOfFields`, extras dropped first. */
export function selectFirewallFields(settings: DatasetSettings, extras: readonly string[]): FirewallSelection {
  // A list naming none of the fields we need says nothing (empty, or a spelling we do not know): ask for them all
  // and let a gating error speak, rather than fail the zone on our reading of the list (field reports §3).
  const isDescribed = MINIMAL_FIREWALL_FIELDS.some((f) => isFieldAvailable(settings, f));
  const available = (f: string) => !isDescribed || isFieldAvailable(settings, f);
  const base = MINIMAL_FIREWALL_FIELDS.filter(available);
  const wantedExtras = extras.filter((f) => !(MINIMAL_FIREWALL_FIELDS as readonly string[]).includes(f));
  const room = settings.maxNumberOfFields > 0 ? Math.max(0, settings.maxNumberOfFields - base.length) : wantedExtras.length;
  const extraFields = wantedExtras.filter(available).slice(0, room);
  return {
    fields: [...base, ...extraFields],
    extraFields,
    keyFields: ['rayName', 'ruleId', 'source', 'action'].filter(available),
    unavailable: [...MINIMAL_FIREWALL_FIELDS, ...wantedExtras].filter((f) => !base.includes(f as never) && !extraFields.includes(f)),
    missingRequired: REQUIRED.filter((f) => !available(f)),
  };
}

/** Maps one API row to the stored record. */
export function toFirewallRecord(zoneId: string, row: Row, extraFields: readonly string[]): FirewallEventRecord {
  let extra: string | null = null;
  if (extraFields.length > 0) {
    const picked: Record<string, unknown> = {};
    for (const field of extraFields) picked[field] = row[field] ?? null;
    extra = JSON.stringify(picked);
  }
  const interval = Number(row['sampleInterval']);
  return {
    zoneId,
    datetime: parseSeconds(row['datetime']),
    rayName: text(row['rayName']),
    clientIp: text(row['clientIP']),
    clientCountry: text(row['clientCountryName']),
    clientAsn: text(row['clientAsn']),
    action: text(row['action']),
    source: text(row['source']),
    ruleId: text(row['ruleId']),
    host: text(row['clientRequestHTTPHost']),
    sampleInterval: Number.isFinite(interval) && interval > 0 ? interval : 1,
    extra,
  };
}
