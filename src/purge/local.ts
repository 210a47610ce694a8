import type { Config } from '../config/config.js';
import { buildHoldMatcher, selectActiveHolds, type Hold } from '../policy/holds.js';
import { describeRule, LOCAL_LOCATIONS, retentionCutoff, type LocalLocation } from '../policy/retention.js';
import type { ExpiryCounts, HoldPredicate } from '../store/expiry.js';
import type { LocationPurgeOutcome, StoreSession } from '../store/port.js';

export interface LocalPlan {
  readonly location: LocalLocation;
  readonly rule: string;
  readonly cutoff: Date;
  readonly counts: ExpiryCounts;
}

/** Builds the per-location plan for the local store at `asOf`; reads only. */
export async function planLocalPurge(store: StoreSession, config: Config, holds: readonly Hold[], asOf: Date): Promise<LocalPlan[]> {
  const isHeld = holdPredicate(holds, asOf);
  const plans: LocalPlan[] = [];
  for (const location of LOCAL_LOCATIONS) {
    const retention = config.retention[location.retention];
    const cutoff = retentionCutoff(retention, asOf);
    plans.push({ location, rule: describeRule(location, retention), cutoff, counts: await store.countExpired(location.id, cutoff, isHeld) });
  }
  return plans;
}

/** Deletes what the plan selected (re-evaluated inside the caller's transaction); says how, per partition on PostgreSQL. */
export function deletePlanned(tx: StoreSession, plan: LocalPlan, holds: readonly Hold[], asOf: Date): Promise<LocationPurgeOutcome> {
  return tx.deleteExpired(plan.location.id, plan.cutoff, holdPredicate(holds, asOf));
}

function holdPredicate(holds: readonly Hold[], asOf: Date): HoldPredicate {
  // With no active hold the delete stays a plain indexed range query (on PostgreSQL: whole partitions dropped).
  return selectActiveHolds(holds, asOf).length === 0 ? undefined : buildHoldMatcher(holds, asOf);
}
