/**
 * PostgreSQL migrations, versioned together with SQLite's (src/store/migrations/index.ts): version N means the same
 * tables, columns and meaning in both stores. No PostgreSQL store existed before version 5, so its first migration
 * is version 5 whole; from then on, every SQLite migration gets its PostgreSQL twin with the same number.
 *
 * Differences of form, not of meaning: times stay unix seconds (bigint); firewall_events and http_analytics are
 * partitioned by UTC day (partitions.ts creates the partitions), so their natural keys include the partition column,
 * `id` comes from a sequence rather than a primary key, and there is no separate time index: a time range is a set
 * of partitions, and the one boundary day is small enough to scan (one index fewer to write on ingest and to unlink
 * on a partition drop). Two tables exist only here: schema_version (SQLite keeps
 * the version in user_version) and row_counts (per-day counts that spare inventory a scan of the partitions).
 */
export const PG_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 5,
    name: 'schema of SQLite versions 1-5, partitioned by day',
    sql: `
      CREATE TABLE firewall_events (
        id bigserial NOT NULL,
        zone_id text NOT NULL,
        datetime bigint NOT NULL,
        ray_name text NOT NULL,
        client_ip text NOT NULL,
        client_country text NOT NULL DEFAULT '',
        client_asn text NOT NULL DEFAULT '',
        action text NOT NULL,
        source text NOT NULL,
        rule_id text NOT NULL DEFAULT '',
        host text NOT NULL DEFAULT '',
        sample_interval integer NOT NULL DEFAULT 1,
        extra text,
        CONSTRAINT firewall_events_natural_key UNIQUE (zone_id, datetime, ray_name, rule_id, source, action)
      ) PARTITION BY RANGE (datetime);

      CREATE TABLE http_analytics (
        id bigserial NOT NULL,
        zone_id text NOT NULL,
        hour bigint NOT NULL,
        client_ip text NOT NULL DEFAULT '',
        client_country text NOT NULL DEFAULT '',
        requests bigint NOT NULL,
        CONSTRAINT http_analytics_natural_key UNIQUE (zone_id, hour, client_ip, client_country)
      ) PARTITION BY RANGE (hour);

      CREATE TABLE pull_state (
        zone_id text NOT NULL,
        dataset text NOT NULL,
        covered_from bigint NOT NULL,
        covered_to bigint NOT NULL,
        last_pull_at bigint NOT NULL,
        settled_to bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (zone_id, dataset)
      );

      CREATE TABLE holds (
        id text PRIMARY KEY,
        network text NOT NULL,
        country text,
        from_ts bigint,
        to_ts bigint,
        reason text NOT NULL,
        reference text,
        until_ts bigint,
        created_at bigint NOT NULL,
        created_by text NOT NULL,
        released_at bigint,
        released_by text,
        release_reason text
      );

      CREATE TABLE audit_log (
        seq bigint PRIMARY KEY,
        entry text NOT NULL,
        hash text NOT NULL
      );
      -- Also the lock every append takes (SELECT ... FOR UPDATE), so two hosts never both write seq N+1.
      CREATE TABLE audit_head (
        id integer PRIMARY KEY CHECK (id = 1),
        checkpoint text NOT NULL
      );

      CREATE TABLE meta (
        key text PRIMARY KEY,
        value text NOT NULL
      );

      CREATE TABLE stats_daily (
        dataset text NOT NULL,
        day bigint NOT NULL,
        zone_id text NOT NULL,
        country text NOT NULL,
        count bigint NOT NULL,
        distinct_ips bigint,
        PRIMARY KEY (dataset, day, zone_id, country)
      );
      CREATE TABLE stats_rollups (
        dataset text NOT NULL,
        day bigint NOT NULL,
        zone_id text NOT NULL,
        rolled_up_at bigint NOT NULL,
        rolled_up_for text NOT NULL,
        cells bigint NOT NULL,
        suppressed_cells bigint NOT NULL,
        PRIMARY KEY (dataset, day, zone_id)
      );

      CREATE TABLE cloudflare_object_activity (
        object_id text PRIMARY KEY,
        kind text NOT NULL,
        last_seen_at bigint,
        evidence_from bigint NOT NULL,
        folded_to bigint NOT NULL,
        updated_at bigint NOT NULL
      );

      -- Rows held per dataset, UTC day (unix day number), zone and country: kept by every insert and delete in the
      -- same transaction, so inventory reads counts instead of scanning tens of millions of rows.
      CREATE TABLE row_counts (
        dataset text NOT NULL,
        day bigint NOT NULL,
        zone_id text NOT NULL,
        client_country text NOT NULL,
        rows bigint NOT NULL,
        PRIMARY KEY (dataset, day, zone_id, client_country)
      );
    `,
  },
  {
    version: 6,
    name: 'audit entries by run and event',
    sql: `
      -- As SQLite's version 6: columns computed from the entry, so the purge reads only runs still open. STORED, as
      -- PostgreSQL computes no virtual columns. An entry that is not JSON (a damaged or tampered row, which audit
      -- verify reports) reads as NULL, as in SQLite: a plain cast would fail this migration on it, and with it every
      -- command, verify included.
      CREATE FUNCTION audit_entry_json(entry text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
      BEGIN
        RETURN entry::jsonb;
      EXCEPTION WHEN invalid_text_representation THEN
        RETURN NULL;
      END
      $fn$;
      ALTER TABLE audit_log
        ADD COLUMN run_id text GENERATED ALWAYS AS (audit_entry_json(entry) ->> 'run_id') STORED,
        ADD COLUMN event text GENERATED ALWAYS AS (audit_entry_json(entry) ->> 'event') STORED,
        ADD COLUMN command text GENERATED ALWAYS AS (audit_entry_json(entry) ->> 'command') STORED;
      CREATE INDEX audit_log_run ON audit_log (run_id, seq) INCLUDE (event, command) WHERE run_id IS NOT NULL;
      CREATE INDEX audit_log_event ON audit_log (event, run_id, seq) INCLUDE (command);
      CREATE INDEX audit_log_earlier_runs ON audit_log (seq)
        WHERE event = 'purge.reclaimed' AND (audit_entry_json(entry) -> 'details' -> 'earlier_runs') <> '[]'::jsonb;
    `,
  },
];
