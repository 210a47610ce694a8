import { sanitiseTerminalText } from './terminal-text.js';
import Table from 'cli-table3';
import type { SubjectFindings } from '../subject/find.js';
import type { SubjectEraseResult } from '../subject/erase.js';

/** `subject show --json`: everything held about the subject, per location, each copy with what becomes of it. */
export function buildSubjectJson(findings: SubjectFindings): object {
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
    notes: findings.notes,
  };
}

export function renderSubjectText(findings: SubjectFindings): string {
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
  lines.push(table.toString(), ...findings.notes.map(sanitiseTerminalText));
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
