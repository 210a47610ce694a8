import { publicKeyPem } from './keys.js';
import type { AuditEntry } from './entry.js';
import { GENESIS_EVENT, keyFingerprint, readGenesisKey, readRotationKey, ROTATION_EVENT } from './key-entries.js';

/** One key of the log's history, as the log itself names it. */
export interface KeyRecord {
  fingerprint: string;
  pem: string;
  /** The genesis or rotation entry that put the key in force. */
  seq: number;
  time: string;
  reason: string | null;
}

/**
 * Every key that signed the log, oldest first, read from its genesis and rotation entries (this reads, it does not
 * verify: `audit verify` says whether each hand-over holds).
 */
export function buildKeyHistory(entries: readonly AuditEntry[]): KeyRecord[] {
  const history: KeyRecord[] = [];
  for (const entry of entries) {
    const record = entry as unknown as Record<string, unknown>;
    const key = entry.event === GENESIS_EVENT ? readGenesisKey(record) : entry.event === ROTATION_EVENT ? readRotationKey(record) : undefined;
    if (key === undefined) continue;
    history.push({ fingerprint: keyFingerprint(key), pem: publicKeyPem(key), seq: entry.seq, time: entry.time, reason: entry.reason });
  }
  return history;
}

/** The history as text: per key a header line, then its PEM (RFC 7468 lets text precede each block). */
export function renderKeyHistory(history: readonly KeyRecord[]): string {
  if (history.length === 0) return 'The audit log names no key yet (no genesis entry).\n';
  return history
    .map((key, i) => {
      const how = i === 0 ? `genesis, seq ${key.seq}` : `rotation at seq ${key.seq}: ${key.reason ?? ''}`;
      const until = history[i + 1] === undefined ? 'in force' : `retired at seq ${history[i + 1]!.seq}`;
      return `Key ${i + 1}: ${key.fingerprint} (from ${key.time}, ${how}; ${until})\n${key.pem}`;
    })
    .join('');
}
