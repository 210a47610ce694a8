import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/cli.js';
import { LockedError } from '../errors.js';
import { acquireLock } from './lock.js';

const NOW = new Date('2025-03-01T00:00:00Z');
let cleanup = () => {};
afterEach(() => cleanup());

function lockPath(): string {
  const temp = makeTempDir();
  cleanup = temp.cleanup;
  return join(temp.dir, 'luxeret.lock');
}

describe('acquireLock', () => {
  it('refuses a second holder while the first lives, and frees on release', () => {
    const path = lockPath();
    const first = acquireLock(path, 'purge', NOW);
    expect(() => acquireLock(path, 'purge', NOW)).toThrow(LockedError);
    first.release();
    expect(existsSync(path)).toBe(false);
    acquireLock(path, 'purge', NOW).release();
  });

  it('takes over a stale lock from a dead process and says so', () => {
    const path = lockPath();
    const stale = { pid: 999_999_999, host: hostname(), command: 'purge', started_at: '2025-02-01T00:00:00.000Z' };
    writeFileSync(path, JSON.stringify(stale));
    const lock = acquireLock(path, 'purge', NOW, () => false);
    expect(lock.tookOverFrom).toEqual(stale);
    lock.release();
  });

  it('takes over a lock file left empty by a crash mid-write', () => {
    const path = lockPath();
    writeFileSync(path, '');
    const lock = acquireLock(path, 'purge', NOW);
    expect(lock.tookOverFrom?.command).toBe('unknown');
    lock.release();
  });
});
