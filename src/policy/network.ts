import { BlockList, isIP } from 'node:net';

/** An IP address or CIDR range, normalised. A single address is a /32 or /128 network. */
export interface Network {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  readonly prefix: number;
  /** Canonical text: `203.0.113.5`, `198.51.100.0/24`, `2001:db8::/64`. */
  readonly text: string;
}

/** Parses an IP or CIDR (IPv4 or IPv6, any valid prefix length); undefined when malformed. */
export function parseNetwork(input: string): Network | undefined {
  const trimmed = input.trim();
  const [address = '', prefixText, ...rest] = trimmed.split('/');
  if (rest.length > 0) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const maxPrefix = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
  if (prefix > maxPrefix) return undefined;
  const normalised = normaliseAddress(address, family);
  const base = prefix === maxPrefix ? normalised : networkBase(normalised, family, prefix);
  return { family, address: base, prefix, text: prefix === maxPrefix ? base : `${base}/${prefix}` };
}

/** A matcher for "is this address inside any of these networks", backed by node:net BlockList. */
export function buildNetworkMatcher(networks: readonly Network[]): (ip: string) => boolean {
  if (networks.length === 0) return () => false;
  const list = new BlockList();
  for (const network of networks) list.addSubnet(network.address, network.prefix, network.family);
  return (ip: string) => {
    const version = isIP(ip);
    return version !== 0 && list.check(ip, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/** Whether `inner` (address or range) lies wholly inside `outer`. */
export function networkContains(outer: Network, inner: Network): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  return buildNetworkMatcher([outer])(inner.address);
}

/** Whether two networks share any address (one contains the other). */
export function networksOverlap(a: Network, b: Network): boolean {
  return networkContains(a, b) || networkContains(b, a);
}

function normaliseAddress(address: string, family: 'ipv4' | 'ipv6'): string {
  const bytes = toBytes(address, family);
  return fromBytes(bytes, family);
}

function networkBase(address: string, family: 'ipv4' | 'ipv6', prefix: number): string {
  const bytes = toBytes(address, family);
  for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return fromBytes(bytes, family);
}

/** Packs an address into bytes (4 or 16): what an IP looks like when stored in binary form. */
export function toBytes(address: string, family: 'ipv4' | 'ipv6'): Uint8Array {
  if (family === 'ipv4') return Uint8Array.from(address.split('.').map(Number));
  let text = address.toLowerCase();
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (embedded) {
    const v4 = toBytes(embedded[1]!, 'ipv4');
    text = text.slice(0, -embedded[1]!.length) + `${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headParts : [...headParts, ...new Array<string>(8 - headParts.length - tailParts.length).fill('0'), ...tailParts];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

function fromBytes(bytes: Uint8Array, family: 'ipv4' | 'ipv6'): string {
  if (family === 'ipv4') return Array.from(bytes).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!).toString(16));
  // RFC 5952: compress the longest run (of two or more) of zero groups.
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength && j - i >= 2) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}
