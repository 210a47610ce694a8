import { invalidToken, ok, type Reply } from '../envelope.js';
import type { Route, RestRequest } from '../router.js';

function verified(request: RestRequest): Reply {
  const { token } = request;
  return ok(
    {
      id: token.id,
      status: token.status,
      ...(token.notBefore !== undefined ? { not_before: token.notBefore } : {}),
      ...(token.expiresOn !== undefined ? { expires_on: token.expiresOn } : {}),
    },
    undefined,
    [{ code: 10000, message: 'This API Token is valid and active', type: null }],
  );
}

export const TOKEN_ROUTES: Route[] = [
  {
    method: 'GET',
    path: '/user/tokens/verify',
    permissions: [],
    // Account-owned tokens are not user tokens: /user/tokens/verify answers 401 code 1000 (R4).
    handle: (request) => (request.token.kind === 'account' ? invalidToken() : verified(request)),
  },
  {
    method: 'GET',
    path: '/accounts/:account_id/tokens/verify',
    permissions: [],
    handle: (request) => (request.token.kind === 'account' && request.token.accountId === request.params['account_id'] ? verified(request) : invalidToken()),
  },
];
