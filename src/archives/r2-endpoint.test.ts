import { describe, expect, it } from 'vitest';
import { parseR2Endpoint } from './r2-endpoint.js';

const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353';

describe('parseR2Endpoint', () => {
  it.each([
    [`https://${ACCOUNT}.r2.cloudflarestorage.com`, { accountId: ACCOUNT, jurisdiction: 'default' }],
    [`https://${ACCOUNT}.r2.cloudflarestorage.com/`, { accountId: ACCOUNT, jurisdiction: 'default' }],
    [`https://${ACCOUNT.toUpperCase()}.R2.cloudflarestorage.com`, { accountId: ACCOUNT, jurisdiction: 'default' }],
    [`https://${ACCOUNT}.eu.r2.cloudflarestorage.com`, { accountId: ACCOUNT, jurisdiction: 'eu' }],
    [`https://${ACCOUNT}.fedramp.r2.cloudflarestorage.com`, { accountId: ACCOUNT, jurisdiction: 'fedramp' }],
  ])('%s → %j', (endpoint, expected) => {
    expect(parseR2Endpoint(endpoint)).toEqual(expected);
  });

  it.each([
    [undefined],
    ['http://127.0.0.1:4568'],
    ['https://s3.eu-central-1.amazonaws.com'],
    // Not a 32-hex account id, another jurisdiction, or the host only inside the path.
    [`https://${ACCOUNT.slice(1)}.r2.cloudflarestorage.com`],
    [`https://${ACCOUNT}.us.r2.cloudflarestorage.com`],
    [`https://example.com/${ACCOUNT}.r2.cloudflarestorage.com`],
    [`https://${ACCOUNT}.r2.cloudflarestorage.com.example.com`],
    ['not a url'],
  ])('%s is not an R2 endpoint', (endpoint) => {
    expect(parseR2Endpoint(endpoint)).toBeUndefined();
  });
});
