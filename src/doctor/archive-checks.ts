import type { ArchiveProbe } from '../archives/probe-archive.js';
import { formatArchiveLocation } from '../archives/archive-url.js';
import type { ArchiveConfig } from '../config/archives.js';
import type { Check } from './doctor.js';

/**
 * One check per configured Logpush archive: can the credentials list it (inventory, purge), and what does a purge
 * need beyond that (a versioned bucket: the version permissions). Deleting is not tried: doctor changes nothing.
 */
export function buildArchiveCheck(archive: ArchiveConfig, probe: ArchiveProbe): Check {
  const name = `archive ${archive.name}`;
  const where = formatArchiveLocation(archive.location);
  const credentialHint =
    probe.credentials === 'none'
      ? 'No AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE is set: give the archive credentials (README: Logpush archives).'
      : 'The credentials need s3:ListBucket on the bucket (R2: an R2 API token with Object Read on it); README: Logpush archives.';
  if (probe.listing.kind === 'failed') {
    const { reason, code } = probe.listing;
    // Without credentials in the environment the SDK tries its other sources (instance metadata, …): whatever fails
    // then, the missing credentials are the likeliest cause.
    if (probe.credentials === 'none' && reason !== 'no_bucket')
      return { name, status: 'fail', detail: `${where}: could not list (${code})`, hint: credentialHint };
    if (reason === 'no_bucket') return { name, status: 'fail', detail: `${where}: no such bucket (${code})`, hint: 'Check url: and endpoint: of the archive.' };
    if (reason === 'denied') return { name, status: 'fail', detail: `${where}: listing refused (${code})`, hint: credentialHint };
    return { name, status: 'fail', detail: `${where}: no answer (${code})`, hint: 'Check endpoint: and the network path to it.' };
  }
  const contents = probe.listing.any ? 'objects under the prefix' : 'nothing under the prefix yet';
  const protection = probe.protection;
  if (protection?.kind === 'refused') {
    return {
      name,
      status: 'fail',
      detail: `${where}: listable (${contents}); versioning not readable (${protection.code}): a purge refuses this archive`,
      hint: `The credentials need ${protection.permission} (and s3:ListBucketVersions, s3:DeleteObjectVersion on a versioned bucket).`,
    };
  }
  if (protection?.kind === 'failed') {
    return { name, status: 'warn', detail: `${where}: listable (${contents}); versioning could not be read (${protection.code})`, hint: undefined };
  }
  const versioning = protection?.protection.versioning ?? 'none';
  const lock = protection?.protection.lock.kind === 'enabled' ? ', object lock on' : '';
  const detail =
    versioning === 'none'
      ? `${where}: listable (${contents}), not versioned${lock}; deleting is not tried (s3:DeleteObject, and s3:GetObject to scan for held addresses)`
      : `${where}: listable (${contents}), versioning ${versioning}${lock}: a purge deletes every version (s3:ListBucketVersions, s3:DeleteObjectVersion); deleting is not tried`;
  return { name, status: 'pass', detail, hint: undefined };
}
