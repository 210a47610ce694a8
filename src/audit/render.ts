import Table from 'cli-table3';
import type { AuditEntry } from './entry.js';
import { ENROL_EVENT, GENESIS_EVENT, ROTATION_EVENT } from './key-entries.js';
import type { AuditVerification } from './verify.js';

/** A table of entries for people: one row per entry, counts as `key=value`. */
export function renderAuditTable(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'The audit log has no entries in that range.\n';
  const table = new Table({
    head: ['seq', 'time (UTC)', 'actor', 'event', 'location', 'counts', 'reason', 'run'],
    style: { head: [], border: [] },
  });
  for (const e of entries) {
    const counts = e.counts
      ? Object.entries(e.counts)
          .map(([key, value]) => `${key}=${value}`)
          .join(' ')
      : '';
    // An export to inspect may come from anywhere: no cell may carry escape sequences to the terminal.
    const cells = [String(e.seq), e.time, e.actor, e.event, e.location ?? '', counts, describeReason(e), e.run_id ? e.run_id.slice(0, 8) : ''];
    table.push(cells.map(stripControl));
  }
  return table.toString() + '\n';
}

/** The reason, and for the entries that change the signing key, which key: an auditor must not miss those. */
function describeReason(entry: AuditEntry): string {
  const details = entry.details ?? {};
  if (entry.event === ROTATION_EVENT) return `KEY ROTATED to ${String(details.new_key_fingerprint)}: ${entry.reason ?? ''}`;
  if (entry.event === GENESIS_EVENT) return `LOG STARTS, key ${String(details.key_fingerprint)}`;
  if (entry.event === ENROL_EVENT) return `KEY ENROLLED by its host: ${String(details.key_fingerprint)}`;
  return entry.reason ?? '';
}

/** Entries as a JSON array (keys in canonical order, as stored). */
export function renderAuditJson(entries: readonly AuditEntry[]): string {
  return JSON.stringify(entries, null, 2) + '\n';
}

/**
 * The verdict for people: intact, or the first broken entry and why, then any further problems. `keySource` says
 * where the first key came from, so the reader knows which fingerprint to compare with a lodged one.
 */
export function renderVerification(result: AuditVerification, source: string, keySource: 'given' | 'genesis' = 'given'): string {
  const headText = {
    verified: 'the signed head checkpoint matches the tail',
    absent: 'no head checkpoint was checked',
    broken: 'the head checkpoint does NOT match',
  }[result.head];
  const lines: string[] = [];
  if (result.ok) {
    const genesis = result.genesis === 'adopted' ? 'a genesis entry that adopts the entries written before genesis entries existed' : 'the genesis entry';
    const lodged = result.lodged_head === 'verified' ? '; the log extends the lodged head' : '';
    lines.push(
      `OK: ${source}: ${result.entries} entries intact (every line's bytes, signature, hash link and sequence number checked; ${genesis}; ${headText}${lodged}).`,
    );
  } else {
    const [first, ...rest] = result.errors;
    lines.push(`BROKEN: ${source}: ${result.entries} entries checked, ${result.errors.length} problem(s).`);
    if (first) lines.push(`First broken entry: seq ${first.entry} (line ${first.line}): ${first.reason}`);
    for (const error of rest) lines.push(`  also seq ${error.entry} (line ${error.line}): ${error.reason}`);
  }
  const [start, ...rotated] = result.keys;
  if (start)
    lines.push(
      `Key: ${start.fingerprint} (${keySource === 'given' ? 'the key given' : 'named by the genesis entry: compare it with the fingerprint lodged when the log began'})`,
    );
  for (const key of rotated) {
    lines.push(key.enrolled === true ? `  enrolled at seq ${key.from_seq}: ${key.fingerprint}` : `  rotated at seq ${key.from_seq - 1} to ${key.fingerprint}`);
  }
  return lines.join('\n') + '\n';
}

/** Control characters (escape sequences included) shown as `\uXXXX`, so a cell cannot rewrite the terminal. */
function stripControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
