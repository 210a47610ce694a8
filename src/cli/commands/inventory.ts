import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { openArchiveReader } from '../../archives/read-archive.js';
import { openR2LifecycleReader } from '../../archives/r2-lifecycle.js';
import { assertZoneId, takeInventory, type InventoryResult } from '../../inventory/collect.js';
import { renderInventoryCsv } from '../../report/csv.js';
import { renderInventoryHtml } from '../../report/inventory-html.js';
import { renderInventoryMarkdown } from '../../report/inventory-md.js';
import { renderInventoryJson } from '../../report/json.js';
import { renderInventoryTable } from '../../report/table.js';
import { hasApiToken, openRestClient } from '../cloudflare-rest.js';
import type { CliContext } from '../context.js';
import { formatOption, jsonOption, readFormat } from '../format-option.js';
import { selectLang } from '../lang.js';
import { writeOutputFile } from '../output-file.js';
import { metricsFileOption, selectMetricsPath, startMetricsRun } from '../metrics-file.js';
import { LANGS, type Lang } from '../../report/messages/index.js';
import { countContradictions, type DriftCheck } from '../../policy/policy-drift.js';
import { noteSqliteLeftBehind } from '../store-left-behind.js';

/** The human-readable inventory formats: built from the inventory plus the report data the use case gathers. */
const REPORT_FORMATS = ['html', 'md'] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];

function isReportFormat(format: string): format is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(format);
}

const FORMATS = ['table', 'json', 'csv', ...REPORT_FORMATS] as const;
type Format = (typeof FORMATS)[number];

interface InventoryFlags {
  format: Format;
  json?: boolean;
  lang?: Lang;
  output?: string;
  zone?: string;
  localOnly?: boolean;
  failOnDrift?: boolean;
  metricsFile?: string;
}

export const inventoryCommand = (ctx: CliContext) =>
  new Command('inventory')
    .description('Report where visitor IPs and countries are held (our store, and what Cloudflare keeps), how many, since when')
    .addOption(formatOption(FORMATS, 'table'))
    .addOption(jsonOption())
    .option('--output <file>', 'write the report to FILE (mode 0600) instead of stdout')
    .option('--zone <id>', 'only this zone (32-character hex zone id)')
    .option('--local-only', 'only what our store holds: do not ask Cloudflare for its objects (works without an API token)')
    .addOption(metricsFileOption())
    .option('--fail-on-drift', 'exit 1 when a policy-drift check finds a contradiction (json: listed under "drift")')
    .addOption(
      new Option('--lang <lang>', 'labels of the html and md reports (default: lang: of the config, else ko when LANG/LC_ALL starts with ko, else en)').choices(
        LANGS,
      ),
    )
    // A command added with addCommand does not inherit the program's output; help must reach the injected io.
    .configureOutput({ writeOut: (text) => ctx.io.stdout(text), writeErr: (text) => ctx.io.stderr(text) })
    .addHelpText(
      'after',
      "\nExamples:\n  luxeret-privacy inventory\n  luxeret-privacy inventory --format json | jq '.locations[] | {id, records, distinct_ips}'\n  luxeret-privacy inventory --format csv --output inventory.csv\n  luxeret-privacy inventory --format html --lang ko --output report.html\n  luxeret-privacy inventory --fail-on-drift --quiet   # a daily timer: exit 1 on policy drift",
    )
    .action(async (flags: InventoryFlags) => {
      startMetricsRun(ctx, 'inventory', flags.metricsFile);
      const format = readFormat(flags);
      assertZoneId(flags.zone);
      noteSqliteLeftBehind(ctx);
      const result = await takeInventory(
        {
          // With no store there is nothing to report, and `init` is the fix (exit 7).
          store: await ctx.storePort(),
          config: ctx.config,
          now: ctx.now,
          cloudflare: hasApiToken(ctx) ? () => openRestClient(ctx) : undefined,
          toolVersion: ctx.toolVersion,
          onRead: (status) => ctx.progress(status === undefined ? '' : `Cloudflare: read ${status.part} of ${status.scope.type} ${status.scope.id}`),
          // R2 lifecycle rules through the Cloudflare API when it may be asked; else (and for S3) through S3.
          readArchive: openArchiveReader(
            ctx.env,
            hasApiToken(ctx) && flags.localOnly !== true ? openR2LifecycleReader(async () => (await openRestClient(ctx)).sdk) : undefined,
          ),
        },
        {
          zoneId: flags.zone,
          isLocalOnly: flags.localOnly === true,
          withReportData: isReportFormat(format),
          failOnDrift: flags.failOnDrift === true,
          withDrift: selectMetricsPath(ctx) !== undefined,
        },
      );
      if (result.isCloudflareSkipped) {
        ctx.note(
          'CLOUDFLARE_API_TOKEN is not set: objects held in Cloudflare (access rules, lists, lockdowns, custom rules, log settings) are not inventoried; pass --local-only to skip them quietly',
        );
      }
      if (result.isTokenRejected)
        ctx.note('Cloudflare does not accept CLOUDFLARE_API_TOKEN (revoked, expired or mistyped): nothing held in Cloudflare was read');
      const contradictions = result.drift === undefined ? 0 : countContradictions(result.drift);
      if (flags.failOnDrift === true && contradictions > 0) ctx.note(`policy drift: ${describeContradictions(result.drift ?? [])}`);
      ctx.recordOutcome(result.outcome);
      // The metrics describe the whole store: an inventory of one zone is not reused for them.
      if (flags.zone === undefined) ctx.metricsRun.inventory = result;
      const color = flags.output === undefined && ctx.useColour();
      const text = renderInventory(result, format, selectLang(flags.lang, ctx.config().lang, ctx.env), color);
      if (flags.output === undefined) {
        ctx.io.stdout(text);
        return;
      }
      const path = resolve(ctx.io.cwd, flags.output);
      writeOutputFile(path, text, 'the report');
      ctx.note(`Wrote the inventory (${format}) to ${path}`);
    });

/** `2 contradictions (logpull_on 1, purge_stale 1)`: kinds only, never an address. */
function describeContradictions(checks: readonly DriftCheck[]): string {
  const kinds = new Map<string, number>();
  for (const check of checks) if (check.state === 'drift') for (const finding of check.findings) kinds.set(finding.kind, (kinds.get(finding.kind) ?? 0) + 1);
  const total = [...kinds.values()].reduce((sum, n) => sum + n, 0);
  return `${total} contradiction${total === 1 ? '' : 's'} (${[...kinds].map(([kind, n]) => `${kind} ${n}`).join(', ')})`;
}

function renderInventory({ inventory, reportData, drift }: InventoryResult, format: Format, lang: Lang, color: boolean): string {
  switch (format) {
    case 'json':
      return renderInventoryJson(inventory, { drift });
    case 'csv':
      return renderInventoryCsv(inventory);
    case 'table':
      return renderInventoryTable(inventory, { color });
    case 'html':
    case 'md':
      // Asked for with withReportData whenever the format is one of these.
      if (reportData === undefined) throw new Error(`no report data for --format ${format}`);
      return format === 'html' ? renderInventoryHtml(reportData, { lang }) : renderInventoryMarkdown(reportData, { lang });
  }
}
