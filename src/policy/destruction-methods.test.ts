import { describe, expect, it } from 'vitest';
import { DESTRUCTION_METHODS, selectDestructionMethod, selectLocalPurgeMethod } from './destruction-methods.js';

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

describe('selectLocalPurgeMethod', () => {
  it.each([
    ['sqlite', true, [], 'localSecure'],
    ['sqlite', false, [], 'localPlain'],
    ['postgres', true, ['partition-dropped'], 'pgPartitionDropped'],
    ['postgres', false, ['rows-deleted'], 'pgRowsVacuumed'],
    ['postgres', true, ['partition-dropped', 'rows-deleted', 'partition-dropped'], 'pgDroppedAndVacuumed'],
    ['postgres', true, [], 'pgRowsVacuumed'],
  ] as const)('%s, secure_delete %s, partitions %j: %s', (store, secureDelete, methods, expected) => {
    expect(selectLocalPurgeMethod(store, secureDelete, methods)).toBe(expected);
  });

  it('words the PostgreSQL methods as the issue names them', () => {
    expect(DESTRUCTION_METHODS.pgPartitionDropped).toContain('partition dropped');
    expect(DESTRUCTION_METHODS.pgRowsVacuumed).toContain('rows deleted + vacuumed');
  });
});
