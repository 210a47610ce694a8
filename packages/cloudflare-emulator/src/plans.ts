import type { PlanId } from './models.js';

export const PLAN_NAMES: Record<PlanId, string> = {
  free: 'Free Website',
  pro: 'Pro Website',
  business: 'Business Website',
  enterprise: 'Enterprise Website',
};

export const PLAN_PRICES: Record<PlanId, number> = { free: 0, pro: 20, business: 200, enterprise: 5000 };
