import { publicKeyPem } from './keys.js';
import type { AuditEntry } from './entry.js';
import { readKeyEntryKey } from './chain.js';
import { ENROL_EVENT, GENESIS_EVENT, keyFingerprint, ROTATION_EVENT } from './key-entries.js';

/** One key of the log's history, as the log itself names it. */
export interface KeyRecord {
  fingerprint: string;
  pem: string;
  /** The genesis or rotation entry that put the key in force. */
  seq: number;
  time: string;
  reason: string | null;
  /** How it came into force: the genesis, a hand-over from another key, or a host of a shared log enrolling it. */
  how: 'genesis' | 'rotation' | 'enrolment';
  /** The rotation that retired it, if one did. */
  retiredAt: number | undefined;
}

/**
 * Every key that signed the log, oldest first, read from its genesis, rotation and enrolment entries (this reads,
 * it does not verify: `audit verify` says whether each hand-over holds).
 */
export function buildKeyHistory(entries: readonly AuditEntry[]): KeyRecord[] {
  const history: KeyRecord[] = [];
  for (const entry of entries) {
    const record = entry as unknown as Record<string, unknown>;
    const key = readKeyEntryKey(record);
    if (key === undefined) continue;
    if (entry.event === ROTATION_EVENT) {
      const old = history.find((k) => k.fingerprint === entry.details?.old_key_fingerprint && k.retiredAt === undefined);
      if (old !== undefined) old.retiredAt = entry.seq;
    }
    const how = entry.event === GENESIS_EVENT ? 'genesis' : entry.event === ENROL_EVENT ? 'enrolment' : 'rotation';
    history.push({
      fingerprint: keyFingerprint(key),
      pem: publicKeyPem(key),
      seq: entry.seq,
      time: entry.time,
      reason: entry.reason,
      how,
      retiredAt: undefined,
    });
  }
  return history;
}

/** The history as text: per key a header line, then its PEM (RFC 7468 lets text precede each block). */
export function renderKeyHistory(history: readonly KeyRecord[]): string {
  if (history.length === 0) return 'The audit log names no key yet (no genesis entry).\n';
  return history
    .map((key, i) => {
      const how =
        key.how === 'genesis'
          ? `genesis, seq ${key.seq}`
          : key.how === 'enrolment'
            ? `enrolled by its host at seq ${key.seq}`
            : `rotation at seq ${key.seq}: ${key.reason ?? ''}`;
      const until = key.retiredAt === undefined ? 'in force' : `retired at seq ${key.retiredAt}`;
      return `Key ${i + 1}: ${key.fingerprint} (from ${key.time}, ${how}; ${until})\n${key.pem}`;
    })
    .join('');
}
