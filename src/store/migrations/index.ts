/**
 * Versioned schema migrations, applied in order; each runs in its own transaction.
 * Times are unix seconds (UTC). Never edit a released migration: add the next one.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      -- Security events from firewallEventsAdaptive, minimised to what DDoS/hacking defence needs.
      CREATE TABLE firewall_events (
        id INTEGER PRIMARY KEY,
        zone_id TEXT NOT NULL,
        datetime INTEGER NOT NULL,
        ray_name TEXT NOT NULL,
        client_ip TEXT NOT NULL,
        client_country TEXT NOT NULL DEFAULT '',
        client_asn TEXT NOT NULL DEFAULT '',
        action TEXT NOT NULL,
        source TEXT NOT NULL,
        rule_id TEXT NOT NULL DEFAULT '',
        host TEXT NOT NULL DEFAULT '',
        sample_interval INTEGER NOT NULL DEFAULT 1,
        extra TEXT
      );
      -- Cloudflare has no event id: this is the natural key that makes re-pulling idempotent.
      CREATE UNIQUE INDEX firewall_events_natural_key
        ON firewall_events (zone_id, ray_name, datetime, rule_id, source, action);
      CREATE INDEX firewall_events_datetime ON firewall_events (datetime);

      -- Request counts per hour, client IP and country from httpRequestsAdaptiveGroups.
      -- client_ip is '' where the zone's plan does not offer clientIP (per-country counts only).
      CREATE TABLE http_analytics (
        id INTEGER PRIMARY KEY,
        zone_id TEXT NOT NULL,
        hour INTEGER NOT NULL,
        client_ip TEXT NOT NULL DEFAULT '',
        client_country TEXT NOT NULL DEFAULT '',
        requests INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX http_analytics_natural_key ON http_analytics (zone_id, hour, client_ip, client_country);
      CREATE INDEX http_analytics_hour ON http_analytics (hour);

      -- How far each zone's dataset has been pulled without gaps: [covered_from, covered_to).
      CREATE TABLE pull_state (
        zone_id TEXT NOT NULL,
        dataset TEXT NOT NULL,
        covered_from INTEGER NOT NULL,
        covered_to INTEGER NOT NULL,
        last_pull_at INTEGER NOT NULL,
        PRIMARY KEY (zone_id, dataset)
      );

      -- Legal holds: lawful requests by investigators that stop deletion.
      CREATE TABLE holds (
        id TEXT PRIMARY KEY,
        network TEXT NOT NULL,
        country TEXT,
        from_ts INTEGER,
        to_ts INTEGER,
        reason TEXT NOT NULL,
        reference TEXT,
        until_ts INTEGER,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        released_at INTEGER,
        released_by TEXT,
        release_reason TEXT
      );

      -- The signed, hash-chained audit log. Holds no raw IP; never purged.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        entry TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      -- The signed head checkpoint (entry count and last hash), so a truncated tail is detectable.
      CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        checkpoint TEXT NOT NULL
      );

      -- Small facts about runs: last successful pull and purge, and the like.
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'anonymised statistics',
    sql: `
      -- Per UTC day, zone and country: counts that survive the purge of the raw rows. No IP, no Ray ID.
      -- A cell with fewer than statistics.min_count events or distinct IPs is never stored (suppressed at roll-up).
      -- dataset 'firewall_events': count = events; 'http_analytics': count = requests.
      -- distinct_ips is NULL where the raw rows held no IP (country-only analytics).
      CREATE TABLE stats_daily (
        dataset TEXT NOT NULL,
        day INTEGER NOT NULL,
        zone_id TEXT NOT NULL,
        country TEXT NOT NULL,
        count INTEGER NOT NULL,
        distinct_ips INTEGER,
        PRIMARY KEY (dataset, day, zone_id, country)
      );
      -- Which (dataset, day, zone) units have been rolled up: each is rolled up once, from all its raw rows, so
      -- a day purged over several runs is neither counted twice nor split (distinct IPs stay exact).
      CREATE TABLE stats_rollups (
        dataset TEXT NOT NULL,
        day INTEGER NOT NULL,
        zone_id TEXT NOT NULL,
        rolled_up_at INTEGER NOT NULL,
        rolled_up_for TEXT NOT NULL,
        cells INTEGER NOT NULL,
        suppressed_cells INTEGER NOT NULL,
        PRIMARY KEY (dataset, day, zone_id)
      );
    `,
  },
  {
    version: 3,
    name: 'cloudflare object activity',
    sql: `
      -- Evidence for the purpose rule of Cloudflare IP objects (access rules, managed list items), kept past the
      -- purge of the local firewall events it comes from: those are purged after retention.firewall_events (30d),
      -- but "no event within retention.access_rules (90d)" needs 90 days of evidence. Keyed by the Cloudflare
      -- object id, with no IP (the object in Cloudflare already holds it); the row is dropped with the object.
      -- last_seen_at: newest security event from the object's address/range or hitting the rule (NULL: none seen).
      -- evidence_from: every event from then on has been considered; folded_to: pulled events reached this far
      -- when the row was last folded (a later local purge past it without a fold breaks continuity).
      CREATE TABLE cloudflare_object_activity (
        object_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        last_seen_at INTEGER,
        evidence_from INTEGER NOT NULL,
        folded_to INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'time-ordered natural key for firewall events',
    sql: `
      -- Same natural key, datetime second: a pull inserts in time order, so the UNIQUE index grows at its end
      -- instead of at random Ray IDs (about 4x faster ingest on a million events; same uniqueness).
      DROP INDEX firewall_events_natural_key;
      CREATE UNIQUE INDEX firewall_events_natural_key
        ON firewall_events (zone_id, datetime, ray_name, rule_id, source, action);
    `,
  },
  {
    version: 5,
    name: 'settled pull coverage',
    sql: `
      -- Rows arrive minutes after their time (field reports G10): only [covered_from, settled_to) is final.
      -- Earlier pulls left their newest 120 s unread and queried at about last_pull_at, so rows more than 10 minutes
      -- (the default pull.overlap) older than that pull count as settled; the next pull re-reads the rest.
      ALTER TABLE pull_state ADD COLUMN settled_to INTEGER NOT NULL DEFAULT 0;
      UPDATE pull_state SET settled_to = MAX(covered_from, MIN(covered_to, last_pull_at - 600));
    `,
  },
  {
    version: 6,
    name: 'audit entries by run and event',
    sql: `
      -- Every purge reconciles the runs still open and reclaims what earlier runs left (src/audit/open-intents.ts,
      -- src/purge/reclaim.ts): reading the whole log for that grows with years of daily runs. These columns are
      -- computed from the entry itself (never written on their own, so they cannot disagree with it; NULL for an
      -- entry that is not JSON, which audit verify reports), and the indexes find open runs by them.
      ALTER TABLE audit_log ADD COLUMN run_id TEXT
        GENERATED ALWAYS AS (CASE WHEN json_valid(entry) THEN json_extract(entry, '$.run_id') END) VIRTUAL;
      ALTER TABLE audit_log ADD COLUMN event TEXT
        GENERATED ALWAYS AS (CASE WHEN json_valid(entry) THEN json_extract(entry, '$.event') END) VIRTUAL;
      ALTER TABLE audit_log ADD COLUMN command TEXT
        GENERATED ALWAYS AS (CASE WHEN json_valid(entry) THEN json_extract(entry, '$.command') END) VIRTUAL;
      -- Covering: the reads answer "a later entry of this run?" from the index alone, parsing no entry.
      CREATE INDEX audit_log_run ON audit_log (run_id, seq, event, command) WHERE run_id IS NOT NULL;
      CREATE INDEX audit_log_event ON audit_log (event, run_id, seq, command);
      -- The few reclaim entries that name earlier runs (after a run that died before its own reclaim).
      CREATE INDEX audit_log_earlier_runs ON audit_log (seq)
        WHERE event = 'purge.reclaimed' AND json_extract(entry, '$.details.earlier_runs') <> '[]';
    `,
  },
];
