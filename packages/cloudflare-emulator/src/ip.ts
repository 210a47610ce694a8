import { isIPv4, isIPv6 } from 'node:net';
import { REST_LIMITS } from './limits.js';

/** Parses `addr/len`; undefined when it is not a CIDR. */
export function parseCidr(value: string): { address: string; prefix: number; version: 4 | 6 } | undefined {
  const [address, prefixText, extra] = value.split('/');
  if (address === undefined || prefixText === undefined || extra !== undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (isIPv4(address) && prefix <= 32) return { address, prefix, version: 4 };
  if (isIPv6(address) && prefix <= 128) return { address, prefix, version: 6 };
  return undefined;
}

function expandIPv6(address: string): number[] {
  let text = address.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] !== undefined) {
    const parts = v4[1].split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1].length) + `${((parts[0] << 8) | parts[1]).toString(16)}:${((parts[2] << 8) | parts[3]).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups].map((group) => parseInt(group, 16));
}

/** RFC 5952 text for eight 16-bit groups (lower case, longest zero run as `::`). */
function compressIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The network of an IPv6 address at a prefix length, in canonical text. */
export function ipv6Network(address: string, prefix: number): string {
  const groups = expandIPv6(address).map((group, index) => {
    const bitsBefore = index * 16;
    if (bitsBefore >= prefix) return 0;
    if (bitsBefore + 16 <= prefix) return group;
    const keep = prefix - bitsBefore;
    return group & (0xffff << (16 - keep)) & 0xffff;
  });
  return `${compressIPv6(groups)}/${prefix}`;
}

export function canonicalIPv6(address: string): string {
  return compressIPv6(expandIPv6(address));
}

/**
 * Normalises a Lists `ip` item value (L4, limits.ts): IPv4 or IPv4 CIDR /2–/32; IPv6 CIDR /4–/64; a single IPv6
 * address is stored as its /64; upper case is lower-cased. Undefined when Cloudflare would reject it.
 */
export function normaliseListIp(value: string): string | undefined {
  const text = value.trim().toLowerCase();
  if (isIPv4(text)) return text;
  if (isIPv6(text)) return ipv6Network(text, 64);
  const cidr = parseCidr(text);
  if (cidr === undefined) return undefined;
  if (cidr.version === 4) return cidr.prefix >= REST_LIMITS.listIpv4MinPrefix.value ? `${cidr.address}/${cidr.prefix}` : undefined;
  const { listIpv6MinPrefix: min, listIpv6MaxPrefix: max } = REST_LIMITS;
  return cidr.prefix >= min.value && cidr.prefix <= max.value ? ipv6Network(cidr.address, cidr.prefix) : undefined;
}

export { isIPv4, isIPv6 };
