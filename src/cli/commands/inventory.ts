import { resolve } from 'node:path';
import { inventoryExitCode, isEveryCloudflareReadRefused } from '../../inventory/outcome.js';
import { isTokenActive } from '../../cloudflare/token-verify.js';
import { Command, Option } from 'commander';
import type { Config } from '../../config/config.js';
import { ExitCode, UsageError } from '../../errors.js';
import {
  buildCloudflareKeptLocation,
  CLOUDFLARE_FIREWALL_EVENTS_ID,
  CLOUDFLARE_HTTP_ANALYTICS_ID,
  CLOUDFLARE_KEPT_DATASETS,
  type CloudflareKeptId,
  parseZoneSettings,
  selectWindowStart,
  zoneSettingsKey,
} from '../../inventory/cloudflare-kept.js';
import { collectInventory, type DatasetSummary, type Inventory, type LocationBuilder } from '../../inventory/inventory.js';
import { buildLocalLocation } from '../../inventory/local-location.js';
import { buildHoldMatcher, selectActiveHolds } from '../../policy/holds.js';
import { LOCAL_LOCATIONS, retentionCutoff, type LocalLocation } from '../../policy/retention.js';
import { renderInventoryCsv } from '../../report/csv.js';
import { renderInventoryJson } from '../../report/json.js';
import { renderInventoryTable } from '../../report/table.js';
import { readMeta, type Db } from '../../store/db.js';
import { countExpired, type HoldPredicate } from '../../store/expiry.js';
import { readHolds } from '../../store/holds.js';
import {
  readFirewallEventsInWindows,
  readFirewallEventsSummary,
  readHttpAnalyticsSummary,
  readPulledZoneIds,
} from '../../store/inventory-queries.js';
import { buildCloudflareObjectBuilders } from '../../inventory/cloudflare-objects.js';
import { openRestClient } from '../cloudflare-rest.js';
import type { CliContext } from '../context.js';
import { writeOutputFile } from '../output-file.js';
import { isReportFormat, readInventoryReportData, renderInventoryReport, REPORT_FORMATS, selectLogSettings } from '../../inventory/report-data.js';
import type { CloudflareObjects } from '../../cloudflare/objects/types.js';
import { LANGS, type Lang } from '../../report/i18n.js';
import type { SetExitCode } from './index.js';

const FORMATS = ['table', 'json', 'csv', ...REPORT_FORMATS] as const;
type Format = (typeof FORMATS)[number];

interface InventoryFlags {
  format: Format;
  lang: Lang;
  output?: string;
  zone?: string;
  localOnly?: boolean;
}

const ZONE_ID = /^[0-9a-f]{32}$/;

export const inventoryCommand = (ctx: CliContext, setExitCode: SetExitCode) =>
  new Command('inventory')
    .description('Report where visitor IPs and countries are held (our store, and what Cloudflare keeps), how many, since when')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .option('--output <file>', 'write the report to FILE (mode 0600) instead of stdout')
    .option('--zone <id>', 'only this zone (32-character hex zone id)')
    .option('--local-only', 'only what our store holds: do not ask Cloudflare for its objects (works without an API token)')
    .addOption(new Option('--lang <lang>', 'labels of the html and md reports (English by default; ko: Korean)').choices(LANGS).default('en'))
    // A command added with addCommand does not inherit the program's output; help must reach the injected io.
    .configureOutput({ writeOut: (text) => ctx.io.stdout(text), writeErr: (text) => ctx.io.stderr(text) })
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy inventory\n  luxeret-privacy inventory --format json | jq \'.locations[] | {id, records, distinct_ips}\'\n  luxeret-privacy inventory --format csv --output inventory.csv\n  luxeret-privacy inventory --format html --lang ko --output report.html',
    )
    .action(async (flags: InventoryFlags) => {
      if (flags.zone !== undefined && !ZONE_ID.test(flags.zone)) {
        throw new UsageError(`--zone: "${flags.zone}" is not a 32-character hex zone id`);
      }
      // The store first: with no store there is nothing to report, and `init` is the fix (exit 7).
      const db = ctx.store();
      const config = ctx.config();
      const now = ctx.now();
      let objects: CloudflareObjects | undefined;
      const builders = [
        ...buildLocationBuilders({ db, config, now }, flags.zone),
        ...buildCloudflareObjectBuilders(ctx, config, { zoneId: flags.zone, isLocalOnly: flags.localOnly === true, onSnapshot: (read) => (objects = read) }),
      ];
      const { inventory, failed } = await collectInventory(builders, now);
      let exitCode = inventoryExitCode(inventory, failed);
      // Every Cloudflare read refused looks like missing permissions; a revoked or mistyped token is a failure (3).
      if (exitCode === ExitCode.ok && isEveryCloudflareReadRefused(inventory) && (await isTokenActive(openRestClient(ctx).sdk, config.accountId)) === false) {
        ctx.note('Cloudflare does not accept CLOUDFLARE_API_TOKEN (revoked, expired or mistyped): nothing held in Cloudflare was read');
        exitCode = ExitCode.cloudflare;
      }
      if (exitCode !== ExitCode.ok) setExitCode(exitCode);
      const color = flags.output === undefined && ctx.useColour();
      const text = isReportFormat(flags.format)
        ? renderInventoryReport(readInventoryReportData(db, config, inventory, { zoneId: flags.zone, logSettings: objects && selectLogSettings(objects) }), flags.format, flags.lang)
        : renderInventory(inventory, flags.format, color);
      if (flags.output === undefined) {
        ctx.io.stdout(text);
        return;
      }
      const path = resolve(ctx.io.cwd, flags.output);
      writeOutputFile(path, text, 'the report');
      ctx.note(`Wrote the inventory (${flags.format}) to ${path}`);
    });

function renderInventory(inventory: Inventory, format: Exclude<Format, (typeof REPORT_FORMATS)[number]>, color: boolean): string {
  switch (format) {
    case 'json':
      return renderInventoryJson(inventory);
    case 'csv':
      return renderInventoryCsv(inventory);
    case 'table':
      return renderInventoryTable(inventory, { color });
  }
}


/** What the location builders read from; a builder that calls Cloudflare adds its client here. */
interface InventoryDeps {
  readonly db: Db;
  readonly config: Config;
  readonly now: Date;
}

/** Every location this version knows, each an independent builder; later locations are added to this list. */
function buildLocationBuilders({ db, config, now }: InventoryDeps, zoneId: string | undefined): LocationBuilder[] {
  const holds = readHolds(db);
  // With no active hold the expiry count stays a plain indexed range query (as in purge).
  const isHeld: HoldPredicate = selectActiveHolds(holds, now).length === 0 ? undefined : buildHoldMatcher(holds, now);
  // Read once, used twice: the Cloudflare window often holds every local event, and then the summaries are the same.
  let firewallSummary: DatasetSummary | undefined;
  const readFirewallSummary = () => (firewallSummary ??= readFirewallEventsSummary(db, { zoneId }));
  return [
    ...LOCAL_LOCATIONS.map((location) => localBuilder(db, config, now, isHeld, location, zoneId, readFirewallSummary)),
    cloudflareKeptBuilder(CLOUDFLARE_FIREWALL_EVENTS_ID, db, config, now, zoneId, readFirewallSummary),
    cloudflareKeptBuilder(CLOUDFLARE_HTTP_ANALYTICS_ID, db, config, now, zoneId, () => readHttpAnalyticsSummary(db, { zoneId })),
  ];
}

function localBuilder(
  db: Db,
  config: Config,
  now: Date,
  isHeld: HoldPredicate,
  location: LocalLocation,
  zoneId: string | undefined,
  readFirewallSummary: () => DatasetSummary,
): LocationBuilder {
  return {
    id: location.id,
    kind: 'local',
    build: () => {
      const retention = config.retention[location.retention];
      const cutoff = retentionCutoff(retention, now);
      // The same count a purge makes, so "past retention" here is exactly what the next purge deletes.
      const expiry = countExpired(db, location.id, cutoff, isHeld, zoneId);
      if (location.id === 'local/firewall-events') {
        return buildLocalLocation({ id: location.id, summary: readFirewallSummary(), expiry, retention });
      }
      const summary = readHttpAnalyticsSummary(db, { zoneId });
      return buildLocalLocation({ id: location.id, summary, expiry, retention, requests: summary.requests, countryOnlyRows: summary.countryOnlyRows });
    },
  };
}

/** Data Cloudflare itself keeps for its look-back window (security events, request analytics): reported, not deletable. */
function cloudflareKeptBuilder(
  locationId: CloudflareKeptId,
  db: Db,
  config: Config,
  now: Date,
  zoneId: string | undefined,
  readWhole: () => DatasetSummary,
): LocationBuilder {
  const { settingsNode, table } = CLOUDFLARE_KEPT_DATASETS[locationId];
  return {
    id: locationId,
    kind: 'cloudflare',
    build: () => {
      const names = new Map(config.zones.map((zone) => [zone.id, zone.name]));
      // Configured zones, and zones pulled earlier but since removed from the config: Cloudflare still keeps those.
      const ids = zoneId !== undefined ? [zoneId] : [...new Set([...names.keys(), ...readPulledZoneIds(db)])];
      const zones = ids.map((id) => ({
        zoneId: id,
        name: names.get(id),
        isConfigured: names.has(id),
        settings: parseZoneSettings(readMeta(db, zoneSettingsKey(id)), settingsNode),
      }));
      const slices = zones.flatMap(({ zoneId: id, settings }) =>
        settings.windowSeconds === undefined ? [] : [{ zoneId: id, sinceSeconds: selectWindowStart(settings.windowSeconds, now) }],
      );
      const { summary, perZone } = readFirewallEventsInWindows(db, slices, { zoneId, readWhole, table });
      return buildCloudflareKeptLocation({ id: locationId, zones: zones.map((zone) => ({ ...zone, span: perZone.get(zone.zoneId) })), summary });
    },
  };
}
