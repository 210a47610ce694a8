import { loadSigningKey, loadSubjectSecret } from '../audit/keys.js';
import { recoverKeyRotation } from '../audit/key-rotation.js';
import { readAuditHeadText, type AuditSigner } from '../audit/log.js';
import type { StorePort } from '../store/port.js';
import type { CliContext } from './context.js';

/**
 * The audit signer for this run: the home's Ed25519 key, the OS user and host, the context's clock, and the
 * subject-hash secret that keys hashes of free text.
 */
export function createSigner(ctx: CliContext): AuditSigner {
  const paths = ctx.paths();
  recoverInterruptedRotation(ctx);
  if (!ctx.auditHead.tracked) Object.assign(ctx.auditHead, { tracked: true, before: readAuditHeadText(ctx.store()) });
  return { privateKey: loadSigningKey(paths.signingKey), actor: ctx.actor(), now: () => ctx.now(), textSecret: loadSubjectSecret(paths.subjectSecret) };
}

/** The start-up check for a key rotation cut short by a crash (see rotateSigningKey): finish it or discard it. */
export function recoverInterruptedRotation(ctx: CliContext): void {
  const outcome = recoverKeyRotation(ctx.paths(), ctx.store());
  if (outcome === 'completed') ctx.note('Finished a key rotation that a crash interrupted: the log already named the new key, which is now in force.');
  if (outcome === 'discarded') ctx.note('Discarded a staged signing key left by a key rotation that never reached the log; the current key stays in force.');
}

// --- subject, stats (h-subject): a signer for commands on the store port
/**
 * The signer for a command on the store port. On PostgreSQL the SQLite-only start-up steps (key-rotation recovery,
 * tracking the head for `audit lodge`) are skipped: neither is on the port yet (issue 13, audit).
 */
export function createPortSigner(ctx: CliContext, store: Pick<StorePort, 'kind'>): AuditSigner {
  if (store.kind === 'sqlite') return createSigner(ctx);
  const paths = ctx.paths();
  return { privateKey: loadSigningKey(paths.signingKey), actor: ctx.actor(), now: () => ctx.now(), textSecret: loadSubjectSecret(paths.subjectSecret) };
}
