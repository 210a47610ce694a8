import { describe, expect, it } from 'vitest';
import type { DatasetSettings } from '../cloudflare/queries.js';
import { MINIMAL_FIREWALL_FIELDS, selectFirewallFields, toFirewallRecord } from './firewall-fields.js';

const settings = (availableFields: string[], maxNumberOfFields = 30): DatasetSettings => ({
  enabled: true,
  maxDuration: 86_400,
  maxNumberOfFields,
  maxPageSize: 10_000,
  notOlderThan: 86_400,
  availableFields,
});

describe('selectFirewallFields', () => {
  it('asks only for offered fields, the minimal set first, extras while room remains', () => {
    const all = [...MINIMAL_FIREWALL_FIELDS, 'userAgent', 'clientRequestPath', 'clientRequestQuery'];
    expect(selectFirewallFields(settings(all), ['userAgent', 'clientRequestPath']).fields).toEqual([
      ...MINIMAL_FIREWALL_FIELDS,
      'userAgent',
      'clientRequestPath',
    ]);
    const tight = selectFirewallFields(settings(all, 11), ['userAgent', 'clientRequestPath']);
    expect(tight.extraFields).toEqual(['userAgent']);
    expect(tight.unavailable).toEqual(['clientRequestPath']);
  });

  it('reports fields the plan does not offer, and the natural-key fields it needs', () => {
    const partial = selectFirewallFields(settings(['datetime', 'rayName', 'action', 'source', 'clientIP']), ['userAgent']);
    expect(partial.fields).toEqual(['datetime', 'rayName', 'clientIP', 'action', 'source']);
    expect(partial.keyFields).toEqual(['rayName', 'source', 'action']);
    expect(partial.unavailable).toContain('ruleId');
    expect(partial.unavailable).toContain('userAgent');
    expect(partial.missingRequired).toEqual([]);
    expect(selectFirewallFields(settings(['datetime', 'clientIP']), []).missingRequired).toEqual(['rayName', 'action', 'source']);
  });

  it.each([
    ['bare', MINIMAL_FIREWALL_FIELDS.map((f) => f)],
    ['dotted', MINIMAL_FIREWALL_FIELDS.map((f) => `firewallEventsAdaptive.${f}`)],
    ['underscore', MINIMAL_FIREWALL_FIELDS.map((f) => `firewallEventsAdaptive_${f}`)],
  ])('needs no required field wrongly under the %s spelling', (_spelling, listed) => {
    const selection = selectFirewallFields(settings(listed), []);
    expect(selection.missingRequired).toEqual([]);
    expect(selection.fields).toEqual([...MINIMAL_FIREWALL_FIELDS]);
  });

  it('asks for every field when availableFields describes none of them', () => {
    for (const listed of [[], ['some/unknown/spelling']]) {
      const selection = selectFirewallFields(settings(listed), ['userAgent']);
      expect(selection.missingRequired).toEqual([]);
      expect(selection.fields).toEqual([...MINIMAL_FIREWALL_FIELDS, 'userAgent']);
    }
  });
});

describe('toFirewallRecord', () => {
  it('maps an API row to the minimal record, extras as JSON', () => {
    const row = {
      datetime: '2026-10-20T10:00:54Z',
      rayName: 'r',
      clientIP: '2001:db8::1',
      clientCountryName: 'DE',
      action: 'log',
      source: 'waf',
      userAgent: 'curl/8',
    };
    expect(toFirewallRecord('z', row, ['userAgent'])).toEqual({
      zoneId: 'z',
      datetime: Date.parse('2026-10-20T10:00:54Z') / 1000,
      rayName: 'r',
      clientIp: '2001:db8::1',
      clientCountry: 'DE',
      clientAsn: '',
      action: 'log',
      source: 'waf',
      ruleId: '',
      host: '',
      sampleInterval: 1,
      extra: '{"userAgent":"curl/8"}',
    });
  });
});
