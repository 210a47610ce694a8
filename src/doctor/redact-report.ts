import ipaddr from 'ipaddr.js';
import { REDACTED, redactSecrets } from '../cloudflare/redact.js';

// Candidates only; ipaddr.js decides. Times like 13:31:11 are not addresses and stay.
const IPV4_CANDIDATE = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?!\d|\.\d)/g;
const IPV6_CANDIDATE =
  /(?<![0-9a-f:])(?=[0-9a-f:.]*[0-9a-f])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:\d{1,3}(?:\.\d{1,3}){3})?(?:\/\d{1,3})?(?![0-9a-f:]|\.\d)/gi;

/** Replaces IPv4/IPv6 addresses and CIDRs in text with `REDACTED-IP`. */
export function redactAddresses(text: string): string {
  const replace = (candidate: string): string => (ipaddr.isValid(candidate.replace(/\/\d+$/, '')) ? `${REDACTED}-IP` : candidate);
  // IPv6 first: an IPv4-mapped address ends in a dotted quad.
  return text.replace(IPV6_CANDIDATE, replace).replace(IPV4_CANDIDATE, replace);
}

/**
 * Every string of a report with the given secrets (the API token) and credential-looking values redacted, and with
 * `addresses` IP addresses too, so `doctor --json` can be sent to the maintainers as it is. Keys and non-string
 * values are kept.
 */
export function redactReport<T>(value: T, secrets: readonly string[], options: { addresses: boolean }): T {
  const present = secrets.filter((secret) => secret.length > 0);
  const redactString = (text: string): string => {
    const out = redactSecrets(present.reduce((acc, secret) => acc.split(secret).join(REDACTED), text));
    return options.addresses ? redactAddresses(out) : out;
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return redactString(node);
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    return node;
  };
  return walk(value) as T;
}
