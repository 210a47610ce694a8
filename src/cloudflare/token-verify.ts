import type Cloudflare from 'cloudflare';

/** What the token verify endpoints said: the first that answered, or the last refusal. */
export type TokenVerification =
  | { readonly kind: 'answered'; readonly endpoint: string; readonly status: string; readonly serverDate: Date | undefined }
  | { readonly kind: 'refused' | 'unreachable'; readonly error: unknown };

/**
 * Asks Cloudflare about the token itself. A refused read says only "code 10000", for a bad token and a missing
 * permission alike; the verify endpoints tell them apart. Account-owned tokens verify only at the account endpoint,
 * user tokens only at the user one (R4): both are tried. 'unreachable' when neither answered (network, 5xx).
 */
export async function verifyApiToken(sdk: Cloudflare, accountId: string | undefined): Promise<TokenVerification> {
  const attempts: [string, () => Promise<{ data: unknown; response: Response }>][] = [
    ...(accountId
      ? [
          [`/accounts/${accountId}/tokens/verify`, () => sdk.accounts.tokens.verify({ account_id: accountId }).withResponse()] as [
            string,
            () => Promise<{ data: unknown; response: Response }>,
          ],
        ]
      : []),
    ['/user/tokens/verify', () => sdk.user.tokens.verify().withResponse()],
  ];
  let failure: TokenVerification = { kind: 'unreachable', error: undefined };
  for (const [endpoint, verify] of attempts) {
    try {
      const { data, response } = await verify();
      const serverDate = new Date(response.headers.get('date') ?? '');
      const status = (data as { status?: unknown } | null)?.status;
      return {
        kind: 'answered',
        endpoint,
        status: typeof status === 'string' ? status : 'unknown',
        serverDate: Number.isNaN(serverDate.getTime()) ? undefined : serverDate,
      };
    } catch (err) {
      const status = (err as { status?: unknown } | undefined)?.status;
      if (status === 400 || status === 401 || status === 403) failure = { kind: 'refused', error: err };
      else if (failure.kind === 'unreachable') failure = { kind: 'unreachable', error: err };
    }
  }
  return failure;
}

/** Whether the token is valid and active: true, false (refused or not active), or undefined when nothing answered. */
export async function isTokenActive(sdk: Cloudflare, accountId: string | undefined): Promise<boolean | undefined> {
  const verification = await verifyApiToken(sdk, accountId);
  if (verification.kind === 'unreachable') return undefined;
  return verification.kind === 'answered' && verification.status === 'active';
}
