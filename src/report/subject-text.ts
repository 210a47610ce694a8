import { sanitiseTerminalText } from './terminal-text.js';
import Table from 'cli-table3';
import type { SubjectFindings } from '../subject/find.js';
import type { ArchiveVersioning } from '../archives/read-archive.js';
import type { SubjectArchive, SubjectArchiveVersion } from '../subject/archives.js';
import type { SubjectEraseResult } from '../subject/erase.js';

/** `subject show --json`: everything held about the subject, per location, each copy with what becomes of it. */
export function buildSubjectJson(findings: SubjectFindings, archives: readonly SubjectArchive[] = []): object {
  return {
    subject: findings.network.text,
    locations: findings.local.map((l) => ({
      id: l.id,
      kind: 'local',
      records: l.records,
      deletable: l.deletableIds.length,
      held: l.held,
      first_seen: l.firstSeen?.toISOString() ?? null,
      last_seen: l.lastSeen?.toISOString() ?? null,
      countries: l.countries,
      zones: l.zones,
    })),
    cloudflare_objects:
      findings.cloudflare?.map((c) => ({
        kind: c.object.kind,
        id: c.object.id,
        scope: `${c.object.scope.type}/${c.object.scope.id}`,
        value: 'value' in c.object ? c.object.value : c.object.values.join(' '),
        disposition: c.disposition,
        why: c.why,
      })) ?? null,
    cloudflare_analytics: findings.cloudflareAnalytics.map((a) => ({
      location: a.location,
      zone_id: a.zoneId,
      disposition: 'kept_by_cloudflare',
      kept_until: a.keptUntil?.toISOString() ?? null,
      window_seconds: a.windowSeconds ?? null,
    })),
    ...(archives.length > 0 ? { archives: archives.map(buildArchiveJson) } : {}),
    notes: findings.notes,
  };
}

function buildArchiveJson(a: SubjectArchive): object {
  return {
    id: `archive/${a.name}`,
    where: a.where,
    objects: a.objects,
    bytes: a.bytes,
    oldest_data: a.oldest?.toISOString() ?? null,
    newest_data: a.newest?.toISOString() ?? null,
    // Not scanned: every object may contain the subject; scanned: `containing` are the ones that do.
    disposition: a.failure ? 'not_listed' : a.scan ? 'scanned' : 'may_contain',
    error: a.failure ? { reason: a.failure.reason, code: a.failure.code } : null,
    // Unversioned buckets keep the shape they always had: no versioning, no version on a hit.
    ...(a.versioning ? { versioning: buildVersioningJson(a.versioning) } : {}),
    scan: a.scan
      ? {
          scanned: a.scan.scanned,
          scanned_bytes: a.scan.scannedBytes,
          not_scanned_budget: a.scan.overBudget,
          failures: a.scan.failures,
          containing: a.scan.containing.map((o) => ({
            key: o.key,
            start: o.start?.toISOString() ?? null,
            end: o.end.toISOString(),
            ...(o.version
              ? {
                  version: {
                    version_id: o.version.id,
                    last_modified: o.version.lastModified.toISOString(),
                    current: o.version.isCurrent,
                    behind_delete_marker: o.version.isBehindDeleteMarker,
                  },
                }
              : {}),
          })),
        }
      : null,
  };
}

function buildVersioningJson(v: ArchiveVersioning): object {
  if (v.kind === 'unknown') return { status: 'unknown', missing_permission: v.permission, code: v.code };
  return { status: v.kind, versions: v.versions, noncurrent: v.noncurrent, delete_markers: v.deleteMarkers, hidden_keys: v.hiddenKeys };
}

/** One line on what the bucket's versioning means for this answer; undefined for an unversioned bucket. */
function describeVersioning(id: string, v: ArchiveVersioning | undefined, isScanned: boolean): string | undefined {
  if (v === undefined) return undefined;
  if (v.kind === 'unknown') {
    return `${id}: versions not read (${v.permission} refused: ${v.code}): only current objects were ${isScanned ? 'listed and scanned' : 'listed'}; older versions and keys behind a delete marker may hold the address too`;
  }
  const counts = `${v.versions} version(s) with data (${v.noncurrent} older), ${v.deleteMarkers} delete marker(s), ${v.hiddenKeys} key(s) behind a delete marker`;
  return `${id}: versioning ${v.kind}: ${counts}; older versions keep their data, so ${isScanned ? 'each version was scanned on its own' : 'they are counted and --scan-archives reads each one'}`;
}

/** Which version of a key holds the line, in words; empty for an unversioned bucket. */
function describeVersion(version: SubjectArchiveVersion | undefined): string {
  if (version === undefined) return '';
  const id = sanitiseTerminalText(version.id);
  if (version.isCurrent) return ` (current version ${id})`;
  const marker = version.isBehindDeleteMarker ? '; the key looks deleted: its current version is a delete marker' : '';
  return ` (older version ${id}, last modified ${iso(version.lastModified)}${marker})`;
}

export function renderSubjectText(findings: SubjectFindings, archives: readonly SubjectArchive[] = []): string {
  const lines = [`Everything held about ${findings.network.text}:`];
  const table = new Table({ head: ['location', 'what', 'records', 'first seen', 'last seen', 'countries', 'becomes'], style: { head: [], border: [] } });
  for (const l of findings.local) {
    const becomes =
      l.records === 0
        ? '-'
        : [l.deletableIds.length > 0 ? `${l.deletableIds.length} deletable by us` : '', l.held > 0 ? `${l.held} held` : ''].filter(Boolean).join(', ');
    const countries = Object.entries(l.countries)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ');
    table.push([
      l.id,
      l.id === 'local/firewall-events' ? 'security events' : 'request counts',
      l.records,
      iso(l.firstSeen),
      iso(l.lastSeen),
      countries || '-',
      becomes,
    ]);
  }
  for (const c of findings.cloudflare ?? []) {
    const what = `${c.object.kind} ${c.object.id.slice(0, 8)}… (${c.object.scope.type})`;
    const value = 'value' in c.object ? c.object.value : c.object.values.join(' ');
    table.push([
      `cloudflare/${c.object.kind}s`,
      sanitiseTerminalText(`${what}: ${value}`),
      1,
      '',
      '',
      '',
      sanitiseTerminalText(`${c.disposition.replace(/_/g, ' ')}: ${c.why}`),
    ]);
  }
  for (const a of findings.cloudflareAnalytics) {
    table.push([
      a.location,
      `zone ${a.zoneId.slice(0, 8)}…`,
      '',
      '',
      '',
      '',
      a.keptUntil ? `kept by Cloudflare until ${iso(a.keptUntil)} (not deletable through the API)` : 'aged out of Cloudflare',
    ]);
  }
  const archiveLines: string[] = [];
  for (const a of archives) {
    const id = `archive/${a.name}`;
    const what = sanitiseTerminalText(`Logpush objects in ${a.where}`);
    if (a.failure) {
      table.push([id, what, '', '', '', '', `not listed (${a.failure.reason}, ${a.failure.code})`]);
      continue;
    }
    const isVersioned = a.versioning !== undefined && a.versioning.kind !== 'unknown';
    const becomes = a.scan
      ? `${a.scan.containing.length} of ${a.scan.scanned} scanned object${isVersioned ? ' version' : ''}(s) contain it`
      : a.objects > 0
        ? 'may contain it: not scanned (--scan-archives reads them)'
        : '-';
    table.push([id, what, a.objects, iso(a.oldest), iso(a.newest), '', becomes]);
    const versioning = describeVersioning(id, a.versioning, a.scan !== undefined);
    if (versioning !== undefined) archiveLines.push(versioning);
    if (!a.scan) continue;
    for (const o of a.scan.containing) archiveLines.push(`${id}: contains it: ${sanitiseTerminalText(o.key)}${describeVersion(o.version)}`);
    const failures = Object.entries(a.scan.failures);
    if (failures.length > 0) archiveLines.push(`${id}: could not be scanned: ${failures.map(([key, n]) => `${key} ×${n}`).join(', ')}`);
    if (a.scan.overBudget > 0) {
      archiveLines.push(
        `${id}: ${a.scan.overBudget} object${isVersioned ? ' version' : ''}(s) not scanned: the scan budget (safety.archive_scan_budget) ran out`,
      );
    }
  }
  lines.push(table.toString(), ...archiveLines, ...findings.notes.map(sanitiseTerminalText));
  return lines.join('\n') + '\n';
}

export function buildEraseJson(result: SubjectEraseResult, network: string): object {
  return {
    dry_run: result.dryRun,
    subject: network,
    subject_hash: result.subject,
    locations: result.locations.map((l) => ({
      id: l.id,
      found: l.found,
      deleted: l.deleted,
      held: l.held,
      failed: l.failed,
      reported: l.reported,
      notes: l.notes,
    })),
    reconciled: result.reconciled,
  };
}

export function renderEraseText(result: SubjectEraseResult, network: string): string {
  const table = new Table({
    head: ['location', 'found', result.dryRun ? 'would delete' : 'deleted', 'held', 'reported only', 'failed'],
    style: { head: [], border: [] },
  });
  for (const l of result.locations) table.push([l.id, l.found, result.dryRun ? l.found - l.held - l.reported : l.deleted, l.held, l.reported, l.failed]);
  const notes = result.locations.flatMap((l) => l.notes.map((n) => `${l.id}: ${sanitiseTerminalText(n)}`));
  const failed = result.locations.reduce((n, l) => n + l.failed, 0);
  const summary = result.dryRun
    ? 'Dry run: nothing was changed.'
    : failed > 0
      ? `${failed} copy(ies) could not be erased; re-run to retry.`
      : `Every erasable copy of ${network} was erased. Audited as ${result.subject.slice(0, 24)}…`;
  return [`Erasure of ${network}${result.dryRun ? ' (dry run)' : ''}:`, table.toString(), ...notes, summary].join('\n') + '\n';
}

function iso(date: Date | undefined): string {
  return date ? date.toISOString().replace('.000Z', 'Z') : '';
}
