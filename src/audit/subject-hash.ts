import { createHmac } from 'node:crypto';
import { parseNetwork } from '../policy/network.js';

/**
 * 'hmac-sha256:<hex>' of the normalised address or CIDR (IPv4-mapped/compatible IPv6 as IPv4, lower-case RFC 5952 IPv6, host bits of a CIDR cleared,
 * a full-length prefix written as the bare address), keyed with the secret kept beside the signing key.
 * Who holds the secret can answer "was 203.0.113.5 erased?"; nobody else can reverse or test the hash.
 */
export function subjectHash(secret: Buffer, ipOrCidr: string): string {
  const network = parseNetwork(ipOrCidr);
  if (!network) throw new TypeError('subjectHash needs an IP address or CIDR range');
  if (secret.length < 16) throw new TypeError('subjectHash needs a secret of at least 16 bytes');
  return 'hmac-sha256:' + createHmac('sha256', secret).update(network.text, 'utf8').digest('hex');
}
