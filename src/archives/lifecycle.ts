/** One lifecycle rule as S3 returns it, reduced to what decides whether it expires our objects. */
export interface LifecycleRule {
  readonly isEnabled: boolean;
  /** The rule's key prefix ('' for the whole bucket). */
  readonly prefix: string;
  readonly expirationDays: number | undefined;
}

/**
 * How the bucket's own expiry compares with our retention. `unknown`: the rules could not be read, through S3 or
 * (`via: 'cloudflare'`, an R2 bucket) the Cloudflare API.
 */
export type LifecycleVerdict =
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly reason: string; readonly via?: 'cloudflare' }
  | { readonly kind: 'earlier' | 'same' | 'later'; readonly days: number };

const DAY_MS = 86_400_000;

/**
 * Compares the soonest enabled expiry rule that covers the archive's prefix with our retention: `earlier` means the
 * bucket deletes before our retention ends (and before a hold could keep anything), `later` that it keeps longer.
 */
export function selectLifecycleVerdict(rules: readonly LifecycleRule[], prefix: string, retentionMs: number): LifecycleVerdict {
  const days = rules
    .filter((rule) => rule.isEnabled && rule.expirationDays !== undefined && (prefix.startsWith(rule.prefix) || rule.prefix.startsWith(prefix)))
    .map((rule) => rule.expirationDays!);
  if (days.length === 0) return { kind: 'none' };
  const soonest = Math.min(...days);
  const expiryMs = soonest * DAY_MS;
  return { kind: expiryMs < retentionMs ? 'earlier' : expiryMs > retentionMs ? 'later' : 'same', days: soonest };
}
