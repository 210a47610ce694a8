import { describe, expect, it } from 'vitest';
import { hostileInventory } from '../../test/helpers/inventory-fixture.js';
import { renderInventoryJson } from './json.js';

describe('renderInventoryJson', () => {
  it('writes the documented shape: stable key order, ISO-8601 UTC, nulls, countries in order', () => {
    expect(renderInventoryJson(hostileInventory())).toMatchInlineSnapshot(`
      "{
        "generated_at": "2025-03-01T00:00:00Z",
        "locations": [
          {
            "id": "local/firewall-events",
            "kind": "local",
            "records": 1200,
            "distinct_ips": 310,
            "countries": {
              "KR": 700,
              "US": 300,
              "JP": 100,
              "DE": 50,
              "FR": 30,
              "GB": 15,
              "XX": 5
            },
            "oldest": "2025-01-02T03:04:05Z",
            "newest": "2025-02-28T23:59:59Z",
            "past_retention": 40,
            "held": 2,
            "retention": "30d",
            "controlled_by": "us",
            "expires": null,
            "status": "ok",
            "notes": [
              "=cmd|' /C calc'!A0",
              "a \\"quoted\\", comma\\nand a newline",
              "<script>alert(1)</script>",
              "\\u001b[31mred\\u001b[0m"
            ]
          },
          {
            "id": "local/http-analytics",
            "kind": "local",
            "records": 0,
            "distinct_ips": 0,
            "countries": {},
            "oldest": null,
            "newest": null,
            "past_retention": 0,
            "held": 0,
            "retention": "30d",
            "controlled_by": "us",
            "expires": null,
            "status": "ok",
            "notes": [],
            "requests": 0
          },
          {
            "id": "cloudflare/firewall-events",
            "kind": "cloudflare",
            "records": 90,
            "distinct_ips": 12,
            "countries": {
              "+1": 60,
              "@x": 30
            },
            "oldest": "2025-02-28T00:00:00Z",
            "newest": "2025-02-28T12:00:00Z",
            "past_retention": 0,
            "held": 0,
            "retention": "1d",
            "controlled_by": "cloudflare",
            "expires": "2025-03-01T12:00:00Z",
            "status": "ok",
            "notes": [
              "-1 zone \\"shop, main\\": kept by Cloudflare for 1 day; not deletable through the API"
            ],
            "zones": [
              {
                "zone_id": "0123456789abcdef0123456789abcdef",
                "name": "shop, \\"main\\"",
                "window_seconds": 86400,
                "records": 90,
                "oldest": "2025-02-28T00:00:00Z",
                "newest": "2025-02-28T12:00:00Z",
                "expires": "2025-03-01T12:00:00Z"
              }
            ]
          },
          {
            "id": "cloudflare/lockdowns",
            "kind": "cloudflare",
            "records": 0,
            "distinct_ips": 0,
            "countries": {},
            "oldest": null,
            "newest": null,
            "past_retention": 0,
            "held": 0,
            "retention": null,
            "controlled_by": "cloudflare",
            "expires": null,
            "status": "not_available",
            "notes": [
              "not available on this plan"
            ]
          }
        ]
      }
      "
    `);
  });

  it('always lists the common keys in the same order, extras after them', () => {
    const doc = JSON.parse(renderInventoryJson(hostileInventory())) as { locations: Record<string, unknown>[] };
    const common = [
      'id',
      'kind',
      'records',
      'distinct_ips',
      'countries',
      'oldest',
      'newest',
      'past_retention',
      'held',
      'retention',
      'controlled_by',
      'expires',
      'status',
      'notes',
    ];
    expect(Object.keys(doc.locations[0]!)).toEqual(common);
    expect(Object.keys(doc.locations[1]!)).toEqual([...common, 'requests']);
    expect(Object.keys(doc.locations[2]!)).toEqual([...common, 'zones']);
    expect(Object.keys(doc.locations[3]!)).toEqual(common);
  });

  it('is the same text for the same inventory', () => {
    expect(renderInventoryJson(hostileInventory())).toBe(renderInventoryJson(hostileInventory()));
  });
});
