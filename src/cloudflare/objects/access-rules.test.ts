import { describe, expect, it } from 'vitest';
import { mergeAccessRules, ownerOfRule, toAccessRule } from './access-rules.js';
import type { ObjectScope } from './types.js';

const ZONE: ObjectScope = { type: 'zone', id: '0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e' };
const ACCOUNT: ObjectScope = { type: 'account', id: 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1' };
const raw = (id: string, scope: unknown) => ({
  id,
  mode: 'block',
  configuration: { target: 'ip', value: '203.0.113.5' },
  notes: '',
  created_on: '2026-01-01T00:00:00Z',
  ...(scope === undefined ? {} : { scope }),
});

describe('ownerOfRule', () => {
  it.each([
    ['zone', ZONE, { type: 'zone', id: ZONE.id }, ZONE],
    ['organization (A3), listed in a zone', ZONE, { type: 'organization', id: ACCOUNT.id }, ACCOUNT],
    ['user, listed in a zone', ZONE, { type: 'user', id: ACCOUNT.id }, ACCOUNT],
    ['account, listed in a zone', ZONE, { type: 'account', id: ACCOUNT.id }, ACCOUNT],
    ['organization, listed in its account', ACCOUNT, { type: 'organization', id: ACCOUNT.id, name: 'Luxeret' }, ACCOUNT],
    ['no scope: where it was listed', ZONE, undefined, ZONE],
    ['a scope without an id: where it was listed', ACCOUNT, { type: 'organization' }, ACCOUNT],
    ['an unknown scope type: where it was listed', ZONE, { type: 'galaxy', id: 'x' }, ZONE],
  ])('%s', (_name, listedIn, scope, expected) => {
    expect(ownerOfRule(raw('r1', scope), listedIn)).toEqual(expected);
  });
});

describe('mergeAccessRules', () => {
  it.each(['organization', 'user', 'account'])('keeps an account rule (scope %s) seen in its zone and its account once, owned by the account', (type) => {
    const scope = { type, id: ACCOUNT.id };
    const inZone = [toAccessRule(raw('own', { type: 'zone', id: ZONE.id }), ZONE), toAccessRule(raw('shared', scope), ZONE)];
    const inAccount = [toAccessRule(raw('shared', scope), ACCOUNT)];
    // Either order of reading gives the same answer.
    for (const lists of [
      [inAccount, inZone],
      [inZone, inAccount],
    ]) {
      const merged = mergeAccessRules(lists);
      expect(merged.map((rule) => [rule.id, rule.scope])).toEqual(
        expect.arrayContaining([
          ['own', ZONE],
          ['shared', ACCOUNT],
        ]),
      );
      expect(merged).toHaveLength(2);
      expect(merged.find((rule) => rule.id === 'shared')?.seenIn).toEqual(expect.arrayContaining([ZONE, ACCOUNT]));
    }
  });

  it('owns an account rule seen only through a zone listing by its account', () => {
    const [rule] = mergeAccessRules([[toAccessRule(raw('shared', { type: 'organization', id: ACCOUNT.id }), ZONE)]]);
    expect(rule?.scope).toEqual(ACCOUNT);
    expect(rule?.seenIn).toEqual([ZONE]);
  });
});
