import type { Outcome } from '../outcome.js';
import type { LocationPurge } from './types.js';

/**
 * How a purge ended. Cloudflare failing after retries (bad token, exhausted 429/5xx, malformed answers) for every
 * Cloudflare location, so nothing there could be purged, is a Cloudflare failure (exit 3) even though the local
 * purge is done and recorded; a failure in part of the work is partial (exit 4), as in `pull`.
 */
export function selectPurgeOutcome(locations: readonly LocationPurge[]): Outcome {
  const failedAt = (location: LocationPurge) => location.failed > 0 || location.incomplete === true;
  const cloudflare = locations.filter((location) => location.kind === 'cloudflare');
  if (cloudflare.length > 0 && cloudflare.every((location) => failedAt(location) && location.deleted === 0)) return 'cloudflare_failed';
  return locations.some(failedAt) ? 'partial' : 'done';
}
