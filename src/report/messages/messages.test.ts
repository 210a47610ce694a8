import { describe, expect, it } from 'vitest';
import { DESTRUCTION_METHODS } from '../../policy/destruction-methods.js';
import { LANGS, renderMessage, selectMessages } from './index.js';

describe('the ledger method', () => {
  it('words each recorded method for the Korean ledger, earlier texts included, and leaves unknown ones as recorded', () => {
    const { method } = selectMessages('ko').ledger;
    expect(method(DESTRUCTION_METHODS.localSecure)).toMatch(/^복원이 불가능한 방법으로 영구 삭제/);
    expect(method('SQLite DELETE with secure_delete, WAL checkpoint(TRUNCATE) and incremental vacuum')).toBe(method(DESTRUCTION_METHODS.localSecure));
    expect(method(DESTRUCTION_METHODS.listItems)).toBe('Cloudflare API로 삭제: IP 목록 항목 일괄 삭제(비동기 작업), 완료까지 확인');
    expect(method('shredded by hand')).toBe('shredded by hand');
  });

  it('shows the recorded text itself in English', () => {
    const old = 'SQLite DELETE with secure_delete, WAL checkpoint(TRUNCATE) and incremental vacuum';
    expect(selectMessages('en').ledger.method(old)).toBe(old);
  });
});

describe('renderMessage', () => {
  it('words a reason nested in a note in the same language', () => {
    const note = { code: 'objects.kept_undetermined', count: 2, reason: { code: 'undetermined.zone_not_pulled', zoneId: 'z1' } } as const;
    expect(renderMessage(selectMessages('en'), note)).toBe('2 kept as undetermined: no security events have been pulled for zone z1');
    expect(renderMessage(selectMessages('ko'), note)).toBe('2개 보관 (판단 보류: 영역 z1의 보안 이벤트를 아직 가져오지(pull) 않음)');
  });

  it.each(LANGS)('shows text that is not ours as it came in %s', (lang) => {
    expect(renderMessage(selectMessages(lang), { code: 'verbatim', text: '<b>403</b>' })).toBe('<b>403</b>');
  });

  it.each([
    [2_678_400, '31 days', '31일'],
    [86_400, '1 day', '1일'],
    [129_600, '36 hours', '36시간'],
    [5_400, '90 minutes', '90분'],
    [45, '45 seconds', '45초'],
  ])('words a window of %i s as %s / %s', (seconds, en, ko) => {
    expect(selectMessages('en').window(seconds)).toBe(en);
    expect(selectMessages('ko').window(seconds)).toBe(ko);
  });
});
