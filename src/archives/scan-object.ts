import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import ipaddr from 'ipaddr.js';
import { buildHoldMatcher, type Hold } from '../policy/holds.js';
import { buildAddressTextFilter, buildNetworkMatcher, normaliseAddress, type Network } from '../policy/network.js';
import { errorCode } from './s3-errors.js';
import { loadS3Sdk } from './s3-sdk.js';

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
export type LineVerdict = 'held' | 'not_held' | { readonly unreadable: 'not_json' | 'no_client_ip' | 'duplicate_client_ip' };

/** The verdict on one line, and the shortcut the stream scanner takes before decoding a line at all. */
export type LineTest = ((line: string) => LineVerdict) & {
  /** True when a line whose only `ClientIP` is this text is certainly held by no hold: its address is outside them all. */
  readonly isOutside: (ipText: string) => boolean;
};

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
 * without JSON.parse: when the line has exactly one `"ClientIP"` key and its plain string value is an address
 * outside every held network, no hold covers it; every other line is parsed and checked in full.
 */
export function buildLogLineTest(holds: readonly Hold[], at: Date, span: ObjectSpan): LineTest {
  const isHeld = buildHoldMatcher(holds, at);
  const isOutside = buildOutsideTest(isHeld.networks);
  const holdCountries = [...new Set(holds.flatMap((hold) => (hold.country === undefined ? [] : [hold.country.toUpperCase()])))];
  const fallbackAtMs = span.startMs ?? EARLIEST_MS;
  const fallbackSpanMs = Math.max(span.endMs - fallbackAtMs, 0);
  const test = (line: string): LineVerdict => {
    const quick = selectClientIpText(line);
    if (quick !== undefined && isOutside(quick)) return 'not_held';
    if (line.trim() === '') return 'not_held';
    // JSON.parse keeps the last of two keys; which one Logpush meant (it never writes two) is not known.
    if (countClientIpKeys(line) > 1) return { unreadable: 'duplicate_client_ip' };
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
  return Object.assign(test, { isOutside });
}

/**
 * Reads a gzip NDJSON stream line by line (never whole: memory stays at a chunk and a line) and stops at the first
 * line `test` says is held. Any Readable: an S3 GetObject body, a file. The source is destroyed when done.
 *
 * The decoded text of a chunk is searched for newlines and for `"ClientIP"` keys, each character once for each: a
 * line with exactly one key whose plain value `test.isOutside` clears is decided there; any other is judged whole.
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
  const judge = (text: string, start: number, end: number, key: number): boolean => {
    lines += 1;
    if (key !== -1) {
      const ip = selectClientIpValue(text, key, end);
      if (ip !== undefined && test.isOutside(ip)) return false;
    }
    const verdict = test(text.slice(start, end));
    if (verdict === 'held') return true;
    if (verdict !== 'not_held' && unreadable === undefined) unreadable = { kind: 'undetermined', reason: 'unreadable_line', code: verdict.unreadable, lines };
    return false;
  };
  let carry = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const text = carry + decoder.write(chunk);
      let start = 0;
      // The first `"ClientIP"` at or after `start`.
      let key = indexOfClientIpKey(text, 0);
      let newline = text.indexOf('\n');
      while (newline !== -1) {
        // The line's key only when it has exactly one; with none or more, the line is judged whole.
        let only = -1;
        if (key !== -1 && key < newline) {
          const next = indexOfClientIpKey(text, key + CLIENT_IP_KEY.length);
          if (next === -1 || next > newline) [only, key] = [key, next];
          else key = indexOfClientIpKey(text, newline + 1);
        }
        if (judge(text, start, newline, only)) return { kind: 'held', lines };
        start = newline + 1;
        newline = text.indexOf('\n', start);
      }
      carry = text.slice(start);
      if (carry.length > MAX_LINE_CHARS) return { kind: 'undetermined', reason: 'line_too_long', code: 'line_too_long', lines };
    }
    const last = carry + decoder.end();
    if (last !== '' && judge(last, 0, last.length, -1)) return { kind: 'held', lines };
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

/**
 * `text.indexOf('"ClientIP"', from)`, faster: V8 looks for a pattern by its first character, and `"` is in every
 * JSON field; `IP"` is rare, and each hit is checked for the whole key.
 */
function indexOfClientIpKey(text: string, from: number): number {
  for (let at = text.indexOf('IP"', from + 7); at !== -1; at = text.indexOf('IP"', at + 1)) {
    if (text.startsWith(CLIENT_IP_KEY, at - 7)) return at - 7;
  }
  return -1;
}

/** The plain value of the `"ClientIP"` key at `key` (before `end`); undefined for an escape or when no string follows. */
function selectClientIpValue(text: string, key: number, end: number): string | undefined {
  let i = skipSpace(text, key + CLIENT_IP_KEY.length);
  if (text.charCodeAt(i) !== 0x3a) return undefined;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) !== 0x22) return undefined;
  const close = text.indexOf('"', i + 1);
  if (close === -1 || close >= end) return undefined;
  const value = text.slice(i + 1, close);
  return value.includes('\\') ? undefined : value;
}

/**
 * GetObject (of one version, when `versionId` is given), then scanLogStream of its body; a refused or failed request
 * is undetermined with its S3 code.
 */
export async function scanArchiveObject(client: S3Client, bucket: string, key: string, test: LineTest, versionId?: string): Promise<ObjectScan> {
  const { GetObjectCommand } = await loadS3Sdk();
  let body: Readable;
  try {
    const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId === undefined ? {} : { VersionId: versionId }) }));
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
  return selectClientIpValue(line, key, line.length);
}

/** How many `"ClientIP"` keys (the text followed by a colon) the line has, at any depth. */
function countClientIpKeys(line: string): number {
  let count = 0;
  for (let at = line.indexOf(CLIENT_IP_KEY); at !== -1; at = line.indexOf(CLIENT_IP_KEY, at + 1)) {
    if (line.charCodeAt(skipSpace(line, at + CLIENT_IP_KEY.length)) === 0x3a) count += 1;
  }
  return count;
}

function skipSpace(line: string, from: number): number {
  let i = from;
  for (let c = line.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a; c = line.charCodeAt(++i));
  return i;
}

/**
 * "Is this address text certainly outside every network": true only for a text that is an address (or, by its first
 * characters, can only be one) none of the networks holds; anything else (inside, not an address, an unusual
 * spelling) is false and goes to the full check. Cheap first: the leading octets of a dotted quad (also inside
 * `::ffff:`), the leading groups of an IPv6 text (buildAddressTextFilter's rules, and the same for IPv6 ranges); then
 * the project's matcher on what is left.
 */
function buildOutsideTest(networks: readonly Network[]): (text: string) => boolean {
  const { prefixes, colon } = buildAddressTextFilter(networks);
  const contains = buildNetworkMatcher(networks);
  const ipv6Prefixes = networks.filter((n) => n.family === 'ipv6').map((n) => ipaddr.IPv6.parse(n.address).parts.slice(0, Math.floor(n.prefix / 16)));
  const groupsToRead = Math.max(0, ...ipv6Prefixes.map((groups) => groups.length));
  const quadMayBeInside = (quad: string) => prefixes.some((prefix) => quad.startsWith(prefix));
  const mayBeInside = (text: string): boolean => {
    const first = text.charCodeAt(0);
    if (!text.includes(':')) return !(first >= 0x30 && first <= 0x39) || quadMayBeInside(text);
    if (MAPPED_QUAD.test(text)) return quadMayBeInside(text.slice(7));
    // A first group of zero (or `::`): IPv4-mapped or -compatible, or an IPv6 range reaching there.
    if (first === 0x30 || first === 0x3a) return colon !== 'none';
    if (hexValue(first) < 0) return true;
    // Any other IPv6 text is no IPv4 in disguise: only an IPv6 network can hold it.
    const groups = readLeadingGroups(text, groupsToRead);
    return ipv6Prefixes.some((fixed) => fixed.every((value, i) => i >= groups.length || groups[i] === value));
  };
  return (text) => {
    if (!mayBeInside(text)) return true;
    const address = normaliseAddress(text);
    return address !== undefined && !contains(address);
  };
}

const MAPPED_QUAD = /^::ffff:\d{1,3}(?:\.\d{1,3}){3}$/i;

/**
 * Up to `count` leading 16-bit groups as written, stopping before a `::` (what follows it is not where it is
 * written), an embedded dotted quad or anything that is not a hex group.
 */
function readLeadingGroups(text: string, count: number): number[] {
  const groups: number[] = [];
  let value = 0;
  let digits = 0;
  for (let i = 0; i < text.length && groups.length < count; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) {
      if (digits === 0) return groups;
      groups.push(value);
      value = 0;
      digits = 0;
      continue;
    }
    const digit = hexValue(c);
    if (digit < 0 || digits === 4) return groups;
    value = value * 16 + digit;
    digits += 1;
  }
  if (groups.length < count && digits > 0) groups.push(value);
  return groups;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
