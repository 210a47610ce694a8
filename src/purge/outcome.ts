import { ExitCode } from '../errors.js';
import type { PurgeResult } from './types.js';

/**
 * The exit code a purge ends with. Cloudflare failing after retries (bad token, exhausted 429/5xx, malformed answers)
 * for every Cloudflare location, so nothing there could be purged, is a Cloudflare failure (3) even though the local
 * purge is done and recorded; a failure in part of the work is partial (4), as in `pull`.
 */
export function purgeExitCode(result: PurgeResult): ExitCode {
  const failedAt = (location: PurgeResult['locations'][number]) => location.failed > 0 || location.incomplete === true;
  const cloudflare = result.locations.filter((location) => location.kind === 'cloudflare');
  if (cloudflare.length > 0 && cloudflare.every((location) => failedAt(location) && location.deleted === 0)) return ExitCode.cloudflare;
  return result.locations.some(failedAt) ? ExitCode.partial : ExitCode.ok;
}
