import { appendAuditEntry } from '../audit/log.js';
import { hashPolicy } from '../config/load.js';
import { UsageError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import { readHolds, releaseHold as writeHoldRelease } from '../store/holds.js';
import type { HoldDeps } from './deps.js';
import { requireText } from './required-text.js';

export interface HoldReleaseResult {
  readonly id: string;
  readonly outcome: Outcome;
}

/** `hold release`: ends a hold (its records become subject to retention again), with a signed audit entry. */
export function releaseHold(deps: HoldDeps, options: { readonly id: string; readonly reason: string | undefined }): HoldReleaseResult {
  const { id } = options;
  const reason = requireText('--reason', options.reason);
  const db = deps.store();
  const existing = readHolds(db).find((h) => h.id === id);
  if (!existing) throw new UsageError(`No hold with id ${id}`, { hint: 'See `luxeret-privacy hold list`.' });
  if (existing.releasedAt) throw new UsageError(`Hold ${id} was already released at ${existing.releasedAt.toISOString()}`);
  const signer = deps.signer();
  const subject = deps.subjectHash(existing.network);
  const policyHash = hashPolicy(deps.config());
  const now = deps.now();
  db.transaction(() => {
    writeHoldRelease(db, id, now, deps.actor(), reason);
    appendAuditEntry(db, signer, {
      event: 'hold.release',
      command: 'hold release',
      policy_hash: policyHash,
      reason,
      subjects: [subject],
      details: { hold_id: id },
    });
  })();
  return { id, outcome: 'done' };
}
