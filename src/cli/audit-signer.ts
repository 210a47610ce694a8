import { loadSigningKey } from '../audit/keys.js';
import type { AuditSigner } from '../audit/log.js';
import type { CliContext } from './context.js';

/** The audit signer for this run: the home's Ed25519 key, the OS user and host, the context's clock. */
export function createSigner(ctx: CliContext): AuditSigner {
  return { privateKey: loadSigningKey(ctx.paths().signingKey), actor: ctx.actor(), now: () => ctx.now() };
}
