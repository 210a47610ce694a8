import { describe, expect, it } from 'vitest';
import { parseNetwork, type Network } from '../policy/network.js';
import { parseExpression } from './expression.js';
import { mergeAccessRules, toAccessRule } from './objects/access-rules.js';
import type { AccessRule, CloudflareObjects, CustomRule, ListItem, Lockdown } from './objects/types.js';
import { findSubjectReach, selectReachedIds } from './subject-reach.js';

const ZONE = '0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e';
const ACCOUNT = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
const at = new Date('2026-01-01T00:00:00Z');
const net = (text: string): Network => parseNetwork(text)!;

function rule(id: string, target: string, value: string, scope: 'zone' | 'account' = 'zone'): AccessRule {
  return toAccessRule(
    { id, mode: 'block', configuration: { target, value }, notes: '', created_on: at.toISOString() },
    { type: scope, id: scope === 'zone' ? ZONE : ACCOUNT },
  );
}

function item(id: string, ip: string): ListItem {
  return {
    id,
    listId: 'l1',
    listName: 'blocked',
    accountId: ACCOUNT,
    isManaged: true,
    ip,
    network: parseNetwork(ip),
    comment: '',
    createdOn: at,
    modifiedOn: undefined,
  };
}

function lockdown(id: string, values: string[]): Lockdown {
  return {
    id,
    zoneId: ZONE,
    description: '',
    paused: false,
    urls: [],
    configurations: values.map((value) => ({ target: 'ip', value, network: parseNetwork(value) })),
    createdOn: at,
    modifiedOn: at,
  };
}

function custom(id: string, expression: string): CustomRule {
  return {
    id,
    zoneId: ZONE,
    rulesetId: 'rs',
    action: 'block',
    description: '',
    enabled: true,
    expression,
    lastUpdated: at,
    parsed: parseExpression(expression),
  };
}

const objects: CloudflareObjects = {
  fetchedAt: at,
  zones: [],
  accountIds: [ACCOUNT],
  accessRules: [
    rule('r-ip', 'ip', '203.0.113.5'),
    rule('r-range', 'ip_range', '203.0.113.0/24'),
    rule('r-other', 'ip', '198.51.100.1'),
    rule('r-country', 'country', 'RU'),
    rule('r-v6', 'ip6', '2001:db8::5'),
  ],
  lists: [],
  listItems: [item('i-ip', '203.0.113.5'), item('i-wide', '203.0.0.0/16'), item('i-v6', '2001:db8::/64'), item('i-other', '10.0.0.1')],
  lockdowns: [lockdown('l-1', ['203.0.113.5', '192.0.2.1']), lockdown('l-2', ['192.0.2.2'])],
  customRules: [
    custom('c-1', 'not ip.src in {203.0.113.0/25 192.0.2.9}'),
    custom('c-2', 'ip.src in {10.0.0.0..10.0.0.255}'),
    custom('c-3', 'ip.src.country eq "RU"'),
  ],
  logRetention: [],
  logpushJobs: [],
  statuses: [],
};

const reach = (text: string) => findSubjectReach(objects, net(text)).objects.map((o) => `${o.kind}:${o.id}${'values' in o ? `[${o.values.join(' ')}]` : ''}`);

describe('findSubjectReach', () => {
  it('finds every object naming an address or a range that contains it', () => {
    expect(reach('203.0.113.5')).toEqual([
      'access-rule:r-ip',
      'access-rule:r-range',
      'list-item:i-ip',
      'list-item:i-wide',
      'lockdown:l-1[203.0.113.5]',
      'custom-rule:c-1[203.0.113.0/25]',
    ]);
  });

  it('for a range, also finds addresses and ranges inside it', () => {
    expect(reach('203.0.113.0/24')).toEqual([
      'access-rule:r-ip',
      'access-rule:r-range',
      'list-item:i-ip',
      'list-item:i-wide',
      'lockdown:l-1[203.0.113.5]',
      'custom-rule:c-1[203.0.113.0/25]',
    ]);
  });

  it('matches IPv6 items stored as /64 and expression ranges', () => {
    expect(reach('2001:db8::5')).toEqual(['access-rule:r-v6', 'list-item:i-v6']);
    expect(reach('10.0.0.77')).toEqual(['custom-rule:c-2[10.0.0.0..10.0.0.255]']);
    expect(reach('10.0.0.1')).toEqual(['list-item:i-other', 'custom-rule:c-2[10.0.0.0..10.0.0.255]']);
  });

  it('finds nothing for an address no object names', () => {
    expect(reach('8.8.8.8')).toEqual([]);
    expect(reach('2001:db8:1::5')).toEqual([]);
  });

  it('reaches the same objects for an IPv4-mapped or -compatible spelling of an IPv4 address', () => {
    const plain = reach('203.0.113.5');
    expect(plain.length).toBeGreaterThan(0);
    expect(reach('::ffff:203.0.113.5')).toEqual(plain);
    expect(reach('::FFFF:cb00:7105')).toEqual(plain);
    expect(reach('::203.0.113.5')).toEqual(plain);
  });

  it('selectReachedIds collects the rule and item ids a set of held networks keeps', () => {
    const ids = selectReachedIds(objects, [net('198.51.100.1'), net('10.0.0.0/30')]);
    expect([...ids.accessRules]).toEqual(['r-other']);
    expect([...ids.listItems]).toEqual(['i-other']);
  });
});

describe('mergeAccessRules', () => {
  it('keeps an account rule once, scoped to the account, when a zone list repeats it', () => {
    const viaZone = rule('shared', 'ip', '203.0.113.9', 'zone');
    const viaAccount = rule('shared', 'ip', '203.0.113.9', 'account');
    const merged = mergeAccessRules([[viaAccount], [viaZone, rule('own', 'ip', '203.0.113.10')]]);
    expect(merged.map((r) => [r.id, r.scope.type, r.seenIn.length])).toEqual([
      ['shared', 'account', 2],
      ['own', 'zone', 1],
    ]);
    const reversed = mergeAccessRules([[viaZone], [viaAccount]]);
    expect(reversed[0]?.scope.type).toBe('account');
  });
});
