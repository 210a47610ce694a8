import { apiError, badRequest, notEntitled, type Reply } from '../envelope.js';
import type { StoredRow } from '../event-store.js';
import type { HttpRequestSample } from '../models.js';
import { PLAN_NAMES } from '../plans.js';
import type { RestRequest, Route } from '../router.js';
import { zoneOf } from './scope.js';

/**
 * Logpull (reference §6.1): NDJSON request logs, Enterprise only, needs the retention flag on. Lines are derived from
 * the zone's request samples (one line per request a sample stands for).
 */

const FIELDS: Record<string, string> = {
  ClientIP: 'IP address of the client',
  ClientCountry: 'Country of the client IP address',
  ClientASN: 'Client AS number',
  ClientRequestHost: 'Host requested by the client',
  ClientRequestMethod: 'HTTP method of client request',
  ClientRequestURI: 'URI requested by the client',
  ClientRequestUserAgent: 'User agent reported by the client',
  EdgeStartTimestamp: 'Timestamp at which the edge received request from the client',
  EdgeEndTimestamp: 'Timestamp at which the edge finished sending response to the client',
  EdgeResponseBytes: 'Number of bytes returned by the edge to the client',
  EdgeResponseStatus: 'HTTP status code returned by Cloudflare to the client',
  RayID: 'ID of the request',
};
const DEFAULT_FIELDS = [
  'ClientIP',
  'ClientRequestHost',
  'ClientRequestMethod',
  'ClientRequestURI',
  'EdgeEndTimestamp',
  'EdgeResponseBytes',
  'EdgeResponseStatus',
  'EdgeStartTimestamp',
  'RayID',
];
const HOUR_S = 3600;
const WEEK_S = 7 * 86_400;

/** `start` / `end`: unix seconds, unix nanoseconds or RFC 3339. */
function parseInstant(text: string | null): number | undefined {
  if (text === null || text === '') return undefined;
  if (/^\d+$/.test(text)) return text.length > 12 ? Number(BigInt(text) / 1_000_000_000n) : Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

function rayId(stored: StoredRow<HttpRequestSample>, index: number): string {
  let h = (stored.seq * 2654435761 + index * 40503) >>> 0;
  let out = '';
  for (let i = 0; i < 2; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}

function formatTimestamp(ns: bigint, style: string): string | number {
  if (style === 'unix') return Number(ns / 1_000_000_000n);
  if (style === 'rfc3339') return new Date(Number(ns / 1_000_000n)).toISOString().replace('.000Z', 'Z');
  return Number(ns);
}

function logLines(stored: StoredRow<HttpRequestSample>, fields: readonly string[], timestamps: string): string[] {
  const sample = stored.row;
  const lines: string[] = [];
  for (let index = 0; index < (sample.count ?? 1); index++) {
    const startNs = BigInt(stored.ts) * 1_000_000_000n + BigInt(index) * 1_000_000n;
    const values: Record<string, unknown> = {
      ClientIP: sample.clientIP,
      // Observed Logpull data uses lower-case country codes.
      ClientCountry: sample.clientCountryName.toLowerCase(),
      ClientASN: Number(sample.clientAsn ?? 0),
      ClientRequestHost: sample.clientRequestHTTPHost ?? '',
      ClientRequestMethod: sample.clientRequestHTTPMethodName ?? 'GET',
      ClientRequestURI: `${sample.clientRequestPath ?? '/'}${sample.clientRequestQuery ?? ''}`,
      ClientRequestUserAgent: sample.userAgent ?? '',
      EdgeStartTimestamp: formatTimestamp(startNs, timestamps),
      EdgeEndTimestamp: formatTimestamp(startNs + 25_000_000n, timestamps),
      EdgeResponseBytes: Math.round((sample.edgeResponseBytes ?? 0) / Math.max(1, sample.count ?? 1)),
      EdgeResponseStatus: sample.edgeResponseStatus ?? 200,
      RayID: rayId(stored, index),
    };
    const line: Record<string, unknown> = {};
    for (const field of fields) line[field] = values[field];
    lines.push(JSON.stringify(line));
  }
  return lines;
}

function readOptions(request: RestRequest): { fields: string[]; timestamps: string } | Reply {
  const fieldsText = request.query.get('fields');
  const fields = fieldsText === null || fieldsText === '' ? DEFAULT_FIELDS : fieldsText.split(',');
  const unknown = fields.find((field) => FIELDS[field] === undefined);
  if (unknown !== undefined) return badRequest(`unknown field ${unknown}`, 1004);
  const timestamps = request.query.get('timestamps') ?? 'unixnano';
  if (!['unixnano', 'unix', 'rfc3339'].includes(timestamps)) return badRequest('timestamps must be unixnano, unix or rfc3339', 1004);
  return { fields, timestamps };
}

function gate(request: RestRequest): Reply | undefined {
  const zone = zoneOf(request);
  if (zone.plan !== 'enterprise') return notEntitled('Logpull', PLAN_NAMES[zone.plan]);
  // The real answer when retention is off is unpublished (reference §10); a 400 that names the flag is the emulator's.
  if (!zone.logRetention) return badRequest('log retention is not enabled for this zone (logs/control/retention/flag)', 1004);
  return undefined;
}

const ndjson = (lines: readonly string[]): Reply => ({
  status: 200,
  body: lines.length === 0 ? '' : `${lines.join('\n')}\n`,
  headers: { 'content-type': 'application/json' },
});

function received(request: RestRequest): Reply {
  const refused = gate(request);
  if (refused !== undefined) return refused;
  const options = readOptions(request);
  if ('status' in options) return options;
  const start = parseInstant(request.query.get('start'));
  const end = parseInstant(request.query.get('end'));
  const nowS = request.state.now() / 1000;
  if (start === undefined || end === undefined) return badRequest('start and end are required', 1004);
  if (end <= start) return badRequest('end must be later than start', 1004);
  if (end - start > HOUR_S) return badRequest('time range (end - start) must not exceed one hour', 1004);
  if (start < nowS - WEEK_S) return badRequest('start must be no more than 7 days ago', 1004);
  if (end > nowS - 60) return badRequest('end must be at least one minute in the past', 1004);
  const count = request.query.has('count') ? Number(request.query.get('count')) : Number.POSITIVE_INFINITY;
  const { rows, start: first, end: last } = zoneOf(request).httpRequests.window(Math.ceil(start), Math.ceil(end) - 1);
  const lines: string[] = [];
  for (let i = first; i < last && lines.length < count; i++)
    lines.push(...logLines(rows[i] as StoredRow<HttpRequestSample>, options.fields, options.timestamps));
  return ndjson(lines.slice(0, count));
}

function byRayId(request: RestRequest): Reply {
  const refused = gate(request);
  if (refused !== undefined) return refused;
  const options = readOptions(request);
  if ('status' in options) return options;
  const wanted = (request.params['ray_id'] ?? '').split('-')[0];
  for (const stored of zoneOf(request).httpRequests.all()) {
    for (let index = 0; index < (stored.row.count ?? 1); index++) {
      if (rayId(stored, index) === wanted) return ndjson([logLines(stored, options.fields, options.timestamps)[index] as string]);
    }
  }
  return apiError(404, 1004, 'ray id not found');
}

const READ = ['Logs Read', 'Logs Write'];

export const LOGPULL_ROUTES: Route[] = [
  { method: 'GET', path: '/zones/:zone_id/logs/received', permissions: READ, handle: received },
  // The field catalogue is a bare `{FieldName: description}` object, not the v4 envelope.
  { method: 'GET', path: '/zones/:zone_id/logs/received/fields', permissions: READ, handle: (request) => gate(request) ?? { status: 200, body: FIELDS } },
  { method: 'GET', path: '/zones/:zone_id/logs/rayids/:ray_id', permissions: READ, handle: byRayId },
];
