import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { keyFingerprint, loadPublicKey, loadSigningKey, publicKeyPem } from '../../audit/keys.js';
import type { CliContext } from '../context.js';
import { writeOutputFile } from '../output-file.js';
import type { SetExitCode } from './index.js';

interface PublicFlags {
  output?: string;
}

export const keysCommand = (ctx: CliContext, _setExitCode: SetExitCode) => {
  const keys = new Command('keys')
    .description('The audit signing key: hand its public half to whoever must be able to verify the audit log')
    .addHelpText('after', '\nExample:\n  luxeret-privacy keys public --output luxeret-audit-public.pem');

  keys
    .command('public')
    .description('Print the PEM public key of the audit log and its fingerprint (SHA-256 of the DER key)')
    .option('--output <file>', 'write the PEM to this file instead of stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy keys public > audit-public.pem\n  luxeret-privacy keys public --output /srv/share/audit-public.pem\n' +
        '\nAn auditor checks the fingerprint on their side with:\n  openssl pkey -pubin -in audit-public.pem -outform DER | sha256sum',
    )
    .action((flags: PublicFlags) => {
      const paths = ctx.paths();
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
  return keys;
};
