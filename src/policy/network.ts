import { BlockList } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * An IP address or CIDR range, normalised. A single address is a /32 or /128 network. IPv4-mapped
 * (`::ffff:203.0.113.7`) and IPv4-compatible (`::203.0.113.7`) IPv6 are the IPv4 address they carry: investigators
 * copy addresses from dual-stack logs in that form, and a hold written so must still protect the IPv4 records.
 */
export interface Network {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  readonly prefix: number;
  /** Canonical text: `203.0.113.5`, `198.51.100.0/24`, `2001:db8::/64`. */
  readonly text: string;
}

/** Inclusive span of 128-bit values in the one space where IPv4 `a.b.c.d` lives at `::ffff:a.b.c.d`. */
interface Span {
  readonly start: bigint;
  readonly end: bigint;
}

const MAPPED_BASE = 0xffffn << 32n;
const V4_SIZE = 1n << 32n;
// `::` and `::1` (unspecified, loopback) are not IPv4-compatible addresses: they stay IPv6.
const COMPATIBLE_START = 2n;

/** Parses an IP or CIDR (IPv4 or IPv6, any valid prefix length); undefined when malformed. */
export function parseNetwork(input: string): Network | undefined {
  const [addressText = '', prefixText, ...rest] = input.trim().split('/');
  if (rest.length > 0) return undefined;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const parsed = parseAddressValue(addressText);
  if (!parsed) return undefined;
  const bits = parsed.family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  const start = parsed.value & ~((1n << BigInt(bits - prefix)) - 1n);
  return buildNetwork(parsed.family, start, prefix);
}

/** The canonical text of one address (mapped/compatible IPv6 as IPv4); undefined when it is not an address. */
export function normaliseAddress(ip: string): string | undefined {
  const network = ip.includes('/') ? undefined : parseNetwork(ip);
  return network?.address;
}

/** A matcher for "is this address inside any of these networks", backed by node:net BlockList. */
export function buildNetworkMatcher(networks: readonly Network[]): (ip: string) => boolean {
  if (networks.length === 0) return () => false;
  const list = new BlockList();
  for (const span of mergeSpans(networks.flatMap(canonicalSpans))) addSpan(list, span);
  return (ip: string) => {
    // Plain dotted IPv4 is the common case and needs no normalising.
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return list.check(ip, 'ipv4');
    const address = normaliseAddress(ip);
    if (address === undefined) return false;
    return list.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
  };
}

/**
 * How the text of an address inside one of `networks` can look, as a buildNetworkMatcher reads it: a plain dotted
 * quad starts with the octets its range fixes (`prefixes`); an IPv6 text holds a colon, and one that stands for an
 * IPv4 address (mapped or compatible: the first 80 bits zero) also starts with '0' or ':' (`colon`); and any text
 * with leading white space (trimmed before parsing) starts with neither a digit nor that. Every address text a
 * matcher of these networks accepts passes the filter; most others (the common case: another dotted quad) do not.
 */
export interface AddressTextFilter {
  /** A text starting with one of these may be inside ('' = any dotted quad may be). */
  readonly prefixes: readonly string[];
  /** Which texts with a colon may be inside: none, those starting with '0' or ':' (IPv4 as IPv6 only), or any. */
  readonly colon: 'none' | 'ipv4-in-ipv6' | 'any';
}

export function buildAddressTextFilter(networks: readonly Network[]): AddressTextFilter {
  const prefixes = new Set<string>();
  let colon: AddressTextFilter['colon'] = 'none';
  const mappedEnd = MAPPED_BASE + V4_SIZE - 1n;
  for (const span of mergeSpans(networks.flatMap(canonicalSpans))) {
    if (span.start < MAPPED_BASE || span.end > mappedEnd) colon = 'any';
    const start = span.start > MAPPED_BASE ? span.start : MAPPED_BASE;
    const end = span.end < mappedEnd ? span.end : mappedEnd;
    if (start > end) continue;
    if (colon === 'none') colon = 'ipv4-in-ipv6';
    const [first, last] = [Number(start - MAPPED_BASE), Number(end - MAPPED_BASE)];
    // The leading octets every address of [first, last] shares: each of their texts starts with them and a dot.
    let fixed = 0;
    while (fixed < 4 && Math.floor(first / 2 ** (32 - 8 * (fixed + 1))) === Math.floor(last / 2 ** (32 - 8 * (fixed + 1)))) fixed++;
    const octets = [first >>> 24, (first >>> 16) & 255, (first >>> 8) & 255, first & 255].slice(0, fixed);
    prefixes.add(fixed === 0 ? '' : fixed === 4 ? octets.join('.') : `${octets.join('.')}.`);
  }
  return { prefixes: [...prefixes].sort(), colon };
}

/** Whether every address of `inner` (address or range) is also one of `outer`. */
export function networkContains(outer: Network, inner: Network): boolean {
  const covering = mergeSpans(canonicalSpans(outer));
  return canonicalSpans(inner).every((span) => covering.some((cover) => cover.start <= span.start && span.end <= cover.end));
}

/** Whether two networks share any address. */
export function networksOverlap(a: Network, b: Network): boolean {
  const others = canonicalSpans(b);
  return canonicalSpans(a).some((span) => others.some((other) => span.start <= other.end && other.start <= span.end));
}

/** The smallest set of CIDR blocks covering the addresses first..last of one family; undefined when first > last or the cover is huge. */
export function rangeToNetworks(first: Network, last: Network, maxBlocks = 512): Network[] | undefined {
  if (first.family !== last.family) return undefined;
  const bits = first.family === 'ipv4' ? 32 : 128;
  let start = addressValue(first);
  const end = addressValue(last);
  if (start > end) return undefined;
  const out: Network[] = [];
  while (start <= end) {
    let size = 0;
    // Grow the block while it stays aligned on `start` and inside the range.
    while (size < bits && (start & ((1n << BigInt(size + 1)) - 1n)) === 0n && start + (1n << BigInt(size + 1)) - 1n <= end) size++;
    if (out.length >= maxBlocks) return undefined;
    out.push(buildNetwork(first.family, start, bits - size));
    start += 1n << BigInt(size);
  }
  return out;
}

/** Packs an address into bytes (4 or 16): what an IP looks like when stored in binary form. */
export function toBytes(address: string): Uint8Array {
  return Uint8Array.from(ipaddr.parse(address).toByteArray());
}

function parseAddressValue(text: string): { family: 'ipv4' | 'ipv6'; value: bigint } | undefined {
  // Only dotted quads: ipaddr.js would also read `127.1` or `0x7f.0.0.1`, which no log or API writes.
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text) && ipaddr.IPv4.isValidFourPartDecimal(text))
    return { family: 'ipv4', value: bytesToValue(ipaddr.IPv4.parse(text).toByteArray()) };
  // ipaddr.js reads `::a.b.c.d` as `::ffff:a.b.c.d`: the embedded quad goes in as two hex groups instead.
  const quad = /(?<=:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text)?.[1];
  if (quad !== undefined && !ipaddr.IPv4.isValidFourPartDecimal(quad)) return undefined;
  const [a, b, c, d] = quad === undefined ? [] : quad.split('.').map(Number);
  const hex = quad === undefined ? text : `${text.slice(0, -quad.length)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  if (hex.includes('%') || !ipaddr.IPv6.isValid(hex)) return undefined;
  return { family: 'ipv6', value: bytesToValue(ipaddr.IPv6.parse(hex).toByteArray()) };
}

/** A network from its first address and prefix, turned into IPv4 when it lies wholly in the mapped or compatible block. */
function buildNetwork(family: 'ipv4' | 'ipv6', start: bigint, prefix: number): Network {
  if (family === 'ipv6' && prefix >= 96) {
    const high = start >> 32n;
    const isMapped = high === 0xffffn;
    const isCompatible = high === 0n && start >= COMPATIBLE_START;
    if (isMapped || isCompatible) return buildNetwork('ipv4', start & (V4_SIZE - 1n), prefix - 96);
  }
  const bits = family === 'ipv4' ? 32 : 128;
  const address = valueToText(family, start);
  return { family, address, prefix, text: prefix === bits ? address : `${address}/${prefix}` };
}

/** The addresses a network stands for, as spans of the one space (IPv4 inside the mapped block). */
function canonicalSpans(network: Network): Span[] {
  const bits = network.family === 'ipv4' ? 32 : 128;
  const start = addressValue(network);
  const end = start + (1n << BigInt(bits - network.prefix)) - 1n;
  if (network.family === 'ipv4') return [{ start: MAPPED_BASE + start, end: MAPPED_BASE + end }];
  // An IPv6 range reaching into the compatible block also stands for the IPv4 addresses found there.
  const compatible = { start: COMPATIBLE_START, end: V4_SIZE - 1n };
  if (end < compatible.start || start > compatible.end) return [{ start, end }];
  const inside = { start: start > compatible.start ? start : compatible.start, end: end < compatible.end ? end : compatible.end };
  const spans: Span[] = [{ start: MAPPED_BASE + inside.start, end: MAPPED_BASE + inside.end }];
  if (start < inside.start) spans.push({ start, end: inside.start - 1n });
  if (end > inside.end) spans.push({ start: inside.end + 1n, end });
  return spans;
}

function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.start <= last.end + 1n) merged[merged.length - 1] = { start: last.start, end: span.end > last.end ? span.end : last.end };
    else merged.push(span);
  }
  return merged;
}

/** Adds a span to a BlockList, the part inside the mapped block as IPv4 (lookups are normalised the same way). */
function addSpan(list: BlockList, span: Span): void {
  const mappedEnd = MAPPED_BASE + V4_SIZE - 1n;
  const before = { start: span.start, end: span.end < MAPPED_BASE ? span.end : MAPPED_BASE - 1n };
  const after = { start: span.start > mappedEnd ? span.start : mappedEnd + 1n, end: span.end };
  const inside = { start: span.start > MAPPED_BASE ? span.start : MAPPED_BASE, end: span.end < mappedEnd ? span.end : mappedEnd };
  if (before.start <= before.end) list.addRange(valueToText('ipv6', before.start), valueToText('ipv6', before.end), 'ipv6');
  if (inside.start <= inside.end) list.addRange(valueToText('ipv4', inside.start - MAPPED_BASE), valueToText('ipv4', inside.end - MAPPED_BASE), 'ipv4');
  if (after.start <= after.end) list.addRange(valueToText('ipv6', after.start), valueToText('ipv6', after.end), 'ipv6');
}

function addressValue(network: Network): bigint {
  return bytesToValue(ipaddr.parse(network.address).toByteArray());
}

function bytesToValue(bytes: readonly number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function valueToText(family: 'ipv4' | 'ipv6', value: bigint): string {
  const length = family === 'ipv4' ? 4 : 16;
  const bytes = Array.from({ length }, (_, i) => Number((value >> BigInt(8 * (length - 1 - i))) & 0xffn));
  const address = ipaddr.fromByteArray(bytes);
  // RFC 5952 for IPv6 (lower case, longest zero run compressed); ipaddr.js would print mapped addresses dotted.
  return address.kind() === 'ipv6' ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}
