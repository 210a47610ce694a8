import type { PlanId } from './models.js';

/** Zone Lockdown rules per plan (Free: none, the feature is unavailable). */
export const LOCKDOWN_RULE_LIMIT: Record<PlanId, number> = { free: 0, pro: 3, business: 10, enterprise: 200 };

export const PLAN_NAMES: Record<PlanId, string> = {
  free: 'Free Website',
  pro: 'Pro Website',
  business: 'Business Website',
  enterprise: 'Enterprise Website',
};

export const PLAN_PRICES: Record<PlanId, number> = { free: 0, pro: 20, business: 200, enterprise: 5000 };
