import { loadSigningKey, loadSubjectSecret } from '../audit/keys.js';
import { recoverKeyRotation } from '../audit/key-rotation.js';
import { readAuditHeadText, type AuditSigner } from '../audit/log.js';
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

// --- init and hold on the store port
/**
 * The audit signer for a command on the store port. SQLite: createSigner. PostgreSQL: the same key, actor, clock and
 * secret, without the two SQLite-only steps (not yet on the port, issue 13): finishing an interrupted key rotation
 * (rotation runs on SQLite only, so no staged key can await a PostgreSQL log) and noting the head to lodge after
 * the run (lodging reads the SQLite store).
 */
export function createPortSigner(ctx: CliContext): AuditSigner {
  if (ctx.storeSelection().kind === 'sqlite') return createSigner(ctx);
  const paths = ctx.paths();
  return { privateKey: loadSigningKey(paths.signingKey), actor: ctx.actor(), now: () => ctx.now(), textSecret: loadSubjectSecret(paths.subjectSecret) };
}
