import { existsSync } from 'node:fs';
import type Cloudflare from 'cloudflare';
import type { AnalyticsGraphqlClient } from '../cloudflare/analytics-graphql-client.js';
import type { Outcome } from '../outcome.js';
import { verifyApiToken } from '../cloudflare/token-verify.js';
import { fetchCloudflareObjects } from '../cloudflare/objects/fetch.js';
import type { CloudflareObjects, ReadStatus } from '../cloudflare/objects/types.js';
import { readPolicyDrift, selectLogSettings } from '../inventory/report-data.js';
import { parseZoneSettings, ZONE_SETTINGS_QUERY, type ZoneSettings } from '../cloudflare/queries.js';
import type { ObservedResponse } from '../cloudflare/response-observer.js';
import type { Config } from '../config/config.js';
import type { StoreSelection } from '../config/store.js';
import { ed25519Backend } from '../audit/ed25519.js';
import { isPrivateKeyProtected, loadSigningKey, keyFingerprint } from '../audit/keys.js';
import { LuxeretError } from '../errors.js';
import { DRIFT_GRACE_DAYS, MAX_CLOCK_SKEW_MS } from '../policy/tolerances.js';
import { describeSqliteLeftBehind } from '../store/sqlite-left-behind.js';
import { LATEST_SCHEMA_VERSION } from '../store/db.js';
import type { StorePort } from '../store/port.js';
import { evaluateAssumptions, type Assumption } from './assumptions.js';
import type { AccountObservations } from './observations.js';
import { buildPostgresChecks } from './postgres-checks.js';
import { buildArchiveCheck } from './archive-checks.js';
import type { ArchiveProbe } from '../archives/probe-archive.js';
import type { ArchiveConfig } from '../config/archives.js';
import { probeAccount, type ZoneFacts } from './probe-account.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly hint: string | undefined;
}

export interface DoctorReport {
  readonly ok: boolean;
  /** 'no' when any check failed. */
  readonly outcome: Extract<Outcome, 'done' | 'no'>;
  readonly checks: readonly Check[];
  /** Our assumptions about Cloudflare, checked on the live account; informational, they never make `ok` false. */
  readonly assumptions: readonly Assumption[];
  /** What the assumptions were checked against (undefined without a working token). */
  readonly observations: AccountObservations | undefined;
}

export interface DoctorDeps {
  readonly config: () => Config;
  /** The selected store behind the port (SQLite, or PostgreSQL checked to be at this version), opened on first use. */
  readonly store: () => Promise<StorePort>;
  /** Which store the config selects (it throws on a bad LUXERET_DATABASE_URL); a PostgreSQL one gets checked too. */
  readonly storeSelection?: () => StoreSelection;
  readonly keyPaths: { readonly signingKey: string; readonly subjectSecret: string };
  /** Where an SQLite store would be in LUXERET_HOME: one left there after a move to PostgreSQL is warned about. */
  readonly sqliteStorePath?: string;
  /** Undefined when no API token is set. `responses` is what both clients' fetch saw (response-observer.ts). */
  readonly cloudflare:
    { readonly sdk: Cloudflare; readonly graphql: AnalyticsGraphqlClient; readonly responses: () => readonly ObservedResponse[] } | undefined;
  readonly now: () => Date;
  /** The API base URL in use and where it was set. */
  readonly baseUrl?: { readonly url: string; readonly source: 'default' | 'environment' | '.env' };
  /** Lists one key of a configured Logpush archive and reads its versioning (credentials from the environment). */
  readonly probeArchive?: (archive: ArchiveConfig) => Promise<ArchiveProbe>;
}

const HOUR_MS = 3_600_000;
/** Cron runs pull hourly and purge daily (README): a day and a bit without one means cron is not running it. */
const CRON_GRACE_MS = 26 * HOUR_MS;
/** The policy promises destruction without delay: a purge older than the drift grace is drift, not a warning. */
const PURGE_OVERDUE_MS = DRIFT_GRACE_DAYS * 24 * HOUR_MS;

const check = (name: string, status: CheckStatus, detail: string, hint?: string): Check => ({ name, status, detail, hint });

export interface DoctorOptions {
  /** Also decide the policy-drift checks (the inventory report's): a contradiction is a failed check (exit 1). */
  readonly failOnDrift?: boolean;
}

/** Runs every check; one failing never stops the others. `ok` is false when any check failed. */
export async function runDoctor(deps: DoctorDeps, options: DoctorOptions = {}): Promise<DoctorReport> {
  const checks: Check[] = [];
  const config = attempt(() => deps.config());
  checks.push(
    config.value
      ? check('config', 'pass', `valid: ${config.value.zones.length} zone(s)${config.value.accountId ? ', account set' : ''}`)
      : check('config', 'fail', String((config.error as Error)?.message ?? config.error).replace(/\n\s*/g, '; '), hintOf(config.error)),
  );
  // Whichever store is selected, through the port; a PostgreSQL one also gets its server's checks.
  const store = await attemptAsync(() => deps.store());
  checks.push(await storeCheck(store.value, store.error));
  if (config.value && deps.storeSelection) checks.push(...(await postgresStoreChecks(deps.storeSelection, deps.sqliteStorePath)));
  checks.push(...keyChecks(deps.keyPaths));
  const probeArchive = deps.probeArchive;
  if (config.value && probeArchive) for (const archive of config.value.archives) checks.push(buildArchiveCheck(archive, await probeArchive(archive)));
  if (deps.baseUrl) checks.push(baseUrlCheck(deps.baseUrl));
  let observations: AccountObservations | undefined;
  let objects: CloudflareObjects | undefined;
  if (!deps.cloudflare) {
    checks.push(check('token', 'fail', 'CLOUDFLARE_API_TOKEN is not set', 'Export it or put it in ./.env (see .env.example).'));
  } else if (config.value) {
    const cloudflare = await cloudflareChecks(deps.cloudflare, config.value, deps.now());
    checks.push(...cloudflare.checks);
    observations = cloudflare.observations;
    objects = cloudflare.objects;
  }
  if (store.value) checks.push(...(await scheduleChecks(store.value, deps.now())));
  if (options.failOnDrift === true && store.value && config.value) checks.push(await driftCheck(store.value, config.value, deps.now(), objects));
  const ok = checks.every((c) => c.status !== 'fail');
  return { ok, outcome: ok ? 'done' : 'no', checks, assumptions: observations ? evaluateAssumptions(observations) : [], observations };
}

/** The token goes wherever the base URL points: a non-default one is shown with where it was set. */
function baseUrlCheck(baseUrl: NonNullable<DoctorDeps['baseUrl']>): Check {
  if (baseUrl.source === 'default') return check('API base URL', 'pass', `${baseUrl.url} (default)`);
  const where = baseUrl.source === '.env' ? 'the .env file in the working directory' : 'the environment';
  return check(
    'API base URL',
    'warn',
    `CLOUDFLARE_BASE_URL=${baseUrl.url}, set in ${where}: the API token is sent there, not to api.cloudflare.com`,
    `Unset CLOUDFLARE_BASE_URL in ${where} unless you mean to use an emulator or a proxy.`,
  );
}

/** The port opens a store only at this tool's schema version (SQLite migrated on open, PostgreSQL checked). */
async function storeCheck(store: StorePort | undefined, error: unknown): Promise<Check> {
  if (!store) return check('store', 'fail', describe(error), hintOf(error) ?? 'Run `luxeret-privacy init`.');
  const events = await attemptAsync(() => store.countFirewallEvents());
  if (events.error !== undefined) {
    return check('store', 'fail', `not readable: ${describe(events.error)}`, hintOf(events.error));
  }
  const where = store.kind === 'postgres' ? `PostgreSQL ${store.description}, ` : '';
  const count = events.value === undefined ? '' : `, ${events.value} firewall event(s)`;
  return check('store', 'pass', `${where}readable, schema version ${LATEST_SCHEMA_VERSION}${count}`);
}

async function postgresStoreChecks(selectStore: () => StoreSelection, sqliteStorePath: string | undefined): Promise<Check[]> {
  const selection = attempt(selectStore);
  if (!selection.value) return [check('postgres store', 'fail', describe(selection.error), hintOf(selection.error))];
  if (selection.value.kind !== 'postgres') return [];
  // Loaded here, with pg, only when the store is PostgreSQL.
  const { inspectPgStore } = await import('../store/postgres/inspect.js');
  const inspection = await inspectPgStore(selection.value.url, selection.value.schema);
  const leftBehind = sqliteStorePath === undefined ? undefined : describeSqliteLeftBehind(selection.value, sqliteStorePath);
  return [
    ...buildPostgresChecks(selection.value, inspection, LATEST_SCHEMA_VERSION),
    ...(leftBehind === undefined
      ? []
      : [check('sqlite store left behind', 'warn', leftBehind, 'Move what must be kept into the PostgreSQL store (or export it), then delete the file.')]),
  ];
}

function keyChecks(paths: DoctorDeps['keyPaths']): Check[] {
  const checks: Check[] = [];
  if (!existsSync(paths.signingKey)) {
    checks.push(check('signing key', 'fail', `missing: ${paths.signingKey}`, 'Run `luxeret-privacy init` to create it.'));
  } else {
    const key = attempt(() => loadSigningKey(paths.signingKey));
    if (!key.value) checks.push(check('signing key', 'fail', describe(key.error), hintOf(key.error)));
    else if (!isPrivateKeyProtected(paths.signingKey)) {
      checks.push(check('signing key', 'fail', `${paths.signingKey} is readable by others`, `chmod 600 ${paths.signingKey}`));
    } else checks.push(check('signing key', 'pass', `present, mode 0600, ${keyFingerprint(key.value)}`));
  }
  if (!existsSync(paths.subjectSecret)) {
    checks.push(check('subject-hash secret', 'fail', `missing: ${paths.subjectSecret}`, 'Run `luxeret-privacy init` to create it.'));
  } else if (!isPrivateKeyProtected(paths.subjectSecret)) {
    checks.push(check('subject-hash secret', 'fail', `${paths.subjectSecret} is readable by others`, `chmod 600 ${paths.subjectSecret}`));
  } else checks.push(check('subject-hash secret', 'pass', 'present, mode 0600'));
  checks.push(
    ed25519Backend() === 'libsodium'
      ? check('signature checks', 'pass', 'audit verify checks Ed25519 signatures with libsodium')
      : check(
          'signature checks',
          'warn',
          'sodium-native did not load: audit verify checks signatures with node:crypto, at about half the speed',
          'Reinstall with `npm ci`; sodium-native ships builds for linux, macOS and Windows on x64 and arm64.',
        ),
  );
  return checks;
}

async function cloudflareChecks(
  cloudflare: NonNullable<DoctorDeps['cloudflare']>,
  config: Config,
  now: Date,
): Promise<{ checks: Check[]; observations: AccountObservations | undefined; objects?: CloudflareObjects }> {
  const checks: Check[] = [];
  const verified = await verifyToken(cloudflare.sdk, config.accountId);
  checks.push(verified.check);
  if (verified.check.status === 'fail') return { checks, observations: undefined };
  if (verified.serverDate) {
    const skewMs = now.getTime() - verified.serverDate.getTime();
    checks.push(
      Math.abs(skewMs) <= MAX_CLOCK_SKEW_MS
        ? check('clock', 'pass', `within ${Math.ceil(Math.abs(skewMs) / 1000)} s of Cloudflare's Date header`)
        : check(
            'clock',
            'fail',
            `${Math.round(skewMs / 1000)} s off Cloudflare's Date header (allowed ±${MAX_CLOCK_SKEW_MS / 1000} s)`,
            'Fix the system clock (NTP); purge refuses to run meanwhile.',
          ),
    );
  }
  const settingsByZone = new Map<string, { settings: ZoneSettings | undefined; error: string | undefined }>();
  for (const zone of config.zones) {
    const label = zone.name ?? zone.id;
    try {
      const settings = parseZoneSettings(await cloudflare.graphql.graphql(ZONE_SETTINGS_QUERY, { zoneTag: zone.id }), zone.id);
      settingsByZone.set(zone.id, { settings, error: undefined });
      const fw = settings.firewallEventsAdaptive;
      const http = settings.httpRequestsAdaptiveGroups;
      const ipNote = http.availableFields.some((f) => f.endsWith('clientIP')) ? '' : '; request analytics without clientIP (per-country only)';
      checks.push(
        check(
          `analytics ${label}`,
          'pass',
          `security events kept ${days(fw.notOlderThan)}, queries up to ${days(fw.maxDuration)} wide, pages of ${fw.maxPageSize}; request analytics kept ${days(http.notOlderThan)}${ipNote}`,
        ),
      );
    } catch (err) {
      settingsByZone.set(zone.id, { settings: undefined, error: describe(err) });
      const denied = err instanceof LuxeretError && /\b40[13]\b|authori[sz]ed|Unauthorized/i.test(err.message);
      checks.push(check(`analytics ${label}`, 'fail', describe(err), denied ? 'The token needs Zone > Analytics > Read for this zone.' : hintOf(err)));
    }
  }
  const objects = await fetchCloudflareObjects({ sdk: cloudflare.sdk }, config);
  for (const status of objects.statuses) checks.push(readCheck(status));
  checks.push(
    check(
      'write permissions',
      'skip',
      'not tested: no harmless write exists',
      'purge needs Account Firewall Access Rules Write / Firewall Services Write (access rules) and Account Filter Lists Edit (list items); per-object failures are reported by purge (exit 4).',
    ),
  );
  const zones: ZoneFacts[] = config.zones.map((zone) => {
    const info = objects.zones.find((z) => z.id === zone.id);
    const read = settingsByZone.get(zone.id);
    return { zoneId: zone.id, label: zone.name ?? zone.id, plan: info?.plan, accountId: info?.accountId, settings: read?.settings, settingsError: read?.error };
  });
  const observations = await probeAccount({ sdk: cloudflare.sdk, graphql: cloudflare.graphql, responses: cloudflare.responses, now }, zones, objects);
  return { checks, observations, objects };
}

/** The inventory report's policy-drift checks as one check: failed by any contradiction; Cloudflare's unread: unknown. */
async function driftCheck(store: StorePort, config: Config, now: Date, objects: CloudflareObjects | undefined): Promise<Check> {
  const drift = await readPolicyDrift(store, config, now, { logSettings: objects && selectLogSettings(objects) });
  const kinds = new Map<string, number>();
  for (const item of drift) if (item.state === 'drift') for (const finding of item.findings) kinds.set(finding.kind, (kinds.get(finding.kind) ?? 0) + 1);
  const unknown = drift.filter((item) => item.state === 'unknown').length;
  const unread = unknown === 0 ? '' : `; ${unknown} check(s) could not be decided (Cloudflare's log settings not read)`;
  if (kinds.size === 0) return check('policy drift', 'pass', `no contradiction${unread}`);
  const total = [...kinds.values()].reduce((sum, n) => sum + n, 0);
  return check(
    'policy drift',
    'fail',
    `${total} contradiction(s): ${[...kinds].map(([kind, n]) => `${kind} ${n}`).join(', ')}${unread}`,
    'See the policy-drift section of `luxeret-privacy inventory --format html` (or `inventory --fail-on-drift --format json`).',
  );
}

/** The token check, and Cloudflare's clock from the same answer. */
async function verifyToken(sdk: Cloudflare, accountId: string | undefined): Promise<{ check: Check; serverDate: Date | undefined }> {
  const verification = await verifyApiToken(sdk, accountId);
  if (verification.kind === 'answered') {
    const { endpoint, status, serverDate } = verification;
    return {
      check:
        status === 'active'
          ? check('token', 'pass', `valid and active (${endpoint})`)
          : check('token', 'fail', `token status is ${status} (${endpoint})`, 'Create a new token (README: Token permissions).'),
      serverDate,
    };
  }
  const message = verification.error instanceof Error ? verification.error.message : String(verification.error);
  return {
    check: check(
      'token',
      'fail',
      `not valid: ${firstLine(message)}`,
      'Check CLOUDFLARE_API_TOKEN: it must be an active API token (README: Token permissions).',
    ),
    serverDate: undefined,
  };
}

function readCheck(status: ReadStatus): Check {
  const name = `read ${status.part} (${status.scope.type} ${status.scope.id.slice(0, 8)}…)`;
  switch (status.state) {
    case 'ok':
      return check(name, 'pass', 'readable');
    case 'not_available':
      return check(name, 'pass', status.message ?? 'not available on this plan');
    case 'not_readable':
      return check(
        name,
        'fail',
        status.message ?? 'not readable with this token',
        `Add the permission${status.permission ? ` "${status.permission}"` : ''} to the token (README: Token permissions).`,
      );
    default:
      return check(name, 'fail', status.message ?? 'failed', 'Re-run; if it persists, check Cloudflare status and the token.');
  }
}

/** When pull and purge last ran, as every host sharing the store recorded it. */
async function scheduleChecks(store: StorePort, now: Date): Promise<Check[]> {
  const lastPull = await store.readMeta('last_pull_at');
  const lastPurge = await store.readMeta('last_purge_at');
  const age = (iso: string) => now.getTime() - new Date(iso).getTime();
  const pull = !lastPull
    ? check('last pull', 'warn', await describeNoFullPull(store), 'Schedule `luxeret-privacy pull` (README: Running from cron or systemd).')
    : age(lastPull) > CRON_GRACE_MS
      ? check('last pull', 'warn', `last successful pull ${lastPull}: cron does not seem to be running it`, 'Check the crontab or systemd timer.')
      : check('last pull', 'pass', `last successful pull ${lastPull}`);
  const purge = !lastPurge
    ? check('last purge', 'warn', 'no purge recorded', 'Schedule `luxeret-privacy purge` daily (README: Running from cron or systemd).')
    : age(lastPurge) > PURGE_OVERDUE_MS
      ? check(
          'last purge',
          'fail',
          `last purge ${lastPurge}, over ${DRIFT_GRACE_DAYS} days ago: the policy promises destruction without delay`,
          'Run `luxeret-privacy purge` and check the schedule.',
        )
      : age(lastPurge) > CRON_GRACE_MS
        ? check('last purge', 'warn', `last purge ${lastPurge}: cron does not seem to be running it daily`, 'Check the crontab or systemd timer.')
        : check('last purge', 'pass', `last purge ${lastPurge}`);
  return [pull, purge];
}

/** Without a pull that completed for every zone: whether any zone was pulled at all (the pull state says when). */
async function describeNoFullPull(store: StorePort): Promise<string> {
  const newest = Math.max(0, ...(await store.readAllPullStates()).map((state) => state.lastPullAt));
  return newest === 0
    ? 'no successful pull recorded'
    : `no successful pull of every zone recorded; a zone was last pulled at ${new Date(newest * 1000).toISOString()}`;
}

async function attemptAsync<T>(run: () => Promise<T>): Promise<{ value: T | undefined; error: unknown }> {
  try {
    return { value: await run(), error: undefined };
  } catch (error) {
    return { value: undefined, error };
  }
}

function attempt<T>(run: () => T): { value: T | undefined; error: unknown } {
  try {
    return { value: run(), error: undefined };
  } catch (error) {
    return { value: undefined, error };
  }
}

function describe(err: unknown): string {
  return firstLine(err instanceof Error ? err.message : String(err));
}

function hintOf(err: unknown): string | undefined {
  return err instanceof LuxeretError ? err.hint : undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function days(seconds: number): string {
  return seconds % 86_400 === 0 ? `${seconds / 86_400} day(s)` : `${Math.round(seconds / 3600)} h`;
}
