import { existsSync, readFileSync } from 'node:fs';
import { StoreError, UsageError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import type { Db } from '../store/db.js';
import { splitAuditExport, type SplitAuditExport } from './export.js';
import { keyFingerprint, loadPublicKey, loadSigningKey } from './keys.js';
import { readAuditHeadText, readAuditLines, readAuditTimestampLines } from './log.js';
import { verifyTimestampLines } from './timestamp-line.js';
import { verifyAuditLogAsync, type AuditVerification, type AuditVerifyError, type KeyPeriod } from './verify.js';

export interface AuditVerifyDeps {
  /** The store whose log is checked when no export file is given. */
  readonly store: () => Db;
  /** The store's path, named as the source when no export file is given. */
  readonly storePath: string;
  /** This home's signing key: the key the store's log ends with must be it. */
  readonly signingKeyPath: string;
  /** `audit.tsa_certificate` of the config, or undefined (also when there is no config file). */
  readonly configuredTsaCertificate: () => string | undefined;
}

export interface AuditVerifyOptions {
  /** An export (JSON Lines) to verify instead of the store. */
  readonly file?: string | undefined;
  /** The PEM public key the log started with; default: the key its genesis entry names. */
  readonly publicKeyPath?: string | undefined;
  /** A head checkpoint lodged elsewhere earlier, which the log must extend. */
  readonly headPath?: string | undefined;
  readonly tsaCertificatePath?: string | undefined;
}

export interface AuditVerifyResult {
  readonly verification: AuditVerification;
  /** The export file or the store's path. */
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
  const parsed = options.file === undefined ? readStoreExport(deps.store()) : splitAuditExport(readText(options.file, 'audit export'));
  // Without a public key, verify starts from the key the genesis entry names: its fingerprint is printed, to be
  // compared with the one lodged when the log began.
  const publicKey = options.publicKeyPath === undefined ? undefined : loadPublicKey(options.publicKeyPath);
  const lodgedHeads: unknown[] = options.headPath === undefined ? [] : [readLodgedHead(options.headPath)];
  // Each time-stamped head is a lodged head too: the log must extend it, and its token must stamp it.
  const certificatePath = options.tsaCertificatePath ?? (options.file === undefined ? deps.configuredTsaCertificate() : undefined);
  const certificate = certificatePath === undefined ? undefined : readText(certificatePath, 'TSA certificate');
  const stamps = await verifyTimestampLines(parsed.timestamps, certificate, parsed.entries.length + 2);
  const verification = await verifyAuditLogAsync(parsed.entries, publicKey, parsed.head, { lodgedHeads: [...lodgedHeads, ...stamps.heads] });
  verification.errors.push(...stamps.errors.map((error) => ({ entry: 0, ...error })));
  // Asked to check third-party time, a log without one valid token may have had its tokens stripped.
  if (certificate !== undefined && parsed.entries.length > 0 && stamps.verified === 0) {
    verification.errors.push({ entry: 0, line: 0, reason: 'no RFC 3161 time stamp verifies against the TSA certificate: the tokens may have been removed' });
  }
  // The store checked from its own genesis key: the key it ends with must be this home's signing key.
  if (options.file === undefined && options.publicKeyPath === undefined) verification.errors.push(...checkHomeKey(deps.signingKeyPath, verification.keys));
  verification.ok = verification.errors.length === 0;
  return {
    verification,
    source: options.file ?? deps.storePath,
    keySource: options.publicKeyPath === undefined ? 'genesis' : 'given',
    timestamps: { lines: parsed.timestamps.length, verified: stamps.verified, checked: certificate !== undefined },
    certificatePath,
    outcome: verification.ok ? 'done' : 'no',
  };
}

/** The store's log as an export would hold it; an unreadable row becomes a broken entry, not a crash. */
function readStoreExport(db: Db): SplitAuditExport {
  return { entries: readAuditLines(db), head: readAuditHeadText(db), timestamps: readAuditTimestampLines(db) };
}

function checkHomeKey(signingKeyPath: string, keys: readonly KeyPeriod[]): AuditVerifyError[] {
  const inForce = keys[keys.length - 1];
  if (inForce === undefined || !existsSync(signingKeyPath)) return [];
  const home = keyFingerprint(loadSigningKey(signingKeyPath));
  if (home === inForce.fingerprint) return [];
  return [
    { entry: 0, line: 0, reason: `the log's key in force (${inForce.fingerprint}) is not this home's signing key (${home}): the log or the key was replaced` },
  ];
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
