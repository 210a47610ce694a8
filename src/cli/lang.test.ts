import { describe, expect, it } from 'vitest';
import { selectLang } from './lang.js';

describe('selectLang', () => {
  it.each([
    ['--lang wins over everything', 'en', 'ko', { LANG: 'ko_KR.UTF-8' }, undefined, 'en'],
    ['then lang: of the config', undefined, 'ko', { LANG: 'en_US.UTF-8' }, undefined, 'ko'],
    ['then a Korean LANG', undefined, undefined, { LANG: 'ko_KR.UTF-8' }, undefined, 'ko'],
    ['LC_ALL over LANG, as POSIX orders them', undefined, undefined, { LC_ALL: 'C', LANG: 'ko_KR.UTF-8' }, undefined, 'en'],
    ['a Korean LC_ALL', undefined, undefined, { LC_ALL: 'ko_KR.UTF-8', LANG: 'en_US.UTF-8' }, undefined, 'ko'],
    ['then English', undefined, undefined, {}, undefined, 'en'],
    ['the ledger: Korean whatever the locale', undefined, undefined, { LANG: 'en_US.UTF-8' }, 'ko', 'ko'],
    ['the ledger: lang: makes it English', undefined, 'en', {}, 'ko', 'en'],
  ] as const)('%s', (_name, flag, configured, env, fallback, expected) => {
    expect(selectLang(flag, configured, env, fallback)).toBe(expected);
  });
});
