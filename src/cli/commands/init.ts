import { existsSync, mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { ensureKeys } from '../../audit/keys.js';
import { assertKeysDirIsOurs } from '../../audit/keys-dir.js';
import { ensureAuditGenesis, STORE_CREATED_META_KEY } from '../../audit/log.js';
import { EXAMPLE_CONFIG } from '../../config/example.js';
import { StoreError } from '../../errors.js';
import { openStore, writeMeta } from '../../store/db.js';
import { createSigner } from '../audit-signer.js';
import type { CliContext } from '../context.js';
import type { SetExitCode } from './index.js';

export const initCommand = (ctx: CliContext, _setExitCode: SetExitCode) =>
  new Command('init')
    .description('Create LUXERET_HOME, the store, the audit signing key pair and an example config; never overwrites')
    .addHelpText('after', '\nExamples:\n  luxeret-privacy init\n  LUXERET_HOME=/var/lib/luxeret-privacy luxeret-privacy init --config /etc/luxeret-privacy/config.yaml')
    .action(() => {
      const paths = ctx.paths();
      const lines: string[] = [];
      // Before anything is created: a planted key must not be adopted.
      assertKeysDirIsOurs(paths, existsSync(paths.store));
      try {
        const homeExisted = existsSync(paths.home);
        mkdirSync(paths.home, { recursive: true, mode: 0o700 });
        if (!homeExisted) chmodSync(paths.home, 0o700);
        lines.push(`${homeExisted ? 'exists ' : 'created'}  ${paths.home}`);
      } catch (err) {
        throw new StoreError(`Could not create LUXERET_HOME at ${paths.home}`, { cause: err });
      }
      const storeExisted = existsSync(paths.store);
      const keys = ensureKeys(paths);
      const db = openStore(paths.store, { create: true });
      try {
        if (!storeExisted) writeMeta(db, STORE_CREATED_META_KEY, ctx.now().toISOString());
        lines.push(`${storeExisted ? 'exists ' : 'created'}  ${paths.store}`);
        lines.push(`${keys.createdSigningKey ? 'created' : 'exists '}  ${paths.signingKey} (Ed25519, audit log signing)`);
        lines.push(`${keys.createdSubjectSecret ? 'created' : 'exists '}  ${paths.subjectSecret} (keyed hashes of IPs in the audit log)`);
        const genesis = ensureAuditGenesis(db, createSigner(ctx), 'init');
        if (genesis !== undefined) lines.push(`created  audit log genesis entry (seq ${genesis.seq}, key ${String(genesis.details?.key_fingerprint)})`);
      } finally {
        db.close();
      }
      const configPath = ctx.configPath();
      if (existsSync(configPath)) {
        lines.push(`exists   ${configPath}`);
      } else {
        mkdirSync(dirname(configPath), { recursive: true, mode: 0o700 });
        writeFileSync(configPath, EXAMPLE_CONFIG, { mode: 0o600, flag: 'wx' });
        lines.push(`created  ${configPath} (example config: add your zones)`);
      }
      ctx.io.stdout(lines.join('\n') + '\n');
    });
