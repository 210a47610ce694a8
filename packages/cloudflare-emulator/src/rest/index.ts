import type { Route } from '../router.js';
import { ACCESS_RULE_ROUTES } from './access-rules.js';
import { LIST_ROUTES } from './lists.js';
import { LOCKDOWN_ROUTES } from './lockdowns.js';
import { LOG_ROUTES } from './logs.js';
import { LOGPULL_ROUTES } from './logpull.js';
import { R2_ROUTES } from './r2.js';
import { RULESET_ROUTES } from './rulesets.js';
import { TOKEN_ROUTES } from './tokens.js';
import { ZONE_ROUTES } from './zones.js';

/** Every REST route the emulator serves. */
export const REST_ROUTES: readonly Route[] = [
  ...TOKEN_ROUTES,
  ...ZONE_ROUTES,
  ...ACCESS_RULE_ROUTES,
  ...LIST_ROUTES,
  ...LOCKDOWN_ROUTES,
  ...RULESET_ROUTES,
  ...LOG_ROUTES,
  ...LOGPULL_ROUTES,
  ...R2_ROUTES,
];
