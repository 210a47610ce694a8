import type { Outcome } from '../outcome.js';
import type { Hold } from '../policy/holds.js';
import { readHolds } from '../store/holds.js';
import type { HoldDeps } from './deps.js';

export interface HoldListResult {
  readonly holds: readonly Hold[];
  /** The time each hold's status is judged at. */
  readonly now: Date;
  readonly outcome: Outcome;
}

/** `hold list`: every hold, active and ended. */
export function listHolds(deps: Pick<HoldDeps, 'store' | 'now'>): HoldListResult {
  const now = deps.now();
  return { holds: readHolds(deps.store()), now, outcome: 'done' };
}
