import { describe, expect, it } from 'vitest';
import { DESTRUCTION_METHODS, selectDestructionMethod } from './destruction-methods.js';

describe('selectDestructionMethod', () => {
  it('names the method of each recorded text, earlier texts included, and none for a text it does not know', () => {
    expect(selectDestructionMethod(DESTRUCTION_METHODS.localSecure)).toBe('localSecure');
    expect(selectDestructionMethod('SQLite DELETE with secure_delete, WAL checkpoint(TRUNCATE) and incremental vacuum')).toBe('localSecure');
    expect(selectDestructionMethod(DESTRUCTION_METHODS.listItems)).toBe('listItems');
    expect(selectDestructionMethod('shredded by hand')).toBeUndefined();
  });

  it('has a distinct recorded text for every method', () => {
    const texts = Object.values(DESTRUCTION_METHODS);
    expect(new Set(texts).size).toBe(texts.length);
  });
});
