import type { Config } from '../config/config.js';
import { buildHoldMatcher, selectActiveHolds, type Hold } from '../policy/holds.js';
import { describeRule, LOCAL_LOCATIONS, retentionCutoff, type LocalLocation } from '../policy/retention.js';
import type { Db } from '../store/db.js';
import { countExpired, deleteExpired, type ExpiryCounts, type HoldPredicate } from '../store/expiry.js';

export interface LocalPlan {
  readonly location: LocalLocation;
  readonly rule: string;
  readonly cutoff: Date;
  readonly counts: ExpiryCounts;
}

/** Builds the per-location plan for the local store at `asOf`; reads only. */
export function planLocalPurge(db: Db, config: Config, holds: readonly Hold[], asOf: Date): LocalPlan[] {
  const isHeld = holdPredicate(holds, asOf);
  return LOCAL_LOCATIONS.map((location) => {
    const retention = config.retention[location.retention];
    const cutoff = retentionCutoff(retention, asOf);
    return { location, rule: describeRule(location, retention), cutoff, counts: countExpired(db, location.id, cutoff, isHeld) };
  });
}

/** Deletes what the plan selected (re-evaluated inside the caller's transaction); returns the rows deleted. */
export function deletePlanned(db: Db, plan: LocalPlan, holds: readonly Hold[], asOf: Date): number {
  return deleteExpired(db, plan.location.id, plan.cutoff, holdPredicate(holds, asOf));
}

function holdPredicate(holds: readonly Hold[], asOf: Date): HoldPredicate {
  // With no active hold the delete stays a plain indexed range query.
  return selectActiveHolds(holds, asOf).length === 0 ? undefined : buildHoldMatcher(holds, asOf);
}
