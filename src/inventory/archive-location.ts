import type { ArchiveReading } from '../archives/read-archive.js';
import type { ArchiveConfig } from '../config/archives.js';
import { buildEmptyLocation, type ArchiveLocationId, type InventoryLocation } from './inventory.js';
import type { LocationNote } from './notes.js';

/** `archive/<name>` for one configured archive. */
export function buildArchiveLocationId(name: string): ArchiveLocationId {
  return `archive/${name}`;
}

/**
 * A Logpush archive as an inventory location (issue 14): objects, bytes, data times, what is past retention, and
 * how the bucket's own lifecycle expiry compares. A listing that failed is an `error` location, so the run is partial.
 */
export function buildArchiveLocation(archive: ArchiveConfig, reading: ArchiveReading): InventoryLocation {
  const id = buildArchiveLocationId(archive.name);
  const where = `${archive.location.bucket}/${archive.location.prefix}`;
  if (reading.kind === 'failed') {
    const location = buildEmptyLocation(id, 'archive', 'error', [{ code: 'archive.failed', where, reason: reading.reason, errorCode: reading.code }]);
    return { ...location, retention: archive.retention.text, bytes: 0 };
  }
  const { summary, lifecycle } = reading;
  const notes: LocationNote[] = [{ code: 'archive.objects', where, count: summary.objects, bytes: summary.bytes }];
  if (summary.pastRetention > 0)
    notes.push({ code: 'archive.past_retention', count: summary.pastRetention, bytes: summary.pastRetentionBytes, retention: archive.retention.text });
  notes.push({ code: 'archive.time_sources', ...summary.timeSources });
  const { versioning } = reading;
  if (versioning?.kind === 'unknown') notes.push({ code: 'archive.versions_unknown', permission: versioning.permission, errorCode: versioning.code });
  else if (versioning) {
    const { versions, noncurrent, deleteMarkers, hiddenKeys } = versioning;
    notes.push({ code: 'archive.versions', status: versioning.kind, versions, noncurrent, deleteMarkers, hiddenKeys });
  }
  if (lifecycle.kind === 'none') notes.push({ code: 'archive.lifecycle_none' });
  else if (lifecycle.kind === 'unknown')
    notes.push({ code: 'archive.lifecycle_unknown', reason: lifecycle.reason, ...(lifecycle.via ? { via: lifecycle.via } : {}) });
  else notes.push({ code: 'archive.lifecycle', verdict: lifecycle.kind, days: lifecycle.days, retention: archive.retention.text });
  return {
    id,
    kind: 'archive',
    records: summary.objects,
    // Inside gzip files: counting addresses means reading every object (a later slice scans for holds).
    distinctIps: 0,
    countries: [],
    oldest: summary.oldest,
    newest: summary.newest,
    pastRetention: summary.pastRetention,
    held: 0,
    retention: archive.retention.text,
    controlledBy: 'us',
    expires: undefined,
    status: 'ok',
    notes,
    bytes: summary.bytes,
    archive: {
      url: archive.url,
      pastRetentionBytes: summary.pastRetentionBytes,
      timeSources: summary.timeSources,
      lifecycle: lifecycle.kind,
      lifecycleDays: 'days' in lifecycle ? lifecycle.days : undefined,
      logpushJobs: [],
      ...(versioning && versioning.kind !== 'unknown'
        ? { versions: { status: versioning.kind, versions: versioning.versions, noncurrent: versioning.noncurrent, deleteMarkers: versioning.deleteMarkers } }
        : {}),
    },
  };
}

/** A Logpush job as archive matching needs it: its id, name and (redacted) destination_conf. */
export interface ArchiveJob {
  readonly id: number | string;
  readonly name: string;
  readonly destination: string;
}

/**
 * The Logpush jobs that write into an archive: destination `s3://` or `r2://` with the same bucket and a path that,
 * up to its first `{DATE}`-style placeholder, is the archive's prefix or lies under it.
 */
export function selectArchiveJobs(archive: ArchiveConfig, jobs: readonly ArchiveJob[]): ArchiveJob[] {
  return jobs.filter((job) => {
    const match = /^(?:s3|r2):\/\/([^/?#]+)(?:\/([^?#]*))?/i.exec(job.destination);
    if (!match || match[1] !== archive.location.bucket) return false;
    const fixed = (match[2] ?? '').split('{')[0]!.replace(/^\/+/, '');
    const path = fixed === '' || fixed.endsWith('/') ? fixed : `${fixed}/`;
    return path.startsWith(archive.location.prefix);
  });
}

/** Adds which Logpush jobs write into the archive (after Cloudflare's objects were read). */
export function addArchiveJobs(location: InventoryLocation, archive: ArchiveConfig, jobs: readonly ArchiveJob[]): InventoryLocation {
  if (location.archive === undefined) return location;
  const writers = selectArchiveJobs(archive, jobs);
  const notes: LocationNote[] =
    writers.length === 0 ? [{ code: 'archive.no_job' }] : writers.map((job) => ({ code: 'archive.written_by', jobId: job.id, name: job.name || undefined }));
  return { ...location, notes: [...location.notes, ...notes], archive: { ...location.archive, logpushJobs: writers.map((job) => job.id) } };
}
