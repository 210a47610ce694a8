import type { AuditEntry } from './entry.js';

/**
 * Intents with no later entry of their run: runs that died between announcing and recording (over the whole log,
 * or over what the store's readOpenRunEntries narrows it to: the same answer). Oldest first. A progress entry (event ending in
 * '.progress', what a run confirmed so far) does not close its run's intent: only an outcome or a reconciliation does.
 */
export function selectOpenIntents(entries: readonly AuditEntry[]): AuditEntry[] {
  const lastOfRun = new Map<string, AuditEntry>();
  for (const entry of entries) if (entry.run_id !== null && !isProgress(entry)) lastOfRun.set(entry.run_id, entry);
  return [...lastOfRun.values()].filter((entry) => entry.event.endsWith('.intent')).sort((a, b) => a.seq - b.seq);
}

/** The progress entries of a run written after its intent, oldest first: what it confirmed before it stopped. */
export function selectProgressOf(entries: readonly AuditEntry[], intent: AuditEntry): AuditEntry[] {
  return entries.filter((entry) => entry.run_id === intent.run_id && entry.seq > intent.seq && isProgress(entry));
}

function isProgress(entry: AuditEntry): boolean {
  return entry.event.endsWith('.progress');
}
