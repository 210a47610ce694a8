import { describe, expect, it } from 'vitest';
import { parseExpression } from '../cloudflare/expression.js';
import type { CloudflareObjects, ReadStatus } from '../cloudflare/objects/types.js';
import { parseDuration } from '../config/duration.js';
import { parseNetwork } from '../policy/network.js';
import { buildCloudflareAccessRulesLocation } from './cloudflare-access-rules.js';
import { buildCloudflareCustomRulesLocation } from './cloudflare-custom-rules.js';
import { buildCloudflareListItemsLocation } from './cloudflare-list-items.js';
import { buildCloudflareLockdownsLocation } from './cloudflare-lockdowns.js';
import { buildCloudflareLogpullLocation } from './cloudflare-logpull.js';
import { buildObjectStatus } from './cloudflare-object-status.js';
import { sayNotes } from '../../test/helpers/notes.js';

const Z1 = '0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e';
const Z2 = '0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f';
const A = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
const at = new Date('2026-01-01T00:00:00Z');
const days90 = parseDuration('90d')!;

const empty: CloudflareObjects = {
  fetchedAt: at,
  zones: [
    { id: Z1, name: 'shop.example', plan: 'enterprise', accountId: A },
    { id: Z2, name: undefined, plan: 'free', accountId: A },
  ],
  accountIds: [A],
  accessRules: [],
  lists: [],
  listItems: [],
  lockdowns: [],
  customRules: [],
  logRetention: [],
  logpushJobs: [],
  statuses: [],
};

const status = (part: ReadStatus['part'], id: string, state: ReadStatus['state'], message?: string): ReadStatus => ({
  part,
  scope: { type: id === A ? 'account' : 'zone', id },
  state,
  message,
});

describe('buildObjectStatus', () => {
  it.each<[ReadStatus['state'][], string]>([
    [['ok', 'not_available'], 'ok'],
    [['ok', 'error'], 'error'],
    [['not_readable', 'not_available'], 'not_readable'],
    [['not_available', 'not_available'], 'not_available'],
    [['not_readable', 'error'], 'error'],
    [[], 'ok'],
  ])('%j → %s', (states, expected) => {
    const statuses = states.map((state, i) => status('lockdowns', i === 0 ? Z1 : Z2, state, state === 'ok' ? undefined : `why ${state}`));
    expect(buildObjectStatus({ ...empty, statuses }, ['lockdowns']).status).toBe(expected);
  });

  it('names each gated or failed scope in the notes', () => {
    const statuses = [
      status('lockdowns', Z1, 'ok'),
      { ...status('lockdowns', Z2, 'not_available', 'not available on this plan (free)'), plan: 'free' },
      { ...status('lockdowns', Z1, 'not_readable', 'not readable with this token: needs Zone WAF Read'), permission: 'Zone WAF Read' },
    ];
    const { notes } = buildObjectStatus({ ...empty, statuses }, ['lockdowns']);
    expect({ en: sayNotes(notes), ko: sayNotes(notes, 'ko') }).toEqual({
      en: [`zone ${Z2}: not available on this plan (free)`, `zone shop.example (${Z1}): not readable with this token: needs Zone WAF Read`],
      ko: [`영역 ${Z2}: 이 요금제에서는 제공되지 않음 (free)`, `영역 shop.example (${Z1}): 이 토큰으로는 읽을 수 없음: Zone WAF Read 권한 필요`],
    });
  });
});

describe('Cloudflare object locations', () => {
  it('access rules: counts, countries by code, oldest/newest, modes, purpose-rule figures', () => {
    const rule = (id: string, mode: string, target: string, value: string, day: number) => ({
      id,
      scope: { type: 'zone' as const, id: Z1 },
      seenIn: [],
      mode,
      target,
      value,
      notes: '',
      createdOn: new Date(at.getTime() + day * 86_400_000),
      modifiedOn: undefined,
      network: ['ip', 'ip6', 'ip_range'].includes(target) ? parseNetwork(value) : undefined,
    });
    const objects = {
      ...empty,
      accessRules: [
        rule('1', 'block', 'ip', '203.0.113.1', 0),
        rule('2', 'whitelist', 'ip', '203.0.113.1', 5),
        rule('3', 'block', 'country', 'ru', 2),
        rule('4', 'block', 'country', 'RU', 3),
      ],
      statuses: [status('access-rules', Z1, 'ok')],
    };
    const location = buildCloudflareAccessRulesLocation({
      objects,
      retention: days90,
      expiry: {
        expired: 1,
        held: 0,
        undetermined: 2,
        undeterminedReasons: [{ reason: { code: 'undetermined.coverage', since: '2026-01-01T00:00:00.000Z' }, count: 2 }],
      },
    });
    expect(location).toMatchObject({ records: 4, distinctIps: 1, countries: [{ code: 'RU', count: 2 }], pastRetention: 1, retention: '90d', status: 'ok' });
    expect(location.oldest).toEqual(at);
    expect(location.newest).toEqual(new Date(at.getTime() + 5 * 86_400_000));
    expect(sayNotes(location.notes)).toEqual([
      'by mode: block 3, whitelist 1',
      '1 whitelist (allow) rule(s): never deleted',
      '1 rule(s) have served their purpose (older than 90d, no recent events): the next purge deletes them',
      '2 kept as undetermined: events cover only since 2026-01-01T00:00:00.000Z',
    ]);
  });

  it('list items: managed and reported lists, a managed list that does not exist', () => {
    const list = (id: string, name: string, isManaged: boolean) => ({
      id,
      accountId: A,
      name,
      description: '',
      kind: 'ip',
      isManaged,
      numItems: 1,
      numReferencingFilters: 0,
      createdOn: at,
    });
    const item = (id: string, listId: string, ip: string) => ({
      id,
      listId,
      listName: listId,
      accountId: A,
      isManaged: listId === 'l1',
      ip,
      network: parseNetwork(ip),
      comment: '',
      createdOn: at,
      modifiedOn: undefined,
    });
    const objects = {
      ...empty,
      lists: [list('l2', 'office', false), list('l1', 'blocked', true)],
      listItems: [item('i1', 'l1', '10.0.0.1'), item('i2', 'l1', '10.0.0.2'), item('i3', 'l2', '10.0.0.1')],
      statuses: [status('list-items', A, 'ok')],
    };
    const location = buildCloudflareListItemsLocation({ objects, retention: days90, managedLists: ['blocked', 'gone'], expiry: undefined });
    expect(location).toMatchObject({ records: 3, distinctIps: 2, status: 'ok', pastRetention: 0 });
    expect(sayNotes(location.notes).slice(0, 3)).toEqual([
      'list blocked (managed: items past retention are purged): 2 item(s)',
      'list office (reported only: not in managed_lists): 1 item(s)',
      'managed list gone was not found in the account',
    ]);
  });

  it('lockdowns and custom rules are reported, not deleted', () => {
    const objects: CloudflareObjects = {
      ...empty,
      lockdowns: [
        {
          id: 'l',
          zoneId: Z1,
          description: '',
          paused: false,
          urls: [],
          configurations: ['192.0.2.1', '192.0.2.0/24', '192.0.2.1'].map((value) => ({ target: 'ip', value, network: parseNetwork(value) })),
          createdOn: at,
          modifiedOn: at,
        },
      ],
      customRules: [
        {
          id: 'c',
          zoneId: Z1,
          rulesetId: 'r',
          action: 'block',
          description: '',
          enabled: true,
          expression: '',
          lastUpdated: at,
          parsed: parseExpression('not ip.src in {192.0.2.1 999.0.0.1} or ip.src.country eq "RU" or ip.src in $blocked'),
        },
      ],
      statuses: [
        status('lockdowns', Z1, 'ok'),
        status('lockdowns', Z2, 'not_available', 'not available on this plan (free)'),
        status('custom-rules', Z1, 'ok'),
      ],
    };
    expect(buildCloudflareLockdownsLocation(objects)).toMatchObject({ records: 3, distinctIps: 2, pastRetention: 0, status: 'ok' });
    const custom = buildCloudflareCustomRulesLocation(objects);
    expect(custom).toMatchObject({ records: 1, distinctIps: 1, countries: [{ code: 'RU', count: 1 }] });
    expect(sayNotes(custom.notes)).toEqual([
      '1 of 1 custom rule(s) name IPs or countries',
      '1 address/range literal(s) are negated (the rule spares them: typically an allow-list)',
      'rules reference IP lists: $blocked',
      'rule c: "999.0.0.1" next to ip.src is not an address or range',
      "reported, not deleted: these are usually the company's own allow-lists",
    ]);
  });

  it('logpull: retention per zone, jobs shipping ClientIP/ClientCountry with redacted destinations', () => {
    const job = (id: number, fields: string[], enabled = true) => ({
      id,
      scope: { type: 'zone' as const, id: Z1 },
      name: '',
      dataset: 'http_requests',
      enabled,
      destination: 'r2://b?access-key-id=REDACTED',
      fields,
      shipsClientIp: fields.includes('ClientIP'),
      shipsClientCountry: fields.includes('ClientCountry'),
      lastComplete: undefined,
    });
    const objects: CloudflareObjects = {
      ...empty,
      logRetention: [{ zoneId: Z1, flag: true }],
      logpushJobs: [job(1, ['ClientIP']), job(2, ['RayID']), job(3, ['ClientCountry'], false)],
      statuses: [
        status('logpull-retention', Z1, 'ok'),
        status('logpull-retention', Z2, 'not_available', 'not available on this plan (free)'),
        status('logpush', Z1, 'ok'),
      ],
    };
    const location = buildCloudflareLogpullLocation(objects);
    expect(location).toMatchObject({ records: 3, controlledBy: 'cloudflare', status: 'ok' });
    expect(sayNotes(location.notes)).toEqual([
      `Logpull retention of zone ${Z2}: not available on this plan (free)`,
      `zone shop.example (${Z1}): Logpull retention on: Cloudflare keeps raw request logs with ClientIP for days`,
      `Logpush job 1 (http_requests, zone shop.example (${Z1})) ships ClientIP to r2://b?access-key-id=REDACTED`,
      `Logpush job 3 (http_requests, zone shop.example (${Z1}), disabled) ships ClientCountry to r2://b?access-key-id=REDACTED`,
      '1 other Logpush job(s) ship neither ClientIP nor ClientCountry',
    ]);
  });
});
