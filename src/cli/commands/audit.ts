import { resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { renderAuditExport, splitAuditExport, type SplitAuditExport } from '../../audit/export.js';
import { keyFingerprint, loadPublicKey, loadSigningKey } from '../../audit/keys.js';
import { readAuditEntries, readAuditHeadText, readAuditLines, readAuditTimestampLines } from '../../audit/log.js';
import { verifyTimestampLines } from '../../audit/timestamp-line.js';
import { renderAuditJson, renderAuditTable, renderVerification } from '../../audit/render.js';
import { verifyAuditLogAsync, type AuditVerifyError, type KeyPeriod } from '../../audit/verify.js';
import { ExitCode, StoreError, UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { writeOutputFile } from '../output-file.js';
import { readTimeOption } from '../time-option.js';
import type { SetExitCode } from './index.js';

interface ExportFlags {
  output?: string;
}
interface VerifyFlags {
  tsaCertificate?: string;
  file?: string;
  publicKey?: string;
  head?: string;
  json?: boolean;
}
interface ShowFlags {
  since?: string;
  format: 'table' | 'json';
}

export const auditCommand = (ctx: CliContext, setExitCode: SetExitCode) => {
  const audit = new Command('audit')
    .description('The signed, hash-chained audit log of every destructive or privacy-relevant act (never purged)')
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy audit show --since 2026-01-01T00:00:00Z\n  luxeret-privacy audit export --output audit.jsonl\n  luxeret-privacy audit verify --file audit.jsonl --public-key audit-public.pem',
    );

  audit
    .command('export')
    .description('Write the log as JSON Lines: one self-contained signed entry per line, then the signed head checkpoint ("type":"head") as the last line')
    .option('--output <file>', 'write to this file instead of stdout')
    .addHelpText('after', '\nExamples:\n  luxeret-privacy audit export --output audit-$(date -u +%F).jsonl\n  luxeret-privacy audit export | tail -n 1   # the head checkpoint, to lodge elsewhere')
    .action((flags: ExportFlags) => {
      const db = ctx.store();
      const lines = readAuditLines(db);
      const head = readAuditHeadText(db);
      const text = renderAuditExport(lines, head, readAuditTimestampLines(db));
      if (flags.output === undefined) {
        ctx.io.stdout(text);
        return;
      }
      writeOutputFile(resolve(ctx.io.cwd, flags.output), text, 'the audit export');
      ctx.io.stdout(`Wrote ${lines.length} entries and ${head === undefined ? 'no head checkpoint (the log is empty)' : 'the signed head checkpoint'} to ${flags.output}\n`);
    });

  audit
    .command('verify')
    .description('Check every signature, every hash link, the sequence and the signed head; exit 0 when intact, 1 when not')
    .option('--file <file>', 'verify an export (JSON Lines) instead of the store; needs no store')
    .option('--public-key <pem-file>', 'the PEM public key the log started with (default: the key its genesis entry names)')
    .option('--head <file>', 'also check a head checkpoint lodged elsewhere earlier (a JSON line from `audit export`)')
    .option('--tsa-certificate <pem-file>', 'check the RFC 3161 time stamps in the log against this TSA certificate (default: audit.tsa_certificate)')
    .option('--json', 'print {ok, entries, errors:[{entry, line, reason}], head, genesis, keys, timestamps} as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy audit verify\n  luxeret-privacy audit verify --file audit.jsonl --public-key audit-public.pem --json\n  luxeret-privacy audit verify --head head-2026-11-01.json',
    )
    .action(async (flags: VerifyFlags) => {
      const source = flags.file ?? ctx.paths().store;
      const parsed = flags.file === undefined ? readStoreExport(ctx) : splitAuditExport(readText(flags.file, 'audit export'));
      // Without --public-key, verify starts from the key the genesis entry names: its fingerprint is printed, to be
      // compared with the one lodged when the log began.
      const publicKey = flags.publicKey === undefined ? undefined : loadPublicKey(flags.publicKey);
      const lodgedHeads: unknown[] = flags.head === undefined ? [] : [readLodgedHead(flags.head)];
      // Each time-stamped head is a lodged head too: the log must extend it, and its token must stamp it.
      const certificatePath = flags.tsaCertificate ?? (flags.file === undefined ? configuredTsaCertificate(ctx) : undefined);
      const certificate = certificatePath === undefined ? undefined : readText(certificatePath, 'TSA certificate');
      const stamps = await verifyTimestampLines(parsed.timestamps, certificate, parsed.entries.length + 2);
      const result = await verifyAuditLogAsync(parsed.entries, publicKey, parsed.head, { lodgedHeads: [...lodgedHeads, ...stamps.heads] });
      result.errors.push(...stamps.errors.map((error) => ({ entry: 0, ...error })));
      // Asked to check third-party time, a log without one valid token may have had its tokens stripped.
      if (certificate !== undefined && parsed.entries.length > 0 && stamps.verified === 0) {
        result.errors.push({ entry: 0, line: 0, reason: 'no RFC 3161 time stamp verifies against the TSA certificate: the tokens may have been removed' });
      }
      // The store checked from its own genesis key: the key it ends with must be this home's signing key.
      if (flags.file === undefined && flags.publicKey === undefined) result.errors.push(...checkHomeKey(ctx, result.keys));
      result.ok = result.errors.length === 0;
      const timestamps = { lines: parsed.timestamps.length, verified: stamps.verified, checked: certificate !== undefined };
      if (flags.json === true) {
        ctx.io.stdout(JSON.stringify({ ...result, timestamps, public_key_fingerprint: result.keys[0]?.fingerprint ?? null, source }, null, 2) + '\n');
      } else {
        ctx.io.stdout(renderVerification(result, source, flags.publicKey === undefined ? 'genesis' : 'given'));
        if (timestamps.lines > 0) {
          ctx.io.stdout(
            timestamps.checked
              ? `Time stamps: ${timestamps.verified} of ${timestamps.lines} RFC 3161 tokens verify against ${certificatePath ?? '?'}.\n`
              : `Time stamps: ${timestamps.lines} RFC 3161 tokens, not checked: give --tsa-certificate.\n`,
          );
        }
      }
      if (!result.ok) setExitCode(ExitCode.no);
    });

  audit
    .command('show')
    .description('Read the log for humans')
    .option('--since <iso>', 'only entries at or after this time')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  luxeret-privacy audit show --since 2026-11-01T00:00:00Z\n  luxeret-privacy audit show --format json | jq \'.[] | select(.event == "purge.outcome")\'')
    .action((flags: ShowFlags) => {
      const since = flags.since === undefined ? undefined : readTimeOption(ctx, '--since', flags.since);
      const entries = readAuditEntries(ctx.store(), since ? { since } : {});
      ctx.io.stdout(flags.format === 'json' ? renderAuditJson(entries) : renderAuditTable(entries));
    });

  return audit;
};

/** The store's log as an export would hold it; an unreadable row becomes a broken entry, not a crash. */
function readStoreExport(ctx: CliContext): SplitAuditExport {
  const db = ctx.store();
  return { entries: readAuditLines(db), head: readAuditHeadText(db), timestamps: readAuditTimestampLines(db) };
}

function checkHomeKey(ctx: CliContext, keys: readonly KeyPeriod[]): AuditVerifyError[] {
  const paths = ctx.paths();
  const inForce = keys[keys.length - 1];
  if (inForce === undefined || !existsSync(paths.signingKey)) return [];
  const home = keyFingerprint(loadSigningKey(paths.signingKey));
  if (home === inForce.fingerprint) return [];
  return [{ entry: 0, line: 0, reason: `the log's key in force (${inForce.fingerprint}) is not this home's signing key (${home}): the log or the key was replaced` }];
}

function configuredTsaCertificate(ctx: CliContext): string | undefined {
  return existsSync(ctx.configPath()) ? ctx.config().audit.tsaCertificate : undefined;
}

/** A lodged head: a head line on its own, or the last line of an export. */
function readLodgedHead(path: string): string {
  const lodged = splitAuditExport(readText(path, 'head checkpoint'));
  const line = lodged.head ?? lodged.entries[lodged.entries.length - 1];
  if (line === undefined) throw new UsageError(`The lodged head file ${path} is empty`, { hint: 'Give the head line that `audit export | tail -n 1` printed.' });
  return line;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new StoreError(`Could not read the ${what} at ${path}`, { cause: err });
  }
}
