import type Cloudflare from 'cloudflare';
import { asRecord, readString } from './fields.js';
import type { PlanId, ZoneInfo } from './types.js';

const PLANS: readonly PlanId[] = ['free', 'pro', 'business', 'enterprise'];

/** `GET /zones/{id}`: name, account and plan (`plan.legacy_id`), which decides what the zone can have at all. */
export async function fetchZoneInfo(sdk: Cloudflare, zoneId: string): Promise<ZoneInfo> {
  const zone = asRecord(await sdk.zones.get({ zone_id: zoneId }));
  const plan = asRecord(zone['plan']);
  const legacy = (readString(plan, 'legacy_id') ?? '').toLowerCase();
  return {
    id: zoneId,
    name: readString(zone, 'name'),
    plan: (PLANS as readonly string[]).includes(legacy) ? (legacy as PlanId) : planFromName(readString(plan, 'name')),
    accountId: readString(asRecord(zone['account']), 'id'),
  };
}

function planFromName(name: string | undefined): PlanId | undefined {
  const lower = (name ?? '').toLowerCase();
  return PLANS.find((plan) => lower.startsWith(plan));
}
