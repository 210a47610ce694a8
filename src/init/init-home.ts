import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertKeysDirIsOurs } from '../audit/keys-dir.js';
import { ensureKeys, type KeyPaths } from '../audit/keys.js';
import { ensureAuditGenesis, STORE_CREATED_META_KEY, type AuditEntry, type AuditSigner } from '../audit/log.js';
import { EXAMPLE_CONFIG } from '../config/example.js';
import { StoreError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import { openStore, writeMeta } from '../store/db.js';

export interface InitDeps {
  readonly paths: KeyPaths & { readonly home: string; readonly store: string };
  readonly configPath: () => string;
  /** Called once the store and keys exist: signs the genesis entry. */
  readonly signer: () => AuditSigner;
  readonly now: () => Date;
}

/** Each thing init sees to, and whether this run created it (false: it existed and was left alone). */
export interface InitResult {
  readonly home: boolean;
  readonly store: boolean;
  readonly signingKey: boolean;
  readonly subjectSecret: boolean;
  /** The audit log's genesis entry, when this run wrote it. */
  readonly genesis: AuditEntry | undefined;
  readonly configPath: string;
  readonly config: boolean;
  readonly outcome: Outcome;
}

/** `init`: LUXERET_HOME, the store, the audit keys, the log's genesis entry and an example config; never overwrites. */
export function initHome(deps: InitDeps): InitResult {
  const { paths } = deps;
  // Before anything is created: a planted key must not be adopted.
  assertKeysDirIsOurs(paths, existsSync(paths.store));
  const homeExisted = existsSync(paths.home);
  try {
    mkdirSync(paths.home, { recursive: true, mode: 0o700 });
    if (!homeExisted) chmodSync(paths.home, 0o700);
  } catch (err) {
    throw new StoreError(`Could not create LUXERET_HOME at ${paths.home}`, { cause: err });
  }
  const storeExisted = existsSync(paths.store);
  const keys = ensureKeys(paths);
  const db = openStore(paths.store, { create: true });
  let genesis: AuditEntry | undefined;
  try {
    if (!storeExisted) writeMeta(db, STORE_CREATED_META_KEY, deps.now().toISOString());
    genesis = ensureAuditGenesis(db, deps.signer(), 'init');
  } finally {
    db.close();
  }
  const configPath = deps.configPath();
  const configExisted = existsSync(configPath);
  if (!configExisted) {
    mkdirSync(dirname(configPath), { recursive: true, mode: 0o700 });
    writeFileSync(configPath, EXAMPLE_CONFIG, { mode: 0o600, flag: 'wx' });
  }
  return {
    home: !homeExisted,
    store: !storeExisted,
    signingKey: keys.createdSigningKey,
    subjectSecret: keys.createdSubjectSecret,
    genesis,
    configPath,
    config: !configExisted,
    outcome: 'done',
  };
}
