import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { rotateSigningKey } from '../../audit/key-rotation.js';
import { keyFingerprint, loadPublicKey, loadSigningKey, publicKeyPem } from '../../audit/keys.js';
import { findForbiddenContent } from '../../audit/guard.js';
import { buildKeyHistory, renderKeyHistory } from '../../audit/key-history.js';
import { UsageError } from '../../errors.js';
import { createSigner, recoverInterruptedRotation } from '../audit-signer.js';
import type { CliContext } from '../context.js';
import { writeOutputFile } from '../output-file.js';
import { lockStore } from '../lock.js';

interface PublicFlags {
  output?: string;
  all?: boolean;
}
interface RotateFlags {
  reason?: string;
}

export const keysCommand = (ctx: CliContext) => {
  const keys = new Command('keys')
    .description('The audit signing key: hand its public half to whoever must be able to verify the audit log')
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy keys public --output luxeret-audit-public.pem\n  luxeret-privacy keys rotate --reason "scheduled yearly rotation"',
    );

  keys
    .command('public')
    .description('Print the PEM public key of the audit log and its fingerprint (SHA-256 of the DER key)')
    .option('--output <file>', 'write the PEM to this file instead of stdout')
    .option('--all', 'every key that ever signed the log, oldest first, with the entry that put it in force')
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy keys public > audit-public.pem\n  luxeret-privacy keys public --output /srv/share/audit-public.pem\n  luxeret-privacy keys public --all\n' +
        '\nAn auditor checks the fingerprint on their side with:\n  openssl pkey -pubin -in audit-public.pem -outform DER | sha256sum',
    )
    .action(async (flags: PublicFlags) => {
      const paths = ctx.paths();
      if (ctx.storeSelection().kind === 'postgres' || existsSync(paths.store)) await recoverInterruptedRotation(ctx);
      if (flags.all === true) {
        const text = renderKeyHistory(buildKeyHistory(await (await ctx.storePort()).readAuditEntries()));
        writeOutput(ctx, flags.output, text, 'the key history');
        return;
      }
      // The public file is a convenience copy; the signing key is the authority when both exist.
      const key = existsSync(paths.signingKey) ? loadSigningKey(paths.signingKey) : loadPublicKey(paths.publicKey);
      const pem = publicKeyPem(key);
      const fingerprint = keyFingerprint(key);
      if (flags.output !== undefined) {
        // A public key: readable by all, on purpose.
        writeOutputFile(resolve(ctx.io.cwd, flags.output), pem, 'the public key', 0o644);
        ctx.io.stdout(`Wrote ${flags.output}\nFingerprint: ${fingerprint}\n`);
        return;
      }
      // RFC 7468 allows explanatory text before the PEM block; openssl and node skip it, so `> file` is a usable key.
      ctx.io.stdout(`Fingerprint: ${fingerprint}\n${pem}`);
    });

  keys
    .command('rotate')
    .description('Hand the audit log over to a new signing key: a signed entry by the old key names the new one; the old private key is destroyed')
    .requiredOption('--reason <text>', 'why (scheduled, a person left, possible exposure); recorded in the signed entry')
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy keys rotate --reason "scheduled yearly rotation"\n  luxeret-privacy keys rotate --reason "administrator left the company"\n' +
        '\nVerify keeps working from the first public key: it follows each rotation entry whose signature holds.',
    )
    .action(async (flags: RotateFlags) => {
      const reason = (flags.reason ?? '').trim();
      if (reason === '') throw new UsageError('--reason must not be empty', { hint: 'Say why the key is rotated; the reason is part of the signed record.' });
      const problem = findForbiddenContent(reason, '--reason');
      if (problem) throw new UsageError(`${problem}`, { hint: 'The audit log holds no raw IP address: describe the reason without one.' });
      // No purge may sign with the old key while it is being retired.
      await lockStore(ctx, 'keys rotate');
      const signer = await createSigner(ctx);
      const entry = await rotateSigningKey(ctx.paths(), await ctx.storePort(), signer, reason);
      const details = entry.details as { old_key_fingerprint: string; new_key_fingerprint: string };
      ctx.io.stdout(
        `Rotated the audit signing key (entry seq ${entry.seq}).\n  old: ${details.old_key_fingerprint} (private key destroyed)\n  new: ${details.new_key_fingerprint}\n` +
          'Hand the new public key (`luxeret-privacy keys public`) to whoever verifies the log, and lodge its fingerprint.\n',
      );
    });
  return keys;
};

function writeOutput(ctx: CliContext, path: string | undefined, text: string, what: string): void {
  if (path === undefined) {
    ctx.io.stdout(text);
    return;
  }
  // Public keys and their history: readable by all, on purpose.
  writeOutputFile(resolve(ctx.io.cwd, path), text, what, 0o644);
  ctx.io.stdout(`Wrote ${path}\n`);
}
