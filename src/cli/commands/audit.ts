import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { verifyAudit } from '../../audit/audit-verify.js';
import { renderAuditExport } from '../../audit/export.js';
import { renderAuditJson, renderAuditTable, renderVerification } from '../../audit/render.js';
import type { CliContext } from '../context.js';
import { formatOption, jsonOption, readFormat } from '../format-option.js';
import { writeOutputFile } from '../output-file.js';
import { readTimeOption } from '../time-option.js';

interface ExportFlags {
  output?: string;
}
interface VerifyFlags {
  tsaCertificate?: string;
  file?: string;
  publicKey: string[];
  head?: string;
  format: Format;
  json?: boolean;
}
interface ShowFlags {
  since?: string;
  format: Format;
  json?: boolean;
}

const FORMATS = ['table', 'json'] as const;
type Format = (typeof FORMATS)[number];

export const auditCommand = (ctx: CliContext) => {
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
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy audit export --output audit-$(date -u +%F).jsonl\n  luxeret-privacy audit export | tail -n 1   # the head checkpoint, to lodge elsewhere',
    )
    .action(async (flags: ExportFlags) => {
      const { entries: lines, head, timestamps } = await (await ctx.storePort()).readAuditExport();
      const text = renderAuditExport(lines, head, timestamps);
      if (flags.output === undefined) {
        ctx.io.stdout(text);
        return;
      }
      writeOutputFile(resolve(ctx.io.cwd, flags.output), text, 'the audit export');
      ctx.io.stdout(
        `Wrote ${lines.length} entries and ${head === undefined ? 'no head checkpoint (the log is empty)' : 'the signed head checkpoint'} to ${flags.output}\n`,
      );
    });

  audit
    .command('verify')
    .description('Check every signature, every hash link, the sequence and the signed head; exit 0 when intact, 1 when not')
    .option('--file <file>', 'verify an export (JSON Lines) instead of the store; needs no store')
    .option(
      '--public-key <pem-file>',
      "a PEM public key to trust: the key the log started with and, on a store several hosts share, each host's key; repeat for each (default: the key the genesis entry names, and the keys the log enrols)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--head <file>', 'also check a head checkpoint lodged elsewhere earlier (a JSON line from `audit export`)')
    .option('--tsa-certificate <pem-file>', 'check the RFC 3161 time stamps in the log against this TSA certificate (default: audit.tsa_certificate)')
    .addOption(formatOption(FORMATS, 'table', 'output format; json: {ok, entries, errors:[{entry, line, reason}], head, genesis, keys, timestamps}'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy audit verify\n  luxeret-privacy audit verify --file audit.jsonl --public-key audit-public.pem --format json\n  luxeret-privacy audit verify --public-key host-a.pem --public-key host-b.pem\n  luxeret-privacy audit verify --head head-2026-11-01.json',
    )
    .action(async (flags: VerifyFlags) => {
      const format = readFormat(flags);
      const result = await verifyAudit(
        {
          store: ctx.storePort,
          signingKeyPath: ctx.paths().signingKey,
          configuredTsaCertificate: () => (existsSync(ctx.configPath()) ? ctx.config().audit.tsaCertificate : undefined),
        },
        { file: flags.file, publicKeyPaths: flags.publicKey, headPath: flags.head, tsaCertificatePath: flags.tsaCertificate },
      );
      const { verification, timestamps, source } = result;
      if (format === 'json') {
        ctx.io.stdout(
          JSON.stringify({ ...verification, timestamps, public_key_fingerprint: verification.keys[0]?.fingerprint ?? null, source }, null, 2) + '\n',
        );
      } else {
        ctx.io.stdout(renderVerification(verification, source, result.keySource));
        if (timestamps.lines > 0) {
          ctx.io.stdout(
            timestamps.checked
              ? `Time stamps: ${timestamps.verified} of ${timestamps.lines} RFC 3161 tokens verify against ${result.certificatePath ?? '?'}.\n`
              : `Time stamps: ${timestamps.lines} RFC 3161 tokens, not checked: give --tsa-certificate.\n`,
          );
        }
      }
      ctx.recordOutcome(result.outcome);
    });

  audit
    .command('show')
    .description('Read the log for humans')
    .option('--since <iso>', 'only entries at or after this time')
    .addOption(formatOption(FORMATS, 'table'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy audit show --since 2026-11-01T00:00:00Z\n  luxeret-privacy audit show --format json | jq \'.[] | select(.event == "purge.outcome")\'',
    )
    .action(async (flags: ShowFlags) => {
      const format = readFormat(flags);
      const since = flags.since === undefined ? undefined : readTimeOption(ctx, '--since', flags.since);
      const entries = await (await ctx.storePort()).readAuditEntries(since ? { since } : {});
      ctx.io.stdout(format === 'json' ? renderAuditJson(entries) : renderAuditTable(entries));
    });

  return audit;
};
