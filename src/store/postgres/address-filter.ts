import type { AddressTextFilter } from '../../policy/network.js';

/** SQL true for the rows whose client_ip passes the filter (parameters from $first on). */
export function candidateCondition(filter: AddressTextFilter, first: number): { sql: string; params: string[] } {
  const params = [...filter.prefixes];
  const terms = params.map((_, i) => `starts_with(client_ip, $${first + i})`);
  if (filter.colon === 'any') terms.push(`strpos(client_ip, ':') > 0`);
  if (filter.colon === 'ipv4-in-ipv6') terms.push(`(strpos(client_ip, ':') > 0 AND left(client_ip, 1) IN ('0', ':'))`);
  // Leading white space is trimmed before an address is parsed: any text not starting with a digit or ':' is checked.
  terms.push(`(client_ip <> '' AND NOT (left(client_ip, 1) COLLATE "C" BETWEEN '0' AND '9' OR left(client_ip, 1) = ':'))`);
  return { sql: terms.join(' OR '), params };
}
