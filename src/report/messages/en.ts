import type { KeptDataset, ObjectKind, ScopeName, ZoneName } from '../../inventory/notes.js';
import type { Messages } from './catalogue.js';
import { splitWindow } from './window.js';

// English: the default of the human-readable reports, like the rest of the CLI.

export const EN: Messages = {
  lang: 'en',
  title: 'Inventory of visitor personal data',
  subtitle: 'Where visitor IP addresses and countries, collected to protect the website against DDoS and hacking, are held, by whom, and for how long.',
  controller: 'Controller',
  controllerUnset: 'not set (add `controller:` to the config)',
  generatedUtc: 'Generated (UTC)',
  generatedKst: 'Generated (KST, UTC+9)',
  toolVersion: 'Tool version',
  policyHash: 'Retention policy hash',
  lastPull: 'Last successful pull',
  lastPurge: 'Last purge',
  never: 'never',
  none: 'none',
  unknown: 'unknown',
  noIpsNotice: 'This report holds counts only: no IP address appears in it.',
  cardRecordsUs: 'Records we hold',
  cardRecordsCloudflare: 'Records Cloudflare keeps',
  cardPastRetention: 'Past retention (next purge)',
  cardHeld: 'Kept by legal holds',
  cardDrift: 'Contradictions with the policy',
  cardDriftNone: 'none found',
  driftTitle: 'Policy drift',
  driftIntro: 'Each check compares what is actually held or configured with what the privacy policy (개인정보 처리방침) promises.',
  driftState: { ok: 'OK', drift: 'Contradiction', unknown: 'Not checked' },
  driftRule: {
    logpullRetention: 'Logpull log retention (raw request logs at Cloudflare)',
    logpushClientIp: 'Logpush jobs shipping client IPs',
    overdueData: 'Data older than its retention + 5 days',
    purgeStale: 'Purge not run for more than 5 days',
  },
  policySays: 'The policy says',
  policyQuoteTranslation: {
    logpullRetention: 'Items collected: country of access, IP address. Used to prevent damage to the website (DDoS, hacking).',
    logpushClientIp:
      'Entrusted processing: website security and anti-hacking — Cloudflare. Information shared with the processor is limited to the minimum needed.',
    overdueData: 'Once the purpose of collection and use is achieved, the company destroys the information without delay and without exception.',
    purgeStale: 'In principle the company destroys the information without delay once the purpose of collection and use is achieved.',
  },
  driftOk: {
    logpullRetention: 'Log retention is off for every zone that could be checked.',
    logpushClientIp: 'No Logpush job ships ClientIP.',
    overdueData: 'Nothing we hold is older than its retention plus the grace period.',
    purgeStale: 'The purge ran within the grace period.',
  },
  driftUnknownLogs:
    'Cloudflare log settings were not read by this run (it needs CLOUDFLARE_API_TOKEN and no --local-only; Logpull and Logpush are Enterprise features, read with Logs Read/Write).',
  logpullOn: (zone) =>
    `Zone ${zone}: Log retention is ON — Cloudflare keeps every request's ClientIP, URI and user agent for days, beyond the items the policy names.`,
  logpullOff: (zone) => `Zone ${zone}: log retention is off.`,
  logsNotAvailable: (scope) => `${scope}: not available on this plan (Enterprise only), so Cloudflare keeps and ships no such logs.`,
  pastRetention: 'past retention',
  privacyPolicy: 'Privacy policy checked against',
  privacyPolicyName: '룩세렛 개인정보 처리방침 (Luxeret privacy policy), 2024-08-04',
  logpushShips: (job, dataset, destination, fields, enabled) =>
    `Logpush job ${job} (${dataset}, ${enabled ? 'enabled' : 'disabled'}) ships ${fields} to ${destination}, a destination the policy does not name.`,
  overdue: (location, count, retention, graceDays) =>
    `${location}: ${count} record(s) older than the retention (${retention}) plus ${graceDays} days, not under a legal hold.`,
  purgeNever: 'The purge has never run on this store.',
  purgeStale: (days, at) => `The last purge ran ${days} days ago (${at}).`,
  purgeRecent: (days, at) => `The last purge ran ${days} day(s) ago (${at}).`,
  locationsTitle: 'Where the data is held',
  locationsIntro: 'One row per place that holds visitor IP addresses or countries. Details, notes and per-zone windows follow the table.',
  colLocation: 'Location',
  colCheck: 'Check',
  colItem: 'Item',
  colValue: 'Value',
  colItems: 'Items held',
  colControlledBy: 'Deletion controlled by',
  colRecords: 'Records',
  colDistinctIps: 'Distinct IPs',
  colOldest: 'Oldest (UTC)',
  colNewest: 'Newest (UTC)',
  colRetention: 'Retention',
  colPastRetention: 'Past retention',
  colHeld: 'Held',
  colExpires: 'Expires (UTC)',
  colStatus: 'Status',
  colCountries: 'Countries',
  colNotes: 'Notes',
  colRequests: 'Requests counted',
  colZone: 'Zone',
  colWindow: 'Window',
  colCount: 'Count',
  colHost: 'Host',
  colCountry: 'Country',
  location: {
    'local/firewall-events': 'Security events (our store)',
    'local/http-analytics': 'Requests per IP and country (our store)',
    'cloudflare/firewall-events': 'Security events kept by Cloudflare',
    'cloudflare/http-analytics': 'Requests per IP and country kept by Cloudflare',
    'cloudflare/access-rules': 'IP Access rules (Cloudflare)',
    'cloudflare/list-items': 'IP list items (Cloudflare)',
    'cloudflare/lockdowns': 'Zone Lockdown rules (Cloudflare)',
    'cloudflare/custom-rules': 'WAF custom rule expressions (Cloudflare)',
    'cloudflare/logpull': 'Logpull request logs (Cloudflare)',
    'postgres/wal-and-backups': 'PostgreSQL WAL and base backups (copies of our store)',
  },
  archiveLocation: (name) => `Logpush archive ${name} (our S3/R2 bucket)`,
  item: {
    time: 'time',
    hour: 'hour',
    ip: 'IP address',
    ipOrRange: 'IP address or range',
    country: 'country',
    asn: 'AS number',
    host: 'host',
    path: 'path',
    query: 'query string',
    userAgent: 'user agent',
    method: 'HTTP method',
    status: 'response status',
    action: 'action',
    rule: 'rule',
    rayId: 'Ray ID',
    requests: 'request count',
    asName: 'AS name',
    ruleNote: 'rule note',
    comment: 'item comment',
    expression: 'rule expression',
    requestLog: 'full request log',
  },
  controlledByUs: 'Us',
  controlledByUsDetail: (retention) => (retention === undefined ? 'Us — by hand (the purge does not delete these)' : `Us — purged after ${retention}`),
  controlledByCloudflare: 'Cloudflare',
  controlledByCloudflareUntil: (date) => `Cloudflare — ages out by ${date}; no API deletes it`,
  statusLabel: { ok: 'OK', not_available: 'not available on this plan', not_readable: 'not readable with this token', error: 'failed' },
  zonesTitle: 'Per zone',
  notesTitle: 'Notes',
  moreCountries: (n) => `… and ${n} more`,
  chartsTitle: 'Charts',
  countryChartTitle: 'Records we hold, by country',
  countryChartCaption: 'Top 10 countries and all others together, over both local locations.',
  otherCountries: 'other',
  ageChartTitle: 'Age of the records we hold',
  ageChartCaption: (days) => `Records per day of age (last ${days} days, older ones in the last bar), against each retention rule.`,
  ageTableCaption: (days) => `Records per week of age (last ${days} days, older ones in the last row), against each retention rule.`,
  ageAxis: 'age (days)',
  countAxis: 'records',
  olderBucket: (days) => `≥${days}d`,
  retentionLine: (retention, location) => (location === undefined ? `retention ${retention}` : `${location}: ${retention}`),
  graceLine: (days) => `+${days}d grace`,
  noLocalRecords: 'No local records.',
  hostsTitle: 'Hosts named in stored security events',
  hostsIntro: 'The most frequent request hosts in the events we hold (shown as received; values come from visitors).',
  footer: (version) => `Generated by luxeret-privacy ${version}.`,
  window: (seconds) => {
    const [n, unit] = splitWindow(seconds);
    return `${n} ${unit}${n === 1 ? '' : 's'}`;
  },
  text: {
    verbatim: (m) => m.text,
    'local.past_retention': (m) => `${m.count} record(s) past retention (${m.retention}): the next purge deletes them`,
    'local.held': (m) => `${m.count} record(s) past retention are kept by active legal holds`,
    'local.country_only': (m) => `${m.rows} row(s) have countries only: the zone's plan does not offer clientIP`,
    'kept.no_zones': () => 'no zones configured',
    'kept.counts_pulled': (m) => `counts are the ${KEPT[m.dataset].noun} we pulled: Cloudflare may hold more (${KEPT[m.dataset].noun} never pulled)`,
    'kept.zone_not_configured': (m) => `${nameZone(m.zone)} is not in the config; its pulled ${KEPT[m.dataset].noun} are still reported`,
    'kept.window_unknown': (m) =>
      `${nameZone(m.zone)}: ${m.isMalformed ? 'its stored settings are unreadable' : 'window unknown'}; run pull to learn this zone's window`,
    'kept.ages_out': (m) =>
      `${nameZone(m.zone)}: kept by Cloudflare for ${EN.window(m.windowSeconds)}; not deletable through the API; the pulled copies age out from ${m.from} to ${m.to}`,
    'kept.none_inside': (m) =>
      `${nameZone(m.zone)}: kept by Cloudflare for ${EN.window(m.windowSeconds)}; not deletable through the API; no pulled ${KEPT[m.dataset].one} is still inside the window`,
    'objects.read_state': (m) => `${nameScope(m.scope)}: ${m.message ?? m.state}`,
    'objects.not_judged': () => 'past retention not judged: the purpose rule needs pulled security events (run pull, then purge --dry-run)',
    'objects.served_purpose': (m) =>
      `${m.count} ${OBJECTS[m.objects].deletable} have served their purpose (older than ${m.retention}, no recent events): the next purge deletes them`,
    'objects.held': (m) => `${m.count} ${OBJECTS[m.objects].noun} past their purpose are kept by active legal holds`,
    'objects.undetermined': (m) => `${m.count} ${OBJECTS[m.objects].noun} undetermined: the pulled events do not cover the whole retention period; kept`,
    'objects.kept_undetermined': (m, say) => `${m.count} kept as ${say(m.reason)}`,
    'objects.reported_not_deleted': () => "reported, not deleted: these are usually the company's own allow-lists",
    'access_rules.no_account': () => 'no account known (set account_id in the config): account-level rules were not read',
    'access_rules.by_mode': (m) => `by mode: ${m.modes.map(([mode, count]) => `${mode} ${count}`).join(', ')}`,
    'access_rules.allow': (m) => `${m.count} whitelist (allow) rule(s): never deleted`,
    'list_items.list': (m) =>
      `list ${m.name} (${m.isManaged ? 'managed: items past retention are purged' : 'reported only: not in managed_lists'}): ${m.count} item(s)`,
    'list_items.no_account': () => "no account known (set account_id in the config): the account's IP lists were not read",
    'list_items.managed_missing': (m) => `managed list ${m.name} was not found in the account`,
    'lockdowns.count': (m) => `${m.rules} lockdown rule(s) in ${m.zones} zone(s)`,
    'custom_rules.naming': (m) => `${m.naming} of ${m.total} custom rule(s) name IPs or countries`,
    'custom_rules.negated': (m) => `${m.count} address/range literal(s) are negated (the rule spares them: typically an allow-list)`,
    'custom_rules.lists': (m) => `rules reference IP lists: ${m.lists.join(', ')}`,
    'custom_rules.not_an_address': (m) => `rule ${m.ruleId}: "${m.problem}" next to ip.src is not an address or range`,
    'logpull.retention_on': (m) => `${nameZone(m.zone)}: Logpull retention on: Cloudflare keeps raw request logs with ClientIP for days`,
    'logpull.retention_off': (m) => `${nameZone(m.zone)}: Logpull retention off`,
    'logpush.ships': (m) =>
      `Logpush job ${m.jobId}${m.name ? ` "${m.name}"` : ''} (${m.dataset}, ${nameScope(m.scope)}${m.enabled ? '' : ', disabled'}) ships ${m.fields.join(', ')} to ${m.destination}`,
    'logpush.others': (m) => `${m.count} other Logpush job(s) ship neither ClientIP nor ClientCountry`,
    'engine.wal': (m) =>
      `the server keeps WAL up to wal_keep_size ${m.walKeepSizeMb} MB and max_wal_size ${m.maxWalSizeMb} MB: rows a purge deletes stay in WAL segments until the server recycles them; this tool cannot remove them`,
    'engine.archive_on': (m) => `WAL archiving is on (archive_mode ${m.archiveMode}): archived WAL keeps deleted rows as long as the archive is kept`,
    'engine.archive_off': () => 'WAL archiving is off: no archived copies of the WAL',
    'engine.backups_until': (m) =>
      `base backups are kept for ${m.retention} (backup_retention): rows deleted by the last purge (${m.lastPurge}) may exist in them until ${m.until}`,
    'engine.backups_no_purge': (m) =>
      `base backups are kept for ${m.retention} (backup_retention): no purge has run yet; rows a purge deletes may exist in backups for ${m.retention} after it`,
    'engine.backup_retention_unknown': () =>
      'backup_retention is not set: how long base backups keep deleted rows is unknown; state it in the config (for example backup_retention: 14d)',
    'archive.objects': (m) => `${m.count} object(s), ${m.bytes} bytes in ${m.where}`,
    'archive.past_retention': (m) => `${m.count} object(s) (${m.bytes} bytes) hold data older than the retention (${m.retention})`,
    'archive.time_sources': (m) =>
      `data time taken from the Logpush file name for ${m.name}, from the {DATE} folder for ${m.folder}, from LastModified for ${m.modified} object(s)`,
    'archive.lifecycle': (m) =>
      `the bucket's lifecycle rule expires objects after ${m.days} day(s): ${m.verdict === 'earlier' ? 'earlier than' : m.verdict === 'later' ? 'later than' : 'the same as'} our retention (${m.retention})`,
    'archive.lifecycle_none': () => 'the bucket has no lifecycle rule that expires these objects: only a purge removes them',
    'archive.lifecycle_unknown': (m) =>
      m.via === 'cloudflare'
        ? `the R2 bucket's lifecycle rules could not be read through the Cloudflare API (${m.reason}); an API token with Workers R2 Storage Read shows them`
        : `the bucket's lifecycle rules could not be read (${m.reason}); s3:GetBucketLifecycleConfiguration shows them`,
    'archive.written_by': (m) => `written by Logpush job ${m.jobId}${m.name ? ` "${m.name}"` : ''}`,
    'archive.no_job': () => 'no Logpush job read from Cloudflare writes to this bucket and prefix',
    'archive.failed': (m) =>
      m.reason === 'denied'
        ? `could not list ${m.where}: the credentials were refused (${m.errorCode}); the AWS SDK's chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE) must allow s3:ListBucket`
        : m.reason === 'no_bucket'
          ? `could not list ${m.where}: no such bucket (${m.errorCode})`
          : `could not list ${m.where}: the server did not answer (${m.errorCode}); check endpoint and network`,
    'archive.versions': (m) =>
      `versioning ${m.status}: ${m.versions} version(s), ${m.noncurrent} of them noncurrent, and ${m.deleteMarkers} delete marker(s); the objects counted include ${m.hiddenKeys} whose current version is a delete marker, since noncurrent versions still hold IP addresses (a purge deletes every version)`,
    'archive.versions_unknown': (m) =>
      `whether the bucket keeps older versions could not be read (${m.permission}, ${m.errorCode}): only current objects are counted; a purge refuses this archive until the credentials allow it`,
    'undetermined.no_zone': () => 'undetermined: no zone is configured whose events could show activity',
    'undetermined.zone_not_pulled': (m) => `undetermined: no security events have been pulled for zone ${m.zoneId}`,
    'undetermined.zone_pulled_until': (m) => `undetermined: events of zone ${m.zoneId} were pulled only up to ${m.until}`,
    'undetermined.no_activity': () => 'undetermined: no activity record yet',
    'undetermined.coverage': (m) => `undetermined: events cover only since ${m.since}`,
  },
  ledger: {
    title: 'Personal data destruction ledger',
    columns: {
      no: 'No.',
      file_name: 'Personal data file',
      items: 'Data items',
      created: 'Created (oldest record)',
      destroyed: 'Destroyed',
      reason: 'Reason',
      handler: 'Handled by',
      approver: 'Head of department',
      kind: 'Kind',
      location: 'Location',
      deleted: 'Records destroyed',
      before: 'Records before',
      after: 'Records after',
      method: 'Method',
      audit_seq: 'Audit entry',
      audit_hash: 'Audit entry hash',
    },
    items: {
      ip_address: 'IP address',
      country: 'country',
      asn: 'ASN',
      time: 'time',
      ray_id: 'Ray ID',
      host: 'host',
      action: 'security action',
      rule: 'security rule',
      request_count: 'request count',
      note: 'note',
      comment: 'comment',
    },
    kinds: { retention: 'retention ended', subject_request: 'data subject request', other: 'other' },
    scopes: { local: 'own store', cloudflare: 'Cloudflare', mixed: 'own store and Cloudflare', archive: 'Cloudflare Logpush archive in S3/R2', other: 'other' },
    method: (recorded) => recorded,
    retentionReason: 'Retention period ended',
    subjectReason: 'Erasure requested by the data subject (PIPA Art. 36)',
    reconciledNote: 'run interrupted; confirmed count recorded by the next run',
    controller: 'Controller',
    period: 'Period',
    from: 'the beginning',
    until: 'now',
    generated: 'Generated',
    rows: 'Destructions',
    none: 'No destruction was recorded in this period.',
    verify: "Each row's audit entry number and hash must match the signed audit log: luxeret-privacy audit verify",
    keyRotation: 'Audit signing key rotated',
    signatureHandler: 'Handled by',
    signatureHead: 'Head of department',
    signatureDate: 'Date',
    signHere: '(signature)',
  },
};

const KEPT: Record<KeptDataset, { readonly noun: string; readonly one: string }> = {
  'cloudflare/firewall-events': { noun: 'events', one: 'event' },
  'cloudflare/http-analytics': { noun: 'request counts', one: 'request count' },
};

/** How notes count objects; only managed list items are ever deleted, so those say so. */
const OBJECTS: Record<ObjectKind, { readonly noun: string; readonly deletable: string }> = {
  access_rules: { noun: 'rule(s)', deletable: 'rule(s)' },
  list_items: { noun: 'item(s)', deletable: 'managed item(s)' },
};

/** `zone shop.example.com (023e…)`, or `zone 023e…` when the name is unknown. */
function nameZone(zone: ZoneName): string {
  return zone.name ? `zone ${zone.name} (${zone.id})` : `zone ${zone.id}`;
}

/** `account 01a7…`, `zone …`; a log-settings read says which kind of setting. */
function nameScope(scope: ScopeName): string {
  const where = scope.where.type === 'account' ? `account ${scope.where.id}` : nameZone(scope.where);
  const prefix = scope.part === 'logpush' ? 'Logpush jobs of ' : scope.part === 'logpull-retention' ? 'Logpull retention of ' : '';
  return `${prefix}${where}`;
}
