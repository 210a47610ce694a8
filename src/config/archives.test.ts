import { describe, expect, it } from 'vitest';
import { buildConfig } from './config.js';

describe('archives:', () => {
  it('reads an R2 and an S3 archive with their defaults; retention falls back to firewall_events', () => {
    const { config, problems } = buildConfig({
      retention: { firewall_events: '14d' },
      archives: [
        { name: 'r2-firewall', url: 's3://luxeret-logs/firewall/', endpoint: 'https://0123.r2.cloudflarestorage.com', region: 'auto', retention: '7d' },
        { name: 'aws', url: 's3://luxeret-aws/http' },
      ],
    });
    expect(problems).toEqual([]);
    expect(config?.archives).toEqual([
      {
        name: 'r2-firewall',
        url: 's3://luxeret-logs/firewall/',
        location: { bucket: 'luxeret-logs', prefix: 'firewall/' },
        endpoint: 'https://0123.r2.cloudflarestorage.com',
        region: 'auto',
        forcePathStyle: true,
        retention: { text: '7d', ms: 7 * 86_400_000 },
      },
      {
        name: 'aws',
        url: 's3://luxeret-aws/http',
        location: { bucket: 'luxeret-aws', prefix: 'http/' },
        endpoint: undefined,
        region: 'us-east-1',
        forcePathStyle: false,
        retention: { text: '14d', ms: 14 * 86_400_000 },
      },
    ]);
    expect(buildConfig({}).config?.archives).toEqual([]);
    expect(buildConfig({ archives: [{ name: 'a', url: 's3://bucket-a' }] }).config?.archives[0]?.location).toEqual({ bucket: 'bucket-a', prefix: '' });
  });

  it.each([
    [{ archives: 's3://x' }, 'archives: must be a list'],
    [{ archives: ['s3://bucket/x/'] }, 'archives[0]: must be a mapping with a name and a url'],
    [{ archives: [{ url: 's3://bucket/x/' }] }, 'archives[0].name: is missing'],
    [{ archives: [{ name: 'A B', url: 's3://bucket/x/' }] }, 'archives[0].name: "A B" is not a name'],
    [{ archives: [{ name: 'a', url: 'r2://bucket/x/' }] }, 'archives[0].url: "r2://bucket/x/" is not an s3://bucket/prefix/ URL'],
    [{ archives: [{ name: 'a', url: 's3://B/x/' }] }, 'archives[0].url: "B" is not a bucket name'],
    [{ archives: [{ name: 'a' }] }, 'archives[0].url: is missing'],
    [{ archives: [{ name: 'a', url: 's3://bucket/x/?region=eu' }] }, 'archives[0].url: is not a plain s3://bucket/prefix/ URL (no user, password or query'],
    [{ archives: [{ name: 'a', url: 's3://bucket/x/', endpoint: 'ftp://x' }] }, 'archives[0].endpoint: is not an http(s) URL'],
    [
      { archives: [{ name: 'a', url: 's3://bucket/x/', endpoint: 'https://key:secret@x.example' }] },
      'archives[0].endpoint: is not an http(s) URL without user, password or query',
    ],
    [{ archives: [{ name: 'a', url: 's3://bucket/x/', region: 'Europe' }] }, 'archives[0].region: "Europe" is not a region'],
    [{ archives: [{ name: 'a', url: 's3://bucket/x/', force_path_style: 'yes' }] }, 'archives[0].force_path_style: must be true or false'],
    [{ archives: [{ name: 'a', url: 's3://bucket/x/', retention: 'forever' }] }, 'archives[0].retention: "forever" is not a duration'],
    [{ archives: [{ name: 'a', url: 's3://bucket/x/', bucket: 'b' }] }, 'archives[0].bucket: unknown key'],
    [{ archives: [{ name: 'a', url: 's3://bucket/x/', secret_access_key: 'x' }] }, 'archives[0].secret_access_key: credentials never go in the config'],
    [
      {
        archives: [
          { name: 'a', url: 's3://bucket/x/' },
          { name: 'a', url: 's3://bucket/y/' },
        ],
      },
      'archives[1].name: "a" names another archive too',
    ],
  ])('refuses %j, naming the key', (doc, problem) => {
    const { config, problems } = buildConfig(doc);
    expect(config).toBeUndefined();
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });

  it('never repeats a credential-looking value in its message', () => {
    const { problems } = buildConfig({
      archives: [{ name: 'a', url: 's3://bucket/x/', access_key_id: 'AKIASECRETVALUE', endpoint: 'https://AKIAUSER:topsecret@r2.example' }],
    });
    expect(problems).toHaveLength(2);
    expect(buildConfig({ archives: [{ name: 'a', url: 's3://AKIAUSER:topsecret@bucket/x/' }] }).problems.join('\n')).not.toMatch(/AKIAUSER|topsecret/);
    expect(problems.join('\n')).not.toMatch(/AKIASECRETVALUE|AKIAUSER|topsecret/);
  });
});
