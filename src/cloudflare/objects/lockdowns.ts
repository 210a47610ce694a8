import type Cloudflare from 'cloudflare';
import { parseNetwork } from '../../policy/network.js';
import { asRecord, readBoolean, readDate, readString, readStrings, requireString } from './fields.js';
import type { Lockdown } from './types.js';

/** Lockdown pages must be 1 or a multiple of 5, at most 1,000 (SPEC2024); Enterprise allows 200 rules. */
export const LOCKDOWNS_PER_PAGE = 100;

/** Every Zone Lockdown rule of a zone (`GET /zones/{id}/firewall/lockdowns`, all pages). */
export async function fetchLockdowns(sdk: Cloudflare, zoneId: string): Promise<Lockdown[]> {
  const lockdowns: Lockdown[] = [];
  for await (const raw of sdk.firewall.lockdowns.list({ zone_id: zoneId, per_page: LOCKDOWNS_PER_PAGE })) {
    const record = asRecord(raw);
    const configurations = Array.isArray(record['configurations']) ? record['configurations'] : [];
    lockdowns.push({
      id: requireString(record, 'id', 'lockdown'),
      zoneId,
      description: readString(record, 'description') ?? '',
      paused: readBoolean(record, 'paused') ?? false,
      urls: readStrings(record, 'urls'),
      configurations: configurations.map((item: unknown) => {
        const configuration = asRecord(item);
        const value = readString(configuration, 'value') ?? '';
        return { target: readString(configuration, 'target') ?? '', value, network: parseNetwork(value) };
      }),
      createdOn: readDate(record, 'created_on'),
      modifiedOn: readDate(record, 'modified_on'),
    });
  }
  return lockdowns;
}
