import type { Route } from '../router.js';
import { TOKEN_ROUTES } from './tokens.js';
import { ZONE_ROUTES } from './zones.js';

/** Every REST route the emulator serves. */
export const REST_ROUTES: readonly Route[] = [...TOKEN_ROUTES, ...ZONE_ROUTES];
