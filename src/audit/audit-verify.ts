import { existsSync, readFileSync } from 'node:fs';
import { StoreError, UsageError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import type { StorePort } from '../store/port.js';
import { splitAuditExport, type SplitAuditExport } from './export.js';
import { keyFingerprint, loadPublicKey, loadSigningKey } from './keys.js';
import { verifyTimestampLines } from './timestamp-line.js';
import { verifyAuditLogAsync, type AuditVerification, type AuditVerifyError, type KeyPeriod } from './verify.js';

export interface AuditVerifyDeps {
  /** The store whose log is checked when no export file is given (opened only then). */
  readonly store: () => Promise<StorePort>;
  /** This home's signing key: the key the store's log ends with must be it. */
  readonly signingKeyPath: string;
  /** `audit.tsa_certificate` of the config, or undefined (also when there is no config file). */
  readonly configuredTsaCertificate: () => string | undefined;
}

export interface AuditVerifyOptions {
  /** An export (JSON Lines) to verify instead of the store. */
  readonly file?: string | undefined;
  /**
   * The PEM public keys verify trusts: the key the log started with, and on a log several hosts share, each
   * host's key. Default (none): the key its genesis entry names and the keys the log enrols.
   */
  readonly publicKeyPaths?: readonly string[] | undefined;
  /** A head checkpoint lodged elsewhere earlier, which the log must extend. */
  readonly headPath?: string | undefined;
  readonly tsaCertificatePath?: string | undefined;
}

export interface AuditVerifyResult {
  readonly verification: AuditVerification;
  /** The export file, or the store (its SQLite file, or its PostgreSQL server and schema). */
  readonly source: string;
  readonly keySource: 'given' | 'genesis';
  readonly timestamps: { readonly lines: number; readonly verified: number; readonly checked: boolean };
  /** The TSA certificate the time stamps were checked against, when one was. */
  readonly certificatePath: string | undefined;
  /** 'no' when anything failed to verify. */
  readonly outcome: Extract<Outcome, 'done' | 'no'>;
}

/** `audit verify`: every signature, hash link, the sequence, the signed head, lodged heads and RFC 3161 time stamps. */
export async function verifyAudit(deps: AuditVerifyDeps, options: AuditVerifyOptions): Promise<AuditVerifyResult> {
  const store = options.file === undefined ? await deps.store() : undefined;
  const parsed = store !== undefined ? await readStoreExport(store) : splitAuditExport(readText(options.file!, 'audit export'));
  // Without a public key, verify starts from the key the genesis entry names: its fingerprint is printed, to be
  // compared with the one lodged when the log began.
  const keyPaths = options.publicKeyPaths ?? [];
  const publicKeys = keyPaths.length === 0 ? undefined : keyPaths.map((path) => loadPublicKey(path));
  const lodgedHeads: unknown[] = options.headPath === undefined ? [] : [readLodgedHead(options.headPath)];
  // Each time-stamped head is a lodged head too: the log must extend it, and its token must stamp it.
  const certificatePath = options.tsaCertificatePath ?? (options.file === undefined ? deps.configuredTsaCertificate() : undefined);
  const certificate = certificatePath === undefined ? undefined : readText(certificatePath, 'TSA certificate');
  const stamps = await verifyTimestampLines(parsed.timestamps, certificate, parsed.entries.length + 2);
  const verification = await verifyAuditLogAsync(parsed.entries, publicKeys, parsed.head, { lodgedHeads: [...lodgedHeads, ...stamps.heads] });
  verification.errors.push(...stamps.errors.map((error) => ({ entry: 0, ...error })));
  // Asked to check third-party time, a log without one valid token may have had its tokens stripped.
  if (certificate !== undefined && parsed.entries.length > 0 && stamps.verified === 0) {
    verification.errors.push({ entry: 0, line: 0, reason: 'no RFC 3161 time stamp verifies against the TSA certificate: the tokens may have been removed' });
  }
  // The store checked from its own genesis key: the key it ends with must be this home's signing key.
  if (store !== undefined && publicKeys === undefined) verification.errors.push(...checkHomeKey(deps.signingKeyPath, verification, store.kind === 'postgres'));
  verification.ok = verification.errors.length === 0;
  return {
    verification,
    source: options.file ?? store?.description ?? '',
    keySource: publicKeys === undefined ? 'genesis' : 'given',
    timestamps: { lines: parsed.timestamps.length, verified: stamps.verified, checked: certificate !== undefined },
    certificatePath,
    outcome: verification.ok ? 'done' : 'no',
  };
}

/** The store's log as an export would hold it; an unreadable row becomes a broken entry, not a crash. */
async function readStoreExport(store: StorePort): Promise<SplitAuditExport> {
  return store.readAuditExport();
}

/**
 * This home's signing key must be in force at the log's end. On a shared store a host that has not appended yet
 * has no key in the log: that is not a fault, but a key of this home the log retired is.
 */
function checkHomeKey(signingKeyPath: string, verification: AuditVerification, isShared: boolean): AuditVerifyError[] {
  const last = verification.keys[verification.keys.length - 1];
  if (last === undefined || !existsSync(signingKeyPath)) return [];
  const inForce = verification.keys_in_force ?? [last.fingerprint];
  const home = keyFingerprint(loadSigningKey(signingKeyPath));
  if (inForce.includes(home)) return [];
  if (isShared && !verification.keys.some((period: KeyPeriod) => period.fingerprint === home)) return [];
  const reason =
    inForce.length === 1
      ? `the log's key in force (${last.fingerprint}) is not this home's signing key (${home}): the log or the key was replaced`
      : `this home's signing key (${home}) is not among the log's keys in force (${inForce.join(', ')}): the log or the key was replaced`;
  return [{ entry: 0, line: 0, reason }];
}

/** A lodged head: a head line on its own, or the last line of an export. */
function readLodgedHead(path: string): string {
  const lodged = splitAuditExport(readText(path, 'head checkpoint'));
  const line = lodged.head ?? lodged.entries[lodged.entries.length - 1];
  if (line === undefined)
    throw new UsageError(`The lodged head file ${path} is empty`, { hint: 'Give the head line that `audit export | tail -n 1` printed.' });
  return line;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new StoreError(`Could not read the ${what} at ${path}`, { cause: err });
  }
}
