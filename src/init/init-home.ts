import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assertKeysDirIsOurs } from '../audit/keys-dir.js';
import { ensureKeys, type KeyPaths } from '../audit/keys.js';
import { STORE_CREATED_META_KEY, type AuditEntry, type AuditSigner } from '../audit/log.js';
import { EXAMPLE_CONFIG } from '../config/example.js';
import { POSTGRES_HOME_MARKER } from '../config/home-store-mark.js';
import type { StoreSelection } from '../config/store.js';
import { StoreError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import { openStore } from '../store/db.js';
import { openStorePort } from '../store/open.js';
import type { StorePort } from '../store/port.js';

export interface InitDeps {
  readonly paths: KeyPaths & { readonly home: string; readonly store: string; readonly lock: string };
  readonly configPath: () => string;
  /** Which store to create: the SQLite file in LUXERET_HOME, or a PostgreSQL schema (`store:`, LUXERET_DATABASE_URL). */
  readonly storeSelection: () => StoreSelection;
  /** Called once the store and keys exist: signs the genesis entry. */
  readonly signer: () => Promise<AuditSigner>;
  readonly now: () => Date;
}

/** Each thing init sees to, and whether this run created it (false: it existed and was left alone). */
export interface InitResult {
  readonly home: boolean;
  readonly store: boolean;
  /** Where the store is: the SQLite file, or the PostgreSQL server and schema (never a password). */
  readonly storeDescription: string;
  readonly signingKey: boolean;
  readonly subjectSecret: boolean;
  /** The audit log's genesis entry, when this run wrote it. */
  readonly genesis: AuditEntry | undefined;
  readonly configPath: string;
  readonly config: boolean;
  readonly outcome: Outcome;
}

/**
 * `init`: LUXERET_HOME, the store (the SQLite file, or the PostgreSQL schema created or migrated), the audit keys,
 * the log's genesis entry and an example config; never overwrites, and running it again changes nothing.
 */
export async function initHome(deps: InitDeps): Promise<InitResult> {
  const { paths } = deps;
  // The mark of a PostgreSQL home (config/home-store-mark.ts): a signing key found without it (or the SQLite file)
  // was not made by init.
  const marker = join(paths.home, POSTGRES_HOME_MARKER);
  // Before anything is created: a planted key must not be adopted.
  assertKeysDirIsOurs(paths, existsSync(paths.store) || existsSync(marker));
  const selection = deps.storeSelection();
  const homeExisted = existsSync(paths.home);
  try {
    mkdirSync(paths.home, { recursive: true, mode: 0o700 });
    if (!homeExisted) chmodSync(paths.home, 0o700);
  } catch (err) {
    throw new StoreError(`Could not create LUXERET_HOME at ${paths.home}`, { cause: err });
  }
  const sqliteExisted = existsSync(paths.store);
  // The store before the keys: a PostgreSQL schema refused (another tool's tables) leaves no key behind that a
  // later init would take for a planted one.
  const store = await openStorePort(selection, {
    sqlitePath: paths.store,
    openSqlite: () => openStore(paths.store, { create: true }),
    lockPath: paths.lock,
    create: true,
    applicationName: 'luxeret-privacy init',
  });
  let created: boolean;
  let keys: ReturnType<typeof ensureKeys>;
  let genesis: AuditEntry | undefined;
  try {
    created = await markStoreCreated(store, deps.now(), selection.kind === 'sqlite' ? !sqliteExisted : undefined);
    keys = ensureKeys(paths);
    if (selection.kind === 'postgres' && !existsSync(marker)) {
      const text = JSON.stringify({ store: selection.displayUrl, schema: selection.schema, initialised_at: deps.now().toISOString() }, null, 2);
      writeFileSync(marker, text + '\n', { mode: 0o600, flag: 'wx' });
    }
    genesis = await writeGenesis(store, deps.signer);
  } finally {
    await store.close();
  }
  const configPath = deps.configPath();
  const configExisted = existsSync(configPath);
  if (!configExisted) {
    mkdirSync(dirname(configPath), { recursive: true, mode: 0o700 });
    writeFileSync(configPath, EXAMPLE_CONFIG, { mode: 0o600, flag: 'wx' });
  }
  return {
    home: !homeExisted,
    store: created,
    storeDescription: store.description,
    signingKey: keys.createdSigningKey,
    subjectSecret: keys.createdSubjectSecret,
    genesis,
    configPath,
    config: !configExisted,
    outcome: 'done',
  };
}

/**
 * Records when the store was created (the genesis entry states it). SQLite: when this run made the file.
 * PostgreSQL: when no earlier init recorded it, so hosts sharing the schema keep the first one's time.
 */
async function markStoreCreated(store: StorePort, now: Date, isNewFile: boolean | undefined): Promise<boolean> {
  return store.transaction(async (tx) => {
    const isNew = isNewFile ?? (await tx.readMeta(STORE_CREATED_META_KEY)) === undefined;
    if (isNew) await tx.writeMeta(STORE_CREATED_META_KEY, now.toISOString());
    return isNew;
  });
}

/**
 * The genesis entry, unless the log has one. On a shared PostgreSQL store another host may have written it: this
 * host's key joins the chain with its first signed entry (keys.enrol, docs/audit.md).
 */
async function writeGenesis(store: StorePort, signer: () => Promise<AuditSigner>): Promise<AuditEntry | undefined> {
  if (store.kind === 'postgres' && (await store.readAuditHead()) !== undefined) return undefined;
  return store.ensureAuditGenesis(await signer(), 'init');
}
