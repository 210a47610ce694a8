import { describe, expect, it } from 'vitest';
import { hostileInventory } from '../../test/helpers/inventory-fixture.js';
import { renderCsv, renderCsvCell, renderInventoryCsv } from './csv.js';

describe('renderCsvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@x', "'@x"],
    ['\tTAB', "'\tTAB"],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ['<script>alert(1)</script>', '<script>alert(1)</script>'],
    ['', ''],
    [null, ''],
    [undefined, ''],
    [0, '0'],
    [1234, '1234'],
  ])('%j → %j', (cell, expected) => {
    expect(renderCsvCell(cell)).toBe(expected);
  });
});

describe('renderCsv', () => {
  it('has a header row and CRLF after every record', () => {
    expect(renderCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });
});

describe('renderInventoryCsv', () => {
  it('has a bytes column: the size of an archive (0 when empty), empty for locations that do not count bytes', () => {
    const inventory = hostileInventory();
    const [first] = inventory.locations;
    const archive = (id: 'archive/fw' | 'archive/empty', bytes: number) => ({ ...first!, id, kind: 'archive' as const, notes: [], bytes });
    const csv = renderInventoryCsv({ ...inventory, locations: [...inventory.locations, archive('archive/fw', 123_456_789), archive('archive/empty', 0)] });
    const rows = csv
      .split('\r\n')
      .filter((line) => /^[a-z]+\/[a-z-]+,/.test(line))
      .map((line) => [line.split(',')[0], line.split(',').at(-1)]);
    expect(csv.split('\r\n')[0]!.split(',').at(-1)).toBe('bytes');
    expect(rows).toEqual([
      ['local/firewall-events', ''],
      ['local/http-analytics', ''],
      ['cloudflare/firewall-events', ''],
      ['cloudflare/lockdowns', ''],
      ['archive/fw', '123456789'],
      ['archive/empty', '0'],
    ]);
  });

  it('writes one row per location, quoted per RFC 4180, formulas defused', () => {
    expect(renderInventoryCsv(hostileInventory())).toMatchInlineSnapshot(`
      "id,kind,records,distinct_ips,countries,oldest,newest,past_retention,held,retention,controlled_by,expires,status,notes,requests,bytes
      local/firewall-events,local,1200,310,KR:700 US:300 JP:100 DE:50 FR:30 GB:15 XX:5,2025-01-02T03:04:05Z,2025-02-28T23:59:59Z,40,2,30d,us,,ok,"'=cmd|' /C calc'!A0 | a ""quoted"", comma
      and a newline | <script>alert(1)</script> | \\u001b[31mred\\u001b[0m",,
      local/http-analytics,local,0,0,,,,0,0,30d,us,,ok,,0,
      cloudflare/firewall-events,cloudflare,90,12,'+1:60 @x:30,2025-02-28T00:00:00Z,2025-02-28T12:00:00Z,0,0,1d,cloudflare,2025-03-01T12:00:00Z,ok,"'-1 zone ""shop, main"": kept by Cloudflare for 1 day; not deletable through the API",,
      cloudflare/lockdowns,cloudflare,0,0,,,,0,0,,cloudflare,,not_available,not available on this plan,,
      "
    `);
  });
});
