import { isTokenActive } from '../cloudflare/token-verify.js';
import type { CloudflareObjects, ReadStatus } from '../cloudflare/objects/types.js';
import type { RestClient } from '../cloudflare/rest-client.js';
import type { ArchiveReading } from '../archives/read-archive.js';
import type { ArchiveConfig } from '../config/archives.js';
import type { Config } from '../config/config.js';
import { UsageError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import { countContradictions, type DriftCheck } from '../policy/policy-drift.js';
import type { InventoryReportData } from '../report/inventory-report.js';
import type { StorePort } from '../store/port.js';
import { addArchiveJobs, buildArchiveLocation, buildArchiveLocationId } from './archive-location.js';
import { buildCloudflareObjectBuilders } from './cloudflare-objects.js';
import { buildInventory, collectInventory, type Inventory, type LocationBuilder } from './inventory.js';
import { selectInventoryOutcome, isEveryCloudflareReadRefused } from './outcome.js';
import { readInventoryReportData, readPolicyDrift, selectLogSettings } from './report-data.js';
import { buildEngineLocationBuilders, buildStoreLocationBuilders } from './store-locations.js';

export interface InventoryDeps {
  readonly store: StorePort;
  readonly config: () => Config;
  readonly now: () => Date;
  /** Opens the run's REST client; undefined without an API token (what Cloudflare holds is then left out). */
  readonly cloudflare: (() => Promise<RestClient>) | undefined;
  /** This program's version, stated in the report. */
  readonly toolVersion: string;
  /** Each Cloudflare part read (for a progress line), then undefined once the snapshot is complete. */
  readonly onRead?: ((status: ReadStatus | undefined) => void) | undefined;
  // --- archives (issue 14)
  /** Lists one Logpush archive (src/archives); the CLI opens it with the run's environment for the credentials. */
  readonly readArchive?: ((archive: ArchiveConfig, now: Date) => Promise<ArchiveReading>) | undefined;
}

export interface InventoryOptions {
  /** Only this zone (32-character hex id). */
  readonly zoneId?: string | undefined;
  /** Do not ask Cloudflare for its objects. */
  readonly isLocalOnly: boolean;
  /** Also gather what the HTML/Markdown report shows beyond the inventory (histogram, hosts, policy drift). */
  readonly withReportData: boolean;
  /** Also decide the policy-drift checks (implied by `withReportData`); `failOnDrift` makes a contradiction answer "no". */
  readonly withDrift?: boolean;
  /** A contradiction found by any policy-drift check makes the outcome "no" (exit 1) when it would be "done". */
  readonly failOnDrift?: boolean;
}

export interface InventoryResult {
  readonly inventory: Inventory;
  /** With `withReportData`: the inventory and what the report adds to it, drift decided. */
  readonly reportData: InventoryReportData | undefined;
  /** With `withDrift`, `failOnDrift` or `withReportData`: the four policy-drift checks; undefined when not decided. */
  readonly drift: readonly DriftCheck[] | undefined;
  /** Cloudflare's objects were not asked for because there is no API token (and --local-only was not given). */
  readonly isCloudflareSkipped: boolean;
  /** Every Cloudflare read was refused and the token-verify endpoints say the token is not active. */
  readonly isTokenRejected: boolean;
  readonly outcome: Outcome;
}

const ZONE_ID = /^[0-9a-f]{32}$/;

/** `--zone` is a zone id: checked before the store is opened, so a typo is a usage error (2) even with no store. */
export function assertZoneId(zoneId: string | undefined): void {
  if (zoneId !== undefined && !ZONE_ID.test(zoneId)) throw new UsageError(`--zone: "${zoneId}" is not a 32-character hex zone id`);
}

/** `inventory`: where visitor IPs and countries are held (our store, and what Cloudflare keeps), how many, since when. */
export async function takeInventory(deps: InventoryDeps, options: InventoryOptions): Promise<InventoryResult> {
  const { zoneId } = options;
  assertZoneId(zoneId);
  const { store } = deps;
  const config = deps.config();
  const now = deps.now();
  const openClient = deps.cloudflare;
  const asksCloudflare = !options.isLocalOnly && openClient !== undefined;
  let objects: CloudflareObjects | undefined;
  const builders = [
    ...(await buildStoreLocationBuilders({ store, config, now }, zoneId)),
    ...(await buildEngineLocationBuilders({ store, config })),
    ...(asksCloudflare
      ? buildCloudflareObjectBuilders({ openClient, store, config, now: deps.now, onRead: deps.onRead }, { zoneId, onSnapshot: (read) => (objects = read) })
      : []),
    ...buildArchiveLocationBuilders(config.archives, deps.readArchive, now),
  ];
  const collected = await collectInventory(builders, now);
  const { failed } = collected;
  const inventory = objects === undefined ? collected.inventory : addArchiveWriters(collected.inventory, config.archives, objects);
  let outcome = selectInventoryOutcome(inventory, failed);
  // Every Cloudflare read refused looks like missing permissions; a revoked or mistyped token is a failure (3).
  const isTokenRejected =
    asksCloudflare &&
    outcome === 'done' &&
    isEveryCloudflareReadRefused(inventory) &&
    (await isTokenActive((await openClient()).sdk, config.accountId)) === false;
  if (isTokenRejected) outcome = 'cloudflare_failed';
  const logSettings = objects && selectLogSettings(objects);
  const reportData = options.withReportData
    ? await readInventoryReportData(store, config, inventory, { toolVersion: deps.toolVersion, zoneId, logSettings })
    : undefined;
  const drift =
    reportData?.drift ??
    (options.withDrift === true || options.failOnDrift === true ? await readPolicyDrift(store, config, now, { zoneId, logSettings }) : undefined);
  // Failures decide first: a partial inventory may have missed contradictions, and says so with its own exit code.
  if (options.failOnDrift === true && outcome === 'done' && drift !== undefined && countContradictions(drift) > 0) outcome = 'no';
  return { inventory, reportData, drift, isCloudflareSkipped: !options.isLocalOnly && openClient === undefined, isTokenRejected, outcome };
}

function buildArchiveLocationBuilders(archives: readonly ArchiveConfig[], readArchive: InventoryDeps['readArchive'], now: Date): LocationBuilder[] {
  if (readArchive === undefined) return [];
  return archives.map((archive) => ({
    id: buildArchiveLocationId(archive.name),
    kind: 'archive',
    build: async () => buildArchiveLocation(archive, await readArchive(archive, now)),
  }));
}

/** Which Logpush jobs write into each archive, once Cloudflare's objects (its Logpush jobs among them) were read. */
function addArchiveWriters(inventory: Inventory, archives: readonly ArchiveConfig[], objects: CloudflareObjects): Inventory {
  if (archives.length === 0) return inventory;
  const jobs = objects.logpushJobs.map((job) => ({ id: job.id, name: job.name, destination: job.destination }));
  const locations = inventory.locations.map((location) => {
    const archive = archives.find((candidate) => buildArchiveLocationId(candidate.name) === location.id);
    return archive === undefined ? location : addArchiveJobs(location, archive, jobs);
  });
  return buildInventory(inventory.generatedAt, locations);
}
