import { Command } from 'commander';
import { renderStatsCsv } from '../../report/stats-csv.js';
import { renderStatsJson } from '../../report/stats-json.js';
import { renderStatsTable } from '../../report/stats-table.js';
import { readStats } from '../../stats/read-stats.js';
import type { StatsReport } from '../../stats/stats-report.js';
import type { CliContext } from '../context.js';
import { formatOption, jsonOption, readFormat } from '../format-option.js';
import { readTimeOption } from '../time-option.js';

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

interface StatsFlags {
  from?: string;
  to?: string;
  format: Format;
  json?: boolean;
}

export const statsCommand = (ctx: CliContext) =>
  new Command('stats')
    .configureOutput({ writeOut: (text) => ctx.io.stdout(text), writeErr: (text) => ctx.io.stderr(text) })
    .description(
      'Show the anonymised statistics kept after raw rows are purged: per UTC day, zone and country, events (or requests) and distinct IPs; no IP is stored, and cells below statistics.min_count are never stored',
    )
    .option('--from <iso>', 'only days from this time (ISO-8601)')
    .option('--to <iso>', 'only days that start before this time (ISO-8601)')
    .addOption(formatOption(FORMATS, 'table'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nDays are rolled up the first time a purge (or a subject erasure) deletes any of their raw rows.\n\nExamples:\n  luxeret-privacy stats\n  luxeret-privacy stats --from 2026-01-01T00:00:00Z --to 2026-02-01T00:00:00Z --format csv > january.csv\n  luxeret-privacy stats --format json | jq \'.cells[] | select(.country == "KR")\'',
    )
    .action(async (flags: StatsFlags) => {
      const format = readFormat(flags);
      const from = flags.from === undefined ? undefined : readTimeOption(ctx, '--from', flags.from);
      const to = flags.to === undefined ? undefined : readTimeOption(ctx, '--to', flags.to);
      const { report, outcome } = await readStats({ store: ctx.storePort, config: ctx.config, now: ctx.now }, { from, to });
      ctx.io.stdout(renderStats(report, format, ctx.useColour()));
      ctx.recordOutcome(outcome);
    });

function renderStats(report: StatsReport, format: Format, color: boolean): string {
  switch (format) {
    case 'json':
      return renderStatsJson(report);
    case 'csv':
      return renderStatsCsv(report);
    case 'table':
      return renderStatsTable(report, { color });
  }
}
