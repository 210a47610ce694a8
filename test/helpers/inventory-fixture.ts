import type { Inventory } from '../../src/inventory/inventory.js';
import type { LocationNote } from '../../src/inventory/notes.js';

/** Text shown as it came, in every format and language: the hostile values reach the formatters unchanged. */
const verbatim = (text: string): LocationNote => ({ code: 'verbatim', text });

/** An inventory whose values try every trick a formatter must survive: commas, quotes, newlines, formulas, HTML, ESC. */
export function hostileInventory(): Inventory {
  return {
    generatedAt: new Date('2025-03-01T00:00:00Z'),
    locations: [
      {
        id: 'local/firewall-events',
        kind: 'local',
        records: 1200,
        distinctIps: 310,
        countries: [
          { code: 'KR', count: 700 },
          { code: 'US', count: 300 },
          { code: 'JP', count: 100 },
          { code: 'DE', count: 50 },
          { code: 'FR', count: 30 },
          { code: 'GB', count: 15 },
          { code: 'XX', count: 5 },
        ],
        oldest: new Date('2025-01-02T03:04:05Z'),
        newest: new Date('2025-02-28T23:59:59Z'),
        pastRetention: 40,
        held: 2,
        retention: '30d',
        controlledBy: 'us',
        expires: undefined,
        status: 'ok',
        notes: [
          verbatim("=cmd|' /C calc'!A0"),
          verbatim('a "quoted", comma\nand a newline'),
          verbatim('<script>alert(1)</script>'),
          verbatim('\u001b[31mred\u001b[0m'),
        ],
      },
      {
        id: 'local/http-analytics',
        kind: 'local',
        records: 0,
        distinctIps: 0,
        countries: [],
        oldest: undefined,
        newest: undefined,
        pastRetention: 0,
        held: 0,
        retention: '30d',
        controlledBy: 'us',
        expires: undefined,
        status: 'ok',
        notes: [],
        requests: 0,
      },
      {
        id: 'cloudflare/firewall-events',
        kind: 'cloudflare',
        records: 90,
        distinctIps: 12,
        countries: [
          { code: '+1', count: 60 },
          { code: '@x', count: 30 },
        ],
        oldest: new Date('2025-02-28T00:00:00Z'),
        newest: new Date('2025-02-28T12:00:00Z'),
        pastRetention: 0,
        held: 0,
        retention: '1d',
        controlledBy: 'cloudflare',
        expires: new Date('2025-03-01T12:00:00Z'),
        status: 'ok',
        notes: [verbatim('-1 zone "shop, main": kept by Cloudflare for 1 day; not deletable through the API')],
        zones: [
          {
            zoneId: '0123456789abcdef0123456789abcdef',
            name: 'shop, "main"',
            windowSeconds: 86_400,
            records: 90,
            oldest: new Date('2025-02-28T00:00:00Z'),
            newest: new Date('2025-02-28T12:00:00Z'),
            expires: new Date('2025-03-01T12:00:00Z'),
          },
        ],
      },
      {
        id: 'cloudflare/lockdowns',
        kind: 'cloudflare',
        records: 0,
        distinctIps: 0,
        countries: [],
        oldest: undefined,
        newest: undefined,
        pastRetention: 0,
        held: 0,
        retention: undefined,
        controlledBy: 'cloudflare',
        expires: undefined,
        status: 'not_available',
        notes: [verbatim('not available on this plan')],
      },
    ],
  };
}
