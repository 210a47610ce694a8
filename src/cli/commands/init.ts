import { Command } from 'commander';
import { initHome, type InitResult } from '../../init/init-home.js';
import { createSigner } from '../audit-signer.js';
import type { CliContext } from '../context.js';
import type { HomePaths } from '../paths.js';

export const initCommand = (ctx: CliContext) =>
  new Command('init')
    .description('Create LUXERET_HOME, the store, the audit signing key pair and an example config; never overwrites')
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy init\n  LUXERET_HOME=/var/lib/luxeret-privacy luxeret-privacy init --config /etc/luxeret-privacy/config.yaml',
    )
    .action(async () => {
      const paths = ctx.paths();
      const result = await initHome({
        paths,
        configPath: ctx.configPath,
        storeSelection: ctx.storeSelection,
        signer: () => createSigner(ctx),
        now: ctx.now,
      });
      ctx.io.stdout(renderInit(result, paths));
      ctx.recordOutcome(result.outcome);
    });

function renderInit(result: InitResult, paths: HomePaths): string {
  const state = (created: boolean) => (created ? 'created' : 'exists ');
  const lines = [
    `${state(result.home)}  ${paths.home}`,
    `${state(result.store)}  ${result.storeDescription}`,
    `${state(result.signingKey)}  ${paths.signingKey} (Ed25519, audit log signing)`,
    `${state(result.subjectSecret)}  ${paths.subjectSecret} (keyed hashes of IPs in the audit log)`,
  ];
  const { genesis } = result;
  if (genesis !== undefined) lines.push(`created  audit log genesis entry (seq ${genesis.seq}, key ${String(genesis.details?.key_fingerprint)})`);
  lines.push(result.config ? `created  ${result.configPath} (example config: add your zones)` : `exists   ${result.configPath}`);
  return lines.join('\n') + '\n';
}
