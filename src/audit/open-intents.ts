import type { AuditEntry } from './entry.js';

/**
 * Intents with no later entry of their run: runs that died between announcing and recording (over entries read
 * through the store port, or from SQLite by findOpenIntents). Oldest first.
 */
export function selectOpenIntents(entries: readonly AuditEntry[]): AuditEntry[] {
  const lastOfRun = new Map<string, AuditEntry>();
  for (const entry of entries) if (entry.run_id !== null) lastOfRun.set(entry.run_id, entry);
  return [...lastOfRun.values()].filter((entry) => entry.event.endsWith('.intent')).sort((a, b) => a.seq - b.seq);
}
