import { describe, expect, it } from 'vitest';
import { buildConfig } from './config.js';

const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';

describe('buildConfig', () => {
  it('applies defaults to an empty document', () => {
    const { config } = buildConfig(null);
    expect(config?.retention.firewallEvents.ms).toBe(30 * 86_400_000);
    expect(config?.retention.accessRules.text).toBe('90d');
    expect(config?.safety.maxDeletes).toBe(500);
    expect(config?.secureDelete).toBe(true);
    expect(config?.pull.overlap).toEqual({ text: '10m', ms: 600_000 });
  });

  it('reads every documented key', () => {
    const { config, problems } = buildConfig({
      account_id: 'a'.repeat(32),
      zones: [{ id: ZONE, name: 'luxeret.com' }],
      retention: { firewall_events: 'P7D', http_analytics: '12h', access_rules: '45m', list_items: '90s' },
      managed_lists: ['blocked_ips'],
      statistics: { min_count: 5 },
      safety: { max_deletes: 20 },
      pull: { overlap: 'PT15M' },
      fields: ['userAgent'],
      secure_delete: true,
      timezone: 'Asia/Seoul',
    });
    expect(problems).toEqual([]);
    expect(config?.timeZone).toBe('Asia/Seoul');
    expect(config?.zones).toEqual([{ id: ZONE, name: 'luxeret.com' }]);
    expect(config?.retention.listItems.ms).toBe(90_000);
    expect(config?.fields).toEqual(['userAgent']);
    expect(config?.pull.overlap.ms).toBe(900_000);
  });

  it.each([
    [undefined, undefined],
    ['14d', { text: '14d', ms: 14 * 86_400_000 }],
    ['P2W', { text: 'P2W', ms: 14 * 86_400_000 }],
  ])('reads backup_retention: %s (how long PostgreSQL base backups are kept; unset: unknown)', (value, expected) => {
    const { config, problems } = buildConfig(value === undefined ? {} : { backup_retention: value });
    expect(problems).toEqual([]);
    expect(config?.backupRetention).toEqual(expected);
  });

  it.each(['two weeks', 14, '101y'])('refuses backup_retention: %j, naming the key', (value) => {
    expect(buildConfig({ backup_retention: value }).problems).toEqual([
      expect.stringContaining(`backup_retention: ${JSON.stringify(value)} is not a duration`),
    ]);
  });

  it.each([
    ['0s', 0],
    ['1d', 86_400_000],
  ])('accepts pull.overlap %s (0 turns the re-read off; a day at most)', (overlap, ms) => {
    expect(buildConfig({ pull: { overlap } }).config?.pull.overlap.ms).toBe(ms);
  });

  it.each([
    [{ overlap: '25h' }, 'pull.overlap: "25h" is not a duration of at most 1d'],
    [{ overlap: 10 }, 'pull.overlap: 10 is not a duration of at most 1d'],
    [{ overlap: '10m', settle: '2m' }, 'pull.settle: unknown key (known: overlap)'],
    ['10m', 'pull: must be a mapping'],
  ])('refuses pull %j, naming the key', (pull, problem) => {
    const { config, problems } = buildConfig({ pull });
    expect(config).toBeUndefined();
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });

  it('reports every problem at once, naming the key path', () => {
    const { config, problems } = buildConfig({
      account_id: 'nope',
      zones: [{ id: ZONE }, { name: 'x' }],
      retention: { firewall_events: '30x', http_analytic: '1d' },
      safety: { max_deletes: -1 },
      fields: ['cookies'],
      colour: 'blue',
    });
    expect(config).toBeUndefined();
    expect(problems).toEqual(
      expect.arrayContaining([
        'account_id: "nope" is not a 32-character hex id',
        'zones[1].id: is missing',
        expect.stringContaining('retention.firewall_events: "30x" is not a duration'),
        expect.stringContaining('retention.http_analytic: unknown key'),
        expect.stringContaining('safety.max_deletes: -1'),
        expect.stringContaining('fields[0]: "cookies"'),
        expect.stringContaining('colour: unknown key'),
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it.each([
    ['en', 'en'],
    ['ko', 'ko'],
    [undefined, undefined],
  ] as const)('reads lang: %s', (lang, expected) => {
    const { config, problems } = buildConfig(lang === undefined ? {} : { lang });
    expect(problems).toEqual([]);
    expect(config?.lang).toBe(expected);
  });

  it.each(['fr', 'KO', 'ko_KR', 1])('refuses lang: %s, naming the languages there are', (lang) => {
    expect(buildConfig({ lang }).problems).toEqual([`lang: ${JSON.stringify(lang)} is not a language of the reports (use en or ko)`]);
  });

  it('defaults the time zone to UTC and refuses unknown zones, absurd durations and numbers', () => {
    expect(buildConfig(null).config?.timeZone).toBe('UTC');
    const { problems } = buildConfig({ timezone: 'Mars/Olympus', retention: { firewall_events: '200000000d' }, safety: { max_deletes: 1e300 } });
    expect(problems).toEqual([
      'retention.firewall_events: "200000000d" is not a duration of at most 100 years (use 30d, 12h, 45m, 90s or ISO-8601 like P30D)',
      'safety.max_deletes: 1e+300 is not a whole number of 0 or more',
      'timezone: "Mars/Olympus" is not an IANA time zone (for example UTC or Asia/Seoul)',
    ]);
  });

  it('reads safety.archive_scan_budget (default 1GB) and names it when it is no size', () => {
    expect(buildConfig(null).config?.safety.archiveScanBudget).toEqual({ text: '1GB', bytes: 1e9 });
    expect(buildConfig({ safety: { archive_scan_budget: '500MB' } }).config?.safety.archiveScanBudget).toEqual({ text: '500MB', bytes: 5e8 });
    expect(buildConfig({ safety: { archive_scan_budget: 250_000 } }).config?.safety.archiveScanBudget.bytes).toBe(250_000);
    expect(buildConfig({ safety: { archive_scan_budget: '2GiB' } }).problems).toEqual([
      'safety.archive_scan_budget: "2GiB" is not a size (a whole number of bytes, or decimal units like 500MB or 2GB)',
    ]);
  });

  it('reads the audit section and names its problems', () => {
    const audit = { lodge_command: 'logger -t luxeret-audit', timestamp_url: 'http://127.0.0.1:3180/tsa', tsa_certificate: '/etc/tsa.pem' };
    expect(buildConfig({ audit }).config?.audit).toEqual({
      lodgeCommand: audit.lodge_command,
      timestampUrl: audit.timestamp_url,
      tsaCertificate: audit.tsa_certificate,
    });
    expect(buildConfig(null).config?.audit).toEqual({ lodgeCommand: undefined, timestampUrl: undefined, tsaCertificate: undefined });
    expect(buildConfig({ audit: { lodge_command: ' ', timestamp_url: 'ftp://x', lodge: 1 } }).problems).toEqual([
      'audit.lodge: unknown key (known: lodge_command, timestamp_url, tsa_certificate)',
      'audit.lodge_command: must not be empty',
      'audit.timestamp_url: "ftp://x" is not an http(s) URL',
      'audit.tsa_certificate: needed with audit.timestamp_url (the PEM certificate tokens are checked against)',
    ]);
    expect(buildConfig({ audit: { timestamp_url: 'https://tsa.example', tsa_certificate: '/x.pem' } }).problems).toEqual([
      'audit.timestamp_url: needs audit.lodge_command (a token is taken for each lodged head)',
    ]);
  });
});
