import { loadSigningKey, loadSubjectSecret } from '../audit/keys.js';
import { recoverKeyRotation, type RecoveryOutcome } from '../audit/key-rotation.js';
import type { AuditSigner } from '../audit/log.js';
import type { CliContext } from './context.js';

/**
 * The audit signer for this run: the home's Ed25519 key, the OS user and host, the context's clock, and the
 * subject-hash secret that keys hashes of free text. Notes the head before this run signs, to lodge the new one after.
 */
export async function createSigner(ctx: CliContext): Promise<AuditSigner> {
  const paths = ctx.paths();
  await recoverInterruptedRotation(ctx);
  if (!ctx.auditHead.tracked) {
    const before = await (await ctx.storePort()).readAuditHeadText();
    if (!ctx.auditHead.tracked) Object.assign(ctx.auditHead, { tracked: true, before });
  }
  return { privateKey: loadSigningKey(paths.signingKey), actor: ctx.actor(), now: () => ctx.now(), textSecret: loadSubjectSecret(paths.subjectSecret) };
}

/** The start-up check for a key rotation cut short by a crash (see rotateSigningKey): finish it or discard it. */
export async function recoverInterruptedRotation(ctx: CliContext): Promise<void> {
  noteRecovery(ctx, await recoverKeyRotation(ctx.paths(), ctx.storePort));
}

function noteRecovery(ctx: CliContext, outcome: RecoveryOutcome): void {
  if (outcome === 'completed') ctx.note('Finished a key rotation that a crash interrupted: the log already named the new key, which is now in force.');
  if (outcome === 'discarded') ctx.note('Discarded a staged signing key left by a key rotation that never reached the log; the current key stays in force.');
}
