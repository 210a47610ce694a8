import { describe, expect, it } from 'vitest';
import { StoreError } from '../errors.js';
import {
  buildEmptyLocation,
  buildInventory,
  collectInventory,
  formatTimestamp,
  formatWindow,
  sortCountries,
  type LocationBuilder,
  type LocationId,
} from './inventory.js';
import { selectMessages } from '../report/messages/index.js';
import { sayNotes } from '../../test/helpers/notes.js';

const NOW = new Date('2025-03-01T00:00:00Z');

describe('sortCountries', () => {
  it('orders by count descending, then code, and sums duplicates', () => {
    expect(
      sortCountries([
        { code: 'US', count: 3 },
        { code: 'KR', count: 5 },
        { code: 'DE', count: 3 },
        { code: 'US', count: 2 },
      ]),
    ).toEqual([
      { code: 'KR', count: 5 },
      { code: 'US', count: 5 },
      { code: 'DE', count: 3 },
    ]);
  });

  it('counts an empty country as XX (unknown), merged with XX', () => {
    expect(
      sortCountries([
        { code: '', count: 2 },
        { code: 'XX', count: 1 },
        { code: 'KR', count: 1 },
      ]),
    ).toEqual([
      { code: 'XX', count: 3 },
      { code: 'KR', count: 1 },
    ]);
  });

  it('drops zero counts and handles none', () => {
    expect(sortCountries([{ code: 'KR', count: 0 }])).toEqual([]);
    expect(sortCountries([])).toEqual([]);
  });
});

describe('buildInventory', () => {
  it('puts local locations first, then Cloudflare ones, each by id', () => {
    const inventory = buildInventory(NOW, [
      buildEmptyLocation('cloudflare/firewall-events', 'cloudflare', 'ok', []),
      buildEmptyLocation('local/http-analytics', 'local', 'ok', []),
      buildEmptyLocation('cloudflare/access-rules', 'cloudflare', 'ok', []),
      buildEmptyLocation('local/firewall-events', 'local', 'ok', []),
    ]);
    expect(inventory.locations.map((l) => l.id)).toEqual([
      'local/firewall-events',
      'local/http-analytics',
      'cloudflare/access-rules',
      'cloudflare/firewall-events',
    ]);
    expect(inventory.generatedAt).toBe(NOW);
  });
});

describe('collectInventory', () => {
  const ok = (id: LocationId): LocationBuilder => ({ id, kind: 'local', build: () => buildEmptyLocation(id, 'local', 'ok', []) });

  it('runs sync and async builders', async () => {
    const asyncBuilder: LocationBuilder = {
      id: 'cloudflare/lockdowns',
      kind: 'cloudflare',
      build: () => Promise.resolve(buildEmptyLocation('cloudflare/lockdowns', 'cloudflare', 'ok', [])),
    };
    const { inventory, failed } = await collectInventory([ok('local/firewall-events'), asyncBuilder], NOW);
    expect(failed).toBe(0);
    expect(inventory.locations.map((l) => l.id)).toEqual(['local/firewall-events', 'cloudflare/lockdowns']);
  });

  it('turns a known failure into an error location and carries on', async () => {
    const failing: LocationBuilder = {
      id: 'cloudflare/logpull',
      kind: 'cloudflare',
      build: () => {
        throw new StoreError('could not read', { hint: 'try again' });
      },
    };
    const { inventory, failed } = await collectInventory([failing, ok('local/firewall-events')], NOW);
    expect(failed).toBe(1);
    expect(inventory.locations[1]).toMatchObject({ id: 'cloudflare/logpull', status: 'error', records: 0, controlledBy: 'cloudflare' });
    expect(sayNotes(inventory.locations[1]!.notes)).toEqual(['could not read', 'try again']);
  });

  it('does not hide bugs', async () => {
    const buggy: LocationBuilder = {
      id: 'local/http-analytics',
      kind: 'local',
      build: () => {
        throw new TypeError('oops');
      },
    };
    await expect(collectInventory([buggy], NOW)).rejects.toThrow(TypeError);
  });
});

describe('windows and timestamps', () => {
  it.each([
    [2_678_400, '31d', '31 days'],
    [86_400, '1d', '1 day'],
    [129_600, '36h', '36 hours'],
    [3_600, '1h', '1 hour'],
    [5_400, '90m', '90 minutes'],
    [45, '45s', '45 seconds'],
  ])('%i s → %s / %s', (seconds, short, long) => {
    expect(formatWindow(seconds)).toBe(short);
    expect(selectMessages('en').window(seconds)).toBe(long);
  });

  it('writes ISO-8601 UTC to the second', () => {
    expect(formatTimestamp(new Date('2025-03-01T12:34:56.789Z'))).toBe('2025-03-01T12:34:56Z');
  });
});
