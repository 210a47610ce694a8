import type { RestRequest } from '../router.js';
import type { AccountState, ZoneState } from '../state.js';

/** The zone or account named by the path (server.ts has already checked that it exists and is reachable). */
export function zoneOf(request: RestRequest): ZoneState {
  return request.state.zones.get(request.params['zone_id'] ?? '') as ZoneState;
}

export function accountOf(request: RestRequest): AccountState {
  return request.state.accounts.get(request.params['account_id'] ?? '') as AccountState;
}

/** `{zone_id}` or `{account_id}` scope of a route that exists at both levels. */
export function scopeOf(request: RestRequest): { kind: 'zone'; zone: ZoneState } | { kind: 'account'; account: AccountState } {
  return request.params['zone_id'] !== undefined ? { kind: 'zone', zone: zoneOf(request) } : { kind: 'account', account: accountOf(request) };
}

export function nowIso(request: RestRequest): string {
  return new Date(request.state.now()).toISOString();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
