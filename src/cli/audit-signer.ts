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

// --- purge (commands on the store port)

/**
 * The audit signer for a command on the store port. SQLite: createSigner (the port shares the run's connection).
 * PostgreSQL: the home's key over the shared log; the head is not tracked for lodging and an interrupted key
 * rotation is not recovered here yet (both read the SQLite store; TODO #13: audit on the port).
 */
export function createPortSigner(ctx: CliContext, store: StorePort): AuditSigner {
  if (store.kind === 'sqlite') return createSigner(ctx);
  const paths = ctx.paths();
  return { privateKey: loadSigningKey(paths.signingKey), actor: ctx.actor(), now: () => ctx.now(), textSecret: loadSubjectSecret(paths.subjectSecret) };
}
