import { describe, expect, it } from 'vitest';
import { describeMethodInKorean, DESTRUCTION_METHODS } from './destruction-methods.js';

describe('describeMethodInKorean', () => {
  it('words each recorded method for the Korean ledger, earlier texts included, and leaves unknown ones as recorded', () => {
    expect(describeMethodInKorean(DESTRUCTION_METHODS.localSecure.en)).toMatch(/^복원이 불가능한 방법으로 영구 삭제/);
    expect(describeMethodInKorean('SQLite DELETE with secure_delete, WAL checkpoint(TRUNCATE) and incremental vacuum')).toBe(DESTRUCTION_METHODS.localSecure.ko);
    expect(describeMethodInKorean(DESTRUCTION_METHODS.listItems.en)).toBe(DESTRUCTION_METHODS.listItems.ko);
    expect(describeMethodInKorean('shredded by hand')).toBe('shredded by hand');
  });

  it('has a distinct recorded text for every method', () => {
    const texts = Object.values(DESTRUCTION_METHODS).map((method) => method.en);
    expect(new Set(texts).size).toBe(texts.length);
  });
});
