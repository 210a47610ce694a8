import type { Outcome } from '../outcome.js';
import type { Hold } from '../policy/holds.js';
import type { HoldDeps } from './deps.js';

export interface HoldListResult {
  readonly holds: readonly Hold[];
  /** The time each hold's status is judged at. */
  readonly now: Date;
  readonly outcome: Outcome;
}

/** `hold list`: every hold, active and ended, of every host sharing the store. */
export async function listHolds(deps: Pick<HoldDeps, 'store' | 'now'>): Promise<HoldListResult> {
  const now = deps.now();
  const store = await deps.store();
  return { holds: await store.readHolds(), now, outcome: 'done' };
}
