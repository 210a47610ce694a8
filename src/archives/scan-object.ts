import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { buildHoldMatcher, type Hold } from '../policy/holds.js';
import { buildAddressTextFilter, normaliseAddress } from '../policy/network.js';
import { errorCode } from './read-archive.js';

/** Why a scan could not decide an object: it is kept (undetermined). */
export type ScanFailure = 'read_failed' | 'not_gzip' | 'unreadable_line' | 'line_too_long';

/** What reading one archive object's lines found. */
export type ObjectScan =
  /** A line an active hold covers: the scan stopped there. */
  | { readonly kind: 'held'; readonly lines: number }
  /** Every line read; no hold covers any. */
  | { readonly kind: 'clear'; readonly lines: number }
  /** `code`: the S3 or zlib error code, or what was wrong with a line; never a message (it may quote a key or data). */
  | { readonly kind: 'undetermined'; readonly reason: ScanFailure; readonly code: string; readonly lines: number };

/** One line's verdict; `unreadable` carries what was wrong with it. */
export type LineVerdict = 'held' | 'not_held' | { readonly unreadable: 'not_json' | 'no_client_ip' };

export type LineTest = (line: string) => LineVerdict;

/** The data time an object's name (or LastModified) tells: what a line without a readable time stands for. */
export interface ObjectSpan {
  /** Undefined when only the end is known (the data may be from any time before it). */
  readonly startMs: number | undefined;
  readonly endMs: number;
}

/** A Logpush line is a couple of kilobytes: one this long is no Logpush line, and reading on would hold it whole. */
export const MAX_LINE_CHARS = 1 << 20;
/** zlib's output chunk: larger than its 16 KiB default, fewer turns of the line loop. */
export const GUNZIP_CHUNK_BYTES = 1 << 16;

const CLIENT_IP_KEY = '"ClientIP"';
/** Firewall events date a line by `Datetime`, HTTP requests by `EdgeStartTimestamp`. */
const TIME_FIELDS = ['Datetime', 'EdgeStartTimestamp'] as const;
const EARLIEST_MS = -8.64e15;
// Logpush timestamp_format: `unix` (seconds), `unixnano` (the default) or `rfc3339` (with ms or ns fractions in newer jobs).
const UNIX_SECONDS_BELOW = 1e11;
const UNIX_NANOS_FROM = 1e17;
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Builds the test of one NDJSON line against the holds active at `at`: is its `ClientIP` (IPv4, IPv6 or IPv4-mapped
 * IPv6) inside a held network, for its `ClientCountry`, at its time? A line with no readable time stands for the
 * object's whole span; one with no country is tried against every country a hold names. Most lines are decided
 * without JSON.parse: when the line has exactly one `"ClientIP"` key and its plain string value cannot lie in any
 * held network (buildAddressTextFilter), no hold covers it; every other line is parsed and checked in full.
 */
export function buildLogLineTest(holds: readonly Hold[], at: Date, span: ObjectSpan): LineTest {
  const isHeld = buildHoldMatcher(holds, at);
  const mayBeInside = buildAddressTextTest(isHeld.networks);
  const holdCountries = [...new Set(holds.flatMap((hold) => (hold.country === undefined ? [] : [hold.country.toUpperCase()])))];
  const fallbackAtMs = span.startMs ?? EARLIEST_MS;
  const fallbackSpanMs = Math.max(span.endMs - fallbackAtMs, 0);
  return (line) => {
    const quick = selectClientIpText(line);
    if (quick !== undefined && !mayBeInside(quick)) return 'not_held';
    if (line.trim() === '') return 'not_held';
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      return { unreadable: 'not_json' };
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return { unreadable: 'not_json' };
    const fields = record as Record<string, unknown>;
    const ip = fields['ClientIP'];
    if (typeof ip !== 'string' || normaliseAddress(ip) === undefined) return { unreadable: 'no_client_ip' };
    const country = fields['ClientCountry'];
    const countries = typeof country === 'string' && country !== '' ? [country] : ['', ...holdCountries];
    const timeMs = readLineTimeMs(fields);
    const when = timeMs === undefined ? { at: new Date(fallbackAtMs), spanMs: fallbackSpanMs } : { at: new Date(timeMs), spanMs: 0 };
    return countries.some((c) => isHeld({ ip, country: c, ...when })) ? 'held' : 'not_held';
  };
}

/**
 * Reads a gzip NDJSON stream line by line (never whole: memory stays at a chunk and a line) and stops at the first
 * line `test` says is held. Any Readable: an S3 GetObject body, a file. The source is destroyed when done.
 */
export async function scanLogStream(source: Readable, test: LineTest): Promise<ObjectScan> {
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  let sourceError: unknown;
  source.on('error', (err) => {
    sourceError = err;
    gunzip.destroy(err);
  });
  source.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let lines = 0;
  let unreadable: ObjectScan | undefined;
  let carry = '';
  const judge = (line: string): 'held' | undefined => {
    lines += 1;
    const verdict = test(line);
    if (verdict === 'held') return 'held';
    if (verdict !== 'not_held' && unreadable === undefined) unreadable = { kind: 'undetermined', reason: 'unreadable_line', code: verdict.unreadable, lines };
    return undefined;
  };
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const text = carry + decoder.write(chunk);
      let start = 0;
      let newline = text.indexOf('\n');
      while (newline !== -1) {
        if (judge(text.slice(start, newline)) === 'held') return { kind: 'held', lines };
        start = newline + 1;
        newline = text.indexOf('\n', start);
      }
      carry = text.slice(start);
      if (carry.length > MAX_LINE_CHARS) return { kind: 'undetermined', reason: 'line_too_long', code: 'line_too_long', lines };
    }
    const last = carry + decoder.end();
    if (last !== '' && judge(last) === 'held') return { kind: 'held', lines };
  } catch (err) {
    if (sourceError !== undefined) return { kind: 'undetermined', reason: 'read_failed', code: errorCode(sourceError), lines };
    const code = errorCode(err);
    return { kind: 'undetermined', reason: code.startsWith('Z_') ? 'not_gzip' : 'read_failed', code, lines };
  } finally {
    source.unpipe(gunzip);
    source.destroy();
    gunzip.destroy();
  }
  return unreadable ?? { kind: 'clear', lines };
}

/** GetObject, then scanLogStream of its body; a refused or failed request is undetermined with its S3 code. */
export async function scanArchiveObject(client: S3Client, bucket: string, key: string, test: LineTest): Promise<ObjectScan> {
  let body: Readable;
  try {
    const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (answer.Body === undefined) return { kind: 'undetermined', reason: 'read_failed', code: 'NoBody', lines: 0 };
    // In Node the SDK's body is the response's IncomingMessage, a Readable.
    body = answer.Body as Readable;
  } catch (err) {
    return { kind: 'undetermined', reason: 'read_failed', code: errorCode(err), lines: 0 };
  }
  return scanLogStream(body, test);
}

/** A Logpush time (RFC 3339, unix seconds or unix nanoseconds, as a number or digits) in ms; undefined when none parses. */
export function parseLogpushTimeMs(value: unknown): number | undefined {
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return parseLogpushTimeMs(Number(value));
    const m = RFC3339.exec(value);
    if (!m) return undefined;
    // Date.parse reads at most milliseconds reliably: keep three digits of a ns fraction.
    const ms = Date.parse(`${m[1]}${m[2] === undefined ? '' : `.${m[2].slice(0, 3).padEnd(3, '0')}`}${m[3]!.toUpperCase()}`);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  if (value < UNIX_SECONDS_BELOW) return value * 1000;
  if (value >= UNIX_NANOS_FROM) return value / 1e6;
  return undefined;
}

function readLineTimeMs(fields: Record<string, unknown>): number | undefined {
  for (const field of TIME_FIELDS) {
    const ms = parseLogpushTimeMs(fields[field]);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

/** The plain string value of the line's only `"ClientIP"` key; undefined when there is none, more, or an escape. */
function selectClientIpText(line: string): string | undefined {
  const key = line.indexOf(CLIENT_IP_KEY);
  if (key === -1 || line.indexOf(CLIENT_IP_KEY, key + CLIENT_IP_KEY.length) !== -1) return undefined;
  let i = skipSpace(line, key + CLIENT_IP_KEY.length);
  if (line.charCodeAt(i) !== 0x3a) return undefined;
  i = skipSpace(line, i + 1);
  if (line.charCodeAt(i) !== 0x22) return undefined;
  const end = line.indexOf('"', i + 1);
  if (end === -1) return undefined;
  const text = line.slice(i + 1, end);
  return text.includes('\\') ? undefined : text;
}

function skipSpace(line: string, from: number): number {
  let i = from;
  for (let c = line.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a; c = line.charCodeAt(++i));
  return i;
}

/**
 * "May this address text lie in one of the networks" by its first characters only (buildAddressTextFilter): false
 * only when no text so written can; texts that are not plain address forms (empty, leading space, a letter) say true.
 */
function buildAddressTextTest(networks: Parameters<typeof buildAddressTextFilter>[0]): (text: string) => boolean {
  const { prefixes, colon } = buildAddressTextFilter(networks);
  return (text) => {
    const first = text.charCodeAt(0);
    const isDigit = first >= 0x30 && first <= 0x39;
    if (!isDigit && first !== 0x3a) return true;
    if (text.includes(':')) return colon === 'any' || (colon === 'ipv4-in-ipv6' && (first === 0x30 || first === 0x3a));
    return prefixes.some((prefix) => text.startsWith(prefix));
  };
}
