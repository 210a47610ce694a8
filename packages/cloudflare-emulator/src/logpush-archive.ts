import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ArchiveObjectBody } from './archive-server.js';
import type { FirewallEvent } from './models.js';

/** The firewall_events fields a Logpush line can carry, from an emulated event. */
const LOGPUSH_FIELDS = {
  ClientIP: (event: FirewallEvent) => event.clientIP,
  // Logpush writes the country code in lower case (cloudflare-api.md §6.1).
  ClientCountry: (event: FirewallEvent) => event.clientCountryName.toLowerCase(),
  Datetime: (event: FirewallEvent) => event.datetime,
  RayID: (event: FirewallEvent) => event.rayName,
  Action: (event: FirewallEvent) => event.action,
  Source: (event: FirewallEvent) => event.source,
  RuleID: (event: FirewallEvent) => event.ruleId ?? '',
  ClientRequestHost: (event: FirewallEvent) => event.clientRequestHTTPHost ?? '',
} as const;

export type LogpushField = keyof typeof LOGPUSH_FIELDS;

/** The fields of the emulator's Logpush jobs (generateLogpushJobs: output_options.field_names). */
export const LOGPUSH_JOB_FIELDS: readonly LogpushField[] = ['ClientIP', 'ClientCountry', 'Datetime', 'RayID'];

/**
 * The objects a Logpush job with destination `<prefix>{DATE}` leaves for these events: one gzip NDJSON file per
 * `windowMs` that saw events, named `<prefix><YYYYMMDD>/<start>_<end>_<hash>.log.gz` with the window's start and
 * end (times as 20261125T101500Z; the end is the next window's start), in the day folder of its start. Deterministic for the same events.
 */
export function generateLogpushObjects(options: {
  prefix: string;
  events: readonly FirewallEvent[];
  windowMs: number;
  fields?: readonly LogpushField[];
}): ArchiveObjectBody[] {
  const fields = options.fields ?? LOGPUSH_JOB_FIELDS;
  const windows = new Map<number, string[]>();
  for (const event of options.events) {
    const startMs = Math.floor(Date.parse(event.datetime) / options.windowMs) * options.windowMs;
    const line = JSON.stringify(Object.fromEntries(fields.map((field) => [field, LOGPUSH_FIELDS[field](event)])));
    const lines = windows.get(startMs);
    if (lines) lines.push(line);
    else windows.set(startMs, [line]);
  }
  return [...windows]
    .sort(([a], [b]) => a - b)
    .map(([startMs, lines]) => {
      const text = `${lines.join('\n')}\n`;
      const start = compactTime(startMs);
      const end = compactTime(startMs + options.windowMs);
      const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
      return { key: `${options.prefix}${start.slice(0, 8)}/${start}_${end}_${hash}.log.gz`, body: gzipSync(text) };
    });
}

function compactTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
