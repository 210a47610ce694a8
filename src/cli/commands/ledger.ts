import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Ledger } from '../../ledger/ledger.js';
import { readLedger } from '../../ledger/read-ledger.js';
import { renderLedgerCsv } from '../../report/ledger-csv.js';
import { renderLedgerHtml } from '../../report/ledger-html.js';
import { renderLedgerJson } from '../../report/ledger-json.js';
import { renderLedgerMarkdown } from '../../report/ledger-md.js';
import { LANGS, type Lang } from '../../report/messages/index.js';
import type { CliContext } from '../context.js';
import { formatOption, jsonOption, readFormat } from '../format-option.js';
import { selectLang } from '../lang.js';
import { writeOutputFile } from '../output-file.js';
import { readTimeOption } from '../time-option.js';

const FORMATS = ['csv', 'json', 'md', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface LedgerFlags {
  from?: string;
  to?: string;
  format: Format;
  json?: boolean;
  lang?: Lang;
  output?: string;
}

export const ledgerCommand = (ctx: CliContext) =>
  new Command('ledger')
    .configureOutput({ writeOut: (text) => ctx.io.stdout(text), writeErr: (text) => ctx.io.stderr(text) })
    .description(
      'Print the destruction ledger (개인정보파일 파기 관리대장) from the signed audit log: one row per destruction (each purge of a location, each Cloudflare deletion, each subject erasure), with the audit entry number and hash to check it against the log',
    )
    .option('--from <iso>', 'only destructions at or after this time (ISO-8601)')
    .option('--to <iso>', 'only destructions before this time (ISO-8601)')
    .addOption(formatOption(FORMATS, 'md', 'csv (UTF-8 with a BOM, so Excel shows Korean correctly), json, md or html (printable, A4 landscape)'))
    .addOption(jsonOption())
    .addOption(new Option('--lang <lang>', 'language of headers and labels (default: lang: of the config, else ko)').choices(LANGS))
    .option('--output <file>', 'write the ledger to FILE (mode 0600) instead of stdout')
    .addHelpText(
      'after',
      [
        '',
        'Columns: 번호, 개인정보 파일명, 자료의 종류, 생성일, 폐기일, 폐기사유, 처리담당자, 처리부서장 (left blank for a signature),',
        'then kind, location (archive/<name>; the file name of an archive row is its bucket/prefix/), records destroyed/before/after, method,',
        'and the audit entry number and hash.',
        "CSV starts with a UTF-8 byte order mark so Excel opens the Korean headers correctly; cells starting with = + - @ get a leading '.",
        '',
        'Examples:',
        '  luxeret-privacy ledger --format html --output ledger.html',
        '  luxeret-privacy ledger --from 2026-01-01T00:00:00Z --to 2027-01-01T00:00:00Z --format csv --output ledger-2026.csv',
        '  luxeret-privacy ledger --format md --lang en',
      ].join('\n'),
    )
    .action(async (flags: LedgerFlags) => {
      const format = readFormat(flags);
      const from = flags.from === undefined ? undefined : readTimeOption(ctx, '--from', flags.from);
      const to = flags.to === undefined ? undefined : readTimeOption(ctx, '--to', flags.to);
      const { ledger, outcome } = await readLedger({ store: ctx.storePort, config: ctx.config, now: ctx.now }, { from, to });
      ctx.recordOutcome(outcome);
      // The ledger is a Korean legal form: Korean unless --lang or lang: says otherwise, whatever the locale.
      const text = renderLedger(ledger, format, selectLang(flags.lang, ctx.config().lang, ctx.env, 'ko'));
      if (flags.output === undefined) {
        ctx.io.stdout(text);
        return;
      }
      const path = resolve(ctx.io.cwd, flags.output);
      writeOutputFile(path, text, 'the ledger');
      ctx.note(`Wrote the ledger (${format}, ${ledger.rows.length} destructions) to ${path}`);
    });

function renderLedger(ledger: Ledger, format: Format, lang: Lang): string {
  switch (format) {
    case 'csv':
      return renderLedgerCsv(ledger, { lang });
    case 'json':
      return renderLedgerJson(ledger, { lang });
    case 'md':
      return renderLedgerMarkdown(ledger, { lang });
    case 'html':
      return renderLedgerHtml(ledger, { lang });
  }
}
