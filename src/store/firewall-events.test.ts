import { describe, expect, it } from 'vitest';
import type { Db } from './db.js';
import { countFirewallEvents, createFirewallEventWriter, listFirewallEventKeys, type FirewallEventRecord } from './firewall-events.js';
import { useTempStore } from '../../test/helpers/store.js';

let db: Db;
useTempStore((opened) => (db = opened));

const event = (over: Partial<FirewallEventRecord> = {}): FirewallEventRecord => ({
  zoneId: 'z1',
  datetime: 1_760_954_454,
  rayName: '8c1a2b3c4d5e6f70',
  clientIp: '203.0.113.69',
  clientCountry: 'GB',
  clientAsn: '5089',
  action: 'block',
  source: 'firewallCustom',
  ruleId: 'r1',
  host: 'shop.example.com',
  sampleInterval: 1,
  extra: null,
  ...over,
});

describe('firewall event writer', () => {
  it('stores each natural key once and counts the duplicates it skipped', () => {
    const writer = createFirewallEventWriter(db);
    // One Ray ID matched by two rules is two events; the same event pulled twice is one.
    expect(writer.insert([event(), event({ ruleId: 'r2', source: 'waf' }), event()])).toEqual({ inserted: 2, duplicates: 1 });
    expect(writer.insert([event({ clientIp: '198.51.100.1' })])).toEqual({ inserted: 0, duplicates: 1 });
    expect(writer.insert([event({ zoneId: 'z2' })])).toEqual({ inserted: 1, duplicates: 0 });
    expect(countFirewallEvents(db)).toBe(3);
    expect(countFirewallEvents(db, 'z1')).toBe(2);
    expect(listFirewallEventKeys(db, 'z1').sort()).toEqual(['1760954454|8c1a2b3c4d5e6f70|r1|firewallCustom|block', '1760954454|8c1a2b3c4d5e6f70|r2|waf|block']);
  });
});
