import type Cloudflare from 'cloudflare';

/**
 * Whether Cloudflare calls the token valid and active. A refused read says only "code 10000", for a bad token and a
 * missing permission alike; the verify endpoints tell them apart. Account-owned tokens verify only at the account
 * endpoint, user tokens only at the user one: both are tried. `undefined` when neither answered at all (network,
 * 5xx): nothing is known.
 */
export async function isTokenActive(sdk: Cloudflare, accountId: string | undefined): Promise<boolean | undefined> {
  const attempts: (() => Promise<unknown>)[] = [
    ...(accountId ? [() => sdk.accounts.tokens.verify({ account_id: accountId })] : []),
    () => sdk.user.tokens.verify(),
  ];
  let refused = false;
  for (const verify of attempts) {
    try {
      const result = (await verify()) as { status?: unknown } | null;
      if (result?.status === 'active') return true;
      refused = true;
    } catch (err) {
      const status = (err as { status?: unknown } | undefined)?.status;
      if (status === 400 || status === 401 || status === 403) refused = true;
    }
  }
  return refused ? false : undefined;
}
