import { ok, type Reply } from '../envelope.js';
import { PLAN_NAMES, PLAN_PRICES } from '../plans.js';
import type { Route } from '../router.js';
import type { EmulatorState, ZoneState } from '../state.js';
import { canReachZone } from '../auth.js';
import { pageOf } from './pagination.js';

/** The zone object as `GET /zones/{id}` returns it (SDK `Zone`); `plan.legacy_id` is what clients gate features on. */
export function renderZone(state: EmulatorState, zone: ZoneState): Record<string, unknown> {
  const account = state.accounts.get(zone.accountId);
  return {
    id: zone.id,
    name: zone.name,
    status: 'active',
    paused: false,
    type: 'full',
    development_mode: 0,
    name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
    original_name_servers: null,
    original_registrar: null,
    original_dnshost: null,
    created_on: zone.createdOn,
    modified_on: zone.createdOn,
    activated_on: zone.createdOn,
    meta: { step: 2, custom_certificate_quota: 0, page_rule_quota: 3, phishing_detected: false },
    owner: { id: null, type: 'user', email: null },
    account: { id: zone.accountId, name: account?.name ?? '' },
    permissions: ['#zone:read', '#analytics:read'],
    plan: {
      id: `${zone.plan}-plan`,
      name: PLAN_NAMES[zone.plan],
      price: PLAN_PRICES[zone.plan],
      currency: 'USD',
      frequency: zone.plan === 'free' ? '' : 'monthly',
      is_subscribed: true,
      can_subscribe: false,
      legacy_id: zone.plan,
      legacy_discount: false,
      externally_managed: false,
    },
  };
}

function listZones(request: Parameters<Route['handle']>[0]): Reply {
  const { state, token, query } = request;
  const name = query.get('name');
  const accountId = query.get('account.id');
  const zones = [...state.zones.values()]
    .filter((zone) => canReachZone(state, token, zone.id))
    .filter((zone) => name === null || zone.name === name)
    .filter((zone) => accountId === null || zone.accountId === accountId)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((zone) => renderZone(state, zone));
  return pageOf(zones, query, { perPage: 20, maxPerPage: 50 });
}

const ZONE_READ: readonly string[] = [];

export const ZONE_ROUTES: Route[] = [
  { method: 'GET', path: '/zones', permissions: ZONE_READ, handle: listZones },
  {
    method: 'GET',
    path: '/zones/:zone_id',
    permissions: ZONE_READ,
    handle: ({ state, params }) => ok(renderZone(state, state.zones.get(params['zone_id'] ?? '') as ZoneState)),
  },
];
