import type { EmulatorState, TokenState } from './state.js';

export type Authentication = { kind: 'ok'; token: TokenState } | { kind: 'missing' } | { kind: 'invalid' };

/** Reads `Authorization: Bearer <token>`. The token value is only compared, never stored elsewhere or echoed. */
export function authenticate(state: EmulatorState, authorization: string | undefined): Authentication {
  if (authorization === undefined || authorization.trim() === '') return { kind: 'missing' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (match === null) return { kind: 'invalid' };
  const token = state.tokens.get(match[1] ?? '');
  if (token === undefined || token.status !== 'active') return { kind: 'invalid' };
  const nowMs = state.now();
  if (token.expiresOn !== undefined && Date.parse(token.expiresOn) <= nowMs) return { kind: 'invalid' };
  if (token.notBefore !== undefined && Date.parse(token.notBefore) > nowMs) return { kind: 'invalid' };
  return { kind: 'ok', token };
}

export function hasAnyPermission(token: TokenState, permissions: readonly string[]): boolean {
  return permissions.length === 0 || permissions.some((permission) => token.permissions.includes(permission));
}

/** Whether the token's resources include the zone (account tokens reach only their own account's zones). */
export function canReachZone(state: EmulatorState, token: TokenState, zoneId: string): boolean {
  const zone = state.zones.get(zoneId);
  if (zone === undefined) return false;
  if (token.kind === 'account' && token.accountId !== zone.accountId) return false;
  if (token.accountIds !== undefined && !token.accountIds.includes(zone.accountId) && token.zoneIds === undefined) return false;
  return token.zoneIds === undefined || token.zoneIds.includes(zoneId);
}

export function canReachAccount(state: EmulatorState, token: TokenState, accountId: string): boolean {
  if (!state.accounts.has(accountId)) return false;
  if (token.kind === 'account' && token.accountId !== accountId) return false;
  return token.accountIds === undefined || token.accountIds.includes(accountId);
}
