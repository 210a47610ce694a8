import { loadSigningKey, loadSubjectSecret } from '../audit/keys.js';
import type { AuditSigner } from '../audit/log.js';
import type { CliContext } from './context.js';

/**
 * The audit signer for this run: the home's Ed25519 key, the OS user and host, the context's clock, and the
 * subject-hash secret that keys hashes of free text.
 */
export function createSigner(ctx: CliContext): AuditSigner {
  const paths = ctx.paths();
  return { privateKey: loadSigningKey(paths.signingKey), actor: ctx.actor(), now: () => ctx.now(), textSecret: loadSubjectSecret(paths.subjectSecret) };
}
