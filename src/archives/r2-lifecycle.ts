import type Cloudflare from 'cloudflare';
import { describeR2ReadFailure, fetchR2ExpiryRules, type R2ExpiryRule } from '../cloudflare/r2-lifecycle.js';
import type { ArchiveConfig } from '../config/archives.js';
import { selectLifecycleVerdict, type LifecycleRule, type LifecycleVerdict } from './lifecycle.js';
import { parseR2Endpoint } from './r2-endpoint.js';

/**
 * Reads an archive's lifecycle some other way than S3's GetBucketLifecycleConfiguration, or says it cannot
 * (undefined): then the S3 call is made.
 */
export type LifecycleReader = (archive: ArchiveConfig) => Promise<LifecycleVerdict> | undefined;

const SECONDS_PER_DAY = 86_400;

/**
 * R2 buckets (endpoint `<account_id>.r2.cloudflarestorage.com`) through the Cloudflare API with the run's token:
 * R2 access keys are usually scoped to objects and cannot read the bucket's configuration. A refusal (the token
 * lacks R2 read) is an `unknown` verdict with the reason, never a failure of the archive.
 */
export function openR2LifecycleReader(sdk: () => Promise<Cloudflare>): LifecycleReader {
  return (archive) => {
    const r2 = parseR2Endpoint(archive.endpoint);
    if (r2 === undefined) return undefined;
    return (async (): Promise<LifecycleVerdict> => {
      try {
        const rules = await fetchR2ExpiryRules(await sdk(), { ...r2, name: archive.location.bucket });
        return selectLifecycleVerdict(rules.map(toLifecycleRule), archive.location.prefix, archive.retention.ms);
      } catch (err) {
        return { kind: 'unknown', reason: describeR2ReadFailure(err), via: 'cloudflare' };
      }
    })();
  };
}

function toLifecycleRule(rule: R2ExpiryRule): LifecycleRule {
  return {
    isEnabled: rule.isEnabled,
    prefix: rule.prefix,
    expirationDays: rule.maxAgeSeconds === undefined ? undefined : rule.maxAgeSeconds / SECONDS_PER_DAY,
  };
}
