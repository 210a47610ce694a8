import { Command, Option } from 'commander';
import { UsageError } from '../../errors.js';
import { renderStatsCsv } from '../../report/stats-csv.js';
import { renderStatsJson } from '../../report/stats-json.js';
import { renderStatsTable } from '../../report/stats-table.js';
import { buildStatsReport, selectDayRange, type StatsReport } from '../../stats/stats-report.js';
import { readRollUpMarkers, readStatsCells } from '../../store/stats.js';
import type { CliContext } from '../context.js';
import { readTimeOption } from '../time-option.js';

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

interface StatsFlags {
  from?: string;
  to?: string;
  format: Format;
}

export const statsCommand = (ctx: CliContext) =>
  new Command('stats')
    .configureOutput({ writeOut: (text) => ctx.io.stdout(text), writeErr: (text) => ctx.io.stderr(text) })
    .description(
      'Show the anonymised statistics kept after raw rows are purged: per UTC day, zone and country, events (or requests) and distinct IPs; no IP is stored, and cells below statistics.min_count are never stored',
    )
    .option('--from <iso>', 'only days from this time (ISO-8601)')
    .option('--to <iso>', 'only days that start before this time (ISO-8601)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .addHelpText(
      'after',
      '\nDays are rolled up the first time a purge (or a subject erasure) deletes any of their raw rows.\n\nExamples:\n  luxeret-privacy stats\n  luxeret-privacy stats --from 2026-01-01T00:00:00Z --to 2026-02-01T00:00:00Z --format csv > january.csv\n  luxeret-privacy stats --format json | jq \'.cells[] | select(.country == "KR")\'',
    )
    .action((flags: StatsFlags) => {
      const from = flags.from === undefined ? undefined : readTimeOption(ctx, '--from', flags.from);
      const to = flags.to === undefined ? undefined : readTimeOption(ctx, '--to', flags.to);
      if (from && to && from.getTime() >= to.getTime()) throw new UsageError('--from must be earlier than --to');
      const db = ctx.store();
      const config = ctx.config();
      const range = selectDayRange(from, to);
      const report = buildStatsReport({
        cells: readStatsCells(db, range),
        markers: readRollUpMarkers(db, range),
        zoneNames: new Map(config.zones.map((zone) => [zone.id, zone.name])),
        minCount: config.statistics.minCount,
        from,
        to,
        generatedAt: ctx.now(),
      });
      ctx.io.stdout(renderStats(report, flags.format, ctx.useColour()));
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
