import { isIP } from 'node:net';

/**
 * Why a value may not enter the audit log, or undefined when it may.
 * Two rules: no raw IP address anywhere (keys or string values), and only JSON that every RFC 8785 implementation
 * and `jq -S` print identically, so an auditor can rebuild the signed bytes with standard tools
 * (see docs/audit.md): safe integers or plain decimals, printable-ASCII object keys, no U+007F, no lone surrogates.
 */
export function findForbiddenContent(value: unknown, path = '$'): string | undefined {
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'string') return checkString(value, path);
  if (typeof value === 'number') return checkNumber(value, path);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const problem = findForbiddenContent(item, `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
      return `${path} is a ${value.constructor?.name ?? 'non-plain object'}, not plain JSON`;
    }
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (!/^[\x20-\x7e]+$/.test(key)) return `${path} has a key that is not printable ASCII`;
      const keyProblem = checkString(key, `${path} key`);
      if (keyProblem) return keyProblem;
      if (item === undefined) continue;
      const problem = findForbiddenContent(item, `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  }
  return `${path} is a ${typeof value}, not JSON`;
}

/**
 * Whether the text holds something that reads as an IPv4 or IPv6 address (or CIDR / host:port around one): what
 * node:net accepts, and also the non-canonical IPv4 spellings other parsers accept (leading zeros, hex parts:
 * `203.0.113.005`, `0xcb.0.113.5`), which node:net rejects.
 */
export function containsRawIp(text: string): boolean {
  // Tokens are the longest runs of characters an address can be written with; '%' keeps IPv6 zone ids attached.
  for (const token of text.split(/[^0-9A-Fa-fxX:.%]+/)) {
    if (token.length < 2) continue;
    const trimmed = token.replace(/^\.+|\.+$/g, '');
    if (isIP(trimmed) !== 0 || isLooseIpv4(trimmed)) return true;
    // 203.0.113.5:443, ::ffff:203.0.113.5 pieces, trailing punctuation.
    for (const piece of trimmed.split(':')) {
      const bare = piece.replace(/^\.+|\.+$/g, '');
      if (isIP(bare) === 4 || isLooseIpv4(bare)) return true;
    }
    const unzoned = trimmed.split('%')[0] ?? '';
    if (unzoned !== trimmed && isIP(unzoned) !== 0) return true;
  }
  return false;
}

/** Four dot-separated parts of 0–255 however written: decimal with leading zeros, or 0x hex (as inet_aton reads them). */
function isLooseIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^(?:\d{1,4}|0[xX][0-9a-fA-F]{1,2})$/.test(part) && Number(part) <= 255);
}

function checkString(text: string, path: string): string | undefined {
  if (containsRawIp(text)) return `${path} contains a raw IP address; use subjectHash() instead`;
  if (text.includes('\u007f')) return `${path} contains U+007F`;
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)) return `${path} contains a lone UTF-16 surrogate`;
  return undefined;
}

function checkNumber(n: number, path: string): string | undefined {
  if (!Number.isFinite(n)) return `${path} is not a finite number`;
  if (Number.isInteger(n)) return Number.isSafeInteger(n) ? undefined : `${path} is an integer beyond 2^53; write it as a string`;
  const magnitude = Math.abs(n);
  // Outside this range ECMAScript and jq choose different exponent notations for the same double.
  return magnitude >= 1e-4 && magnitude < 1e15 ? undefined : `${path} (${n}) needs exponent notation; write it as a string`;
}
