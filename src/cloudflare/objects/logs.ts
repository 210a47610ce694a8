import type Cloudflare from 'cloudflare';
import { redactDestinationConf } from '../redact.js';
import { asRecord, readBoolean, readDate, readNumber, readString, readStrings } from './fields.js';
import type { LogRetention, LogpushJob, ObjectScope } from './types.js';

/** The Logpull retention flag of a zone (`GET /zones/{id}/logs/control/retention/flag`). */
export async function fetchLogRetention(sdk: Cloudflare, zoneId: string): Promise<LogRetention> {
  const result = asRecord(await sdk.logs.control.retention.get({ zone_id: zoneId }));
  return { zoneId, flag: readBoolean(result, 'flag') ?? false };
}

/** Every Logpush job of a zone or account, destinations redacted on the way in. */
export async function fetchLogpushJobs(sdk: Cloudflare, scope: ObjectScope): Promise<LogpushJob[]> {
  const params = scope.type === 'zone' ? { zone_id: scope.id } : { account_id: scope.id };
  const jobs: LogpushJob[] = [];
  for await (const raw of sdk.logpush.jobs.list(params)) {
    if (raw === null || raw === undefined) continue;
    jobs.push(toLogpushJob(asRecord(raw), scope));
  }
  return jobs;
}

export function toLogpushJob(record: Readonly<Record<string, unknown>>, scope: ObjectScope): LogpushJob {
  const fields = selectLogpushFields(record);
  return {
    id: readNumber(record, 'id') ?? 0,
    scope,
    name: readString(record, 'name') ?? '',
    dataset: readString(record, 'dataset') ?? '',
    enabled: readBoolean(record, 'enabled') ?? false,
    destination: redactDestinationConf(readString(record, 'destination_conf') ?? ''),
    fields,
    shipsClientIp: fields.some((field) => field.toLowerCase() === 'clientip'),
    shipsClientCountry: fields.some((field) => field.toLowerCase() === 'clientcountry'),
    lastComplete: readDate(record, 'last_complete'),
  };
}

/** `output_options.field_names`, else the legacy `logpull_options` query string's `fields=` (comma-separated). */
export function selectLogpushFields(record: Readonly<Record<string, unknown>>): string[] {
  const names = readStrings(asRecord(record['output_options']), 'field_names');
  if (names.length > 0) return names;
  const legacy = readString(record, 'logpull_options');
  if (legacy === undefined) return [];
  const fields = new URLSearchParams(legacy.replace(/^\?/, '')).get('fields');
  return fields === null
    ? []
    : fields
        .split(',')
        .map((field) => field.trim())
        .filter((field) => field !== '');
}
