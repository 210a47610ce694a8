/** The commented example config that `init` writes when none exists. */
export const EXAMPLE_CONFIG = `# luxeret-privacy configuration. Secrets never go here: the API token comes from
# CLOUDFLARE_API_TOKEN (environment or a .env file in the working directory).

# Optional: the account, for account-level IP Access Rules and IP lists.
# account_id: "0123456789abcdef0123456789abcdef"

# Optional: the data controller's name, shown in reports.
# controller: "Luxeret"

# The zones whose security events and request analytics are pulled.
zones: []
#  - id: "0123456789abcdef0123456789abcdef"
#    name: "luxeret.com"

# How long each kind of record serves its purpose (DDoS and hacking defence).
# Durations: 30d, 12h, 45m, 90s, or ISO-8601 such as P30D.
retention:
  firewall_events: 30d   # local security events, counted from the event time
  http_analytics: 30d    # local per-IP / per-country request analytics
  access_rules: 90d      # Cloudflare IP Access Rules (block/challenge) with no recent events
  list_items: 90d        # items of the managed IP lists below

# IP lists whose items this tool may delete when their purpose has ended. Other lists are only reported.
managed_lists: []
#  - blocked_ips

# Anonymised statistics: cells with fewer events or IPs than this are suppressed.
statistics:
  min_count: 10

# Cloudflare serves analytics rows a few minutes late: every pull re-reads this much of what it already
# covered, and purge relies only on what is older than the last pull less this overlap.
pull:
  overlap: 10m

# The most Cloudflare-side deletions one purge may make without --force.
safety:
  max_deletes: 500
  # How much of the Logpush archives one purge may read (object sizes, 500MB, 2GB …) to look inside the objects
  # an IP or country hold overlaps; those it cannot read in time are kept as undetermined.
  archive_scan_budget: 1GB

# Extra firewall-event fields to keep beyond the minimum (off by default: not needed for the purpose).
# fields: [clientRequestPath, clientRequestQuery, userAgent]

# Overwrite deleted records and truncate the WAL so purged data cannot be restored (PIPA Art. 21).
secure_delete: true

# Zone for time options written without Z or an offset (--until 2027-06-01 is midnight there); default UTC.
# timezone: Asia/Seoul

# Language of the HTML and Markdown reports and the ledger: en or ko. Unset, reports are Korean when LANG or
# LC_ALL starts with ko and English otherwise; the ledger is Korean. --lang overrides it.
# lang: ko

# Lodge each new signed audit head outside this machine after every run that wrote to the audit log
# (docs/audit.md): the command gets the head line on stdin; if it fails, the run exits 4.
# audit:
#   lodge_command: "logger -t luxeret-audit"
#   timestamp_url: "http://timestamp.example.com/tsa"     # optional RFC 3161 time stamps of each lodged head
#   tsa_certificate: "/etc/luxeret-privacy/tsa.pem"      # the TSA certificate verify checks tokens against

# PostgreSQL store only: how long your base backups (and archived WAL) are kept. Rows a purge deletes live on in
# them that long; inventory reports until when (location postgres/wal-and-backups). Unset: reported as unknown.
# backup_retention: 14d

# Logpush archives in your own R2/S3 buckets: inventory reports each as archive/<name> (README, "Logpush archives").
# Credentials come from the AWS SDK's chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE), never from here.
# archives:
#   - name: firewall
#     url: s3://luxeret-logs/firewall/
#     endpoint: https://<account_id>.r2.cloudflarestorage.com   # R2; omit for AWS S3
#     region: auto                                               # R2; default us-east-1
#     retention: 30d                                             # default: retention.firewall_events
# Prometheus text exposition written after every pull, purge and inventory (atomically), for node_exporter's textfile
# collector; --metrics-file overrides it. README "Metrics" lists the metrics and example alert rules.
# metrics:
#   file: /var/lib/node_exporter/textfile_collector/luxeret.prom
`;
