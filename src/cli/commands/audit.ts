import { resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { Command, Option } from 'commander';
import { renderAuditExport, splitAuditExport, type SplitAuditExport } from '../../audit/export.js';
import { keyFingerprint, loadPublicKey, loadSigningKey } from '../../audit/keys.js';
import { readAuditEntries, readAuditHeadText, readAuditLines } from '../../audit/log.js';
import { renderAuditJson, renderAuditTable, renderVerification } from '../../audit/render.js';
import { verifyAuditLogAsync, verifyLodgedHead } from '../../audit/verify.js';
import { ExitCode, KeyError, StoreError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { writeOutputFile } from '../output-file.js';
import { readTimeOption } from '../time-option.js';
import type { SetExitCode } from './index.js';

interface ExportFlags {
  output?: string;
}
interface VerifyFlags {
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
      const text = renderAuditExport(lines, head);
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
    .option('--public-key <pem-file>', "the PEM public key to trust (default: this home's key)")
    .option('--head <file>', 'also check a head checkpoint lodged elsewhere earlier (a JSON line from `audit export`)')
    .option('--json', 'print {ok, entries, errors:[{entry, line, reason}], head} as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy audit verify\n  luxeret-privacy audit verify --file audit.jsonl --public-key audit-public.pem --json\n  luxeret-privacy audit verify --head head-2026-11-01.json',
    )
    .action(async (flags: VerifyFlags) => {
      const source = flags.file ?? ctx.paths().store;
      const parsed = flags.file === undefined ? readStoreExport(ctx) : splitAuditExport(readText(flags.file, 'audit export'));
      const publicKey = flags.publicKey === undefined ? homePublicKey(ctx) : loadPublicKey(flags.publicKey);
      const result = await verifyAuditLogAsync(parsed.entries, publicKey, parsed.head);
      if (flags.head !== undefined) {
        const lodged = splitAuditExport(readText(flags.head, 'head checkpoint'));
        const lodgedErrors = verifyLodgedHead(parsed.entries, publicKey, lodged.head ?? lodged.entries[lodged.entries.length - 1]);
        result.errors.push(...lodgedErrors.map((error) => ({ ...error, reason: `lodged head ${flags.head}: ${error.reason}` })));
        result.ok = result.errors.length === 0;
      }
      if (flags.json === true) {
        ctx.io.stdout(JSON.stringify({ ...result, public_key_fingerprint: keyFingerprint(publicKey), source }, null, 2) + '\n');
      } else {
        ctx.io.stdout(renderVerification(result, source));
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
  const entries = readAuditLines(db);
  const head = readAuditHeadText(db);
  if (head === undefined) return { entries, head: undefined };
  try {
    return { entries, head: JSON.parse(head) as unknown };
  } catch {
    return { entries, head };
  }
}

function homePublicKey(ctx: CliContext): KeyObject {
  const paths = ctx.paths();
  if (existsSync(paths.publicKey)) return loadPublicKey(paths.publicKey);
  if (existsSync(paths.signingKey)) return loadSigningKey(paths.signingKey);
  throw new KeyError(`No audit public key at ${paths.publicKey}`, {
    hint: 'Pass --public-key with the PEM file you were given (`luxeret-privacy keys public` prints it on the operator’s machine).',
  });
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new StoreError(`Could not read the ${what} at ${path}`, { cause: err });
  }
}
