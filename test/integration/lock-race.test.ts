import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/cli.js';
import { childEnv } from '../helpers/child-env.js';

const LOCK_MODULE = pathToFileURL(resolve(import.meta.dirname, '../../dist/store/lock.js')).href;

/** A separate process that waits for the common start, tries the lock once, and holds it a while if it got it. */
function taker(path: string, startAt: number): Promise<string> {
  const script = `
    const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)});
    while (Date.now() < ${startAt}) {}
    let outcome;
    try { acquireLock(${JSON.stringify(path)}, 'purge', new Date()); outcome = 'won'; }
    catch (err) { outcome = err.name === 'LockedError' ? 'locked' : 'error ' + err.message; }
    process.stdout.write(outcome);
    if (outcome === 'won') await new Promise((r) => setTimeout(r, 1500));
  `;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', fail);
    child.on('exit', () => done(out));
  });
}

describe('lock takeover with many concurrent takers', () => {
  it.each([1, 2, 3])('round %i: of 10 processes taking over one stale lock at once, exactly one gets it', async () => {
    const temp = makeTempDir();
    try {
      const path = join(temp.dir, 'luxeret.lock');
      writeFileSync(path, JSON.stringify({ pid: 999_999_999, host: hostname(), command: 'purge', started_at: '2025-01-01T00:00:00.000Z' }));
      const startAt = Date.now() + 1500;
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => taker(path, startAt)));
      expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'won' && o !== 'locked')).toEqual([]);
    } finally {
      temp.cleanup();
    }
  });
});
