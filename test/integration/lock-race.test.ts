import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/cli.js';
import { childEnv } from '../helpers/child-env.js';
import { sourceModuleUrl } from '../helpers/source-cli.js';

const LOCK_MODULE = sourceModuleUrl('store/lock');

/**
 * A separate process that waits for the common start, tries the lock once and reports it; a winner keeps holding
 * it (alive, so the lock is not stale) until the test has every outcome and stops them all — on a loaded machine a
 * late starter must still find the winner alive, not a lock its exited owner left behind.
 */
function taker(path: string, startAt: number): { outcome: Promise<string>; stop: () => void } {
  const script = `
    const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)});
    while (Date.now() < ${startAt}) {}
    let outcome;
    try { acquireLock(${JSON.stringify(path)}, 'purge', new Date()); outcome = 'won'; }
    catch (err) { outcome = err.name === 'LockedError' ? 'locked' : 'error ' + err.message; }
    process.stdout.write(outcome + '\\n');
    if (outcome === 'won') await new Promise((r) => setTimeout(r, 120000));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  const outcome = new Promise<string>((done, fail) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) done(out.trim());
    });
    child.on('error', fail);
    child.on('exit', () => done(out.trim()));
  });
  return { outcome, stop: () => void child.kill() };
}

describe('lock takeover with many concurrent takers', () => {
  it.each([1, 2, 3])('round %i: of 10 processes taking over one stale lock at once, exactly one gets it', async () => {
    const temp = makeTempDir();
    try {
      const path = join(temp.dir, 'luxeret.lock');
      writeFileSync(path, JSON.stringify({ pid: 999_999_999, host: hostname(), command: 'purge', started_at: '2025-01-01T00:00:00.000Z' }));
      const startAt = Date.now() + 1500;
      const takers = Array.from({ length: 10 }, () => taker(path, startAt));
      try {
        const outcomes = await Promise.all(takers.map((t) => t.outcome));
        expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
        expect(outcomes.filter((o) => o !== 'won' && o !== 'locked')).toEqual([]);
      } finally {
        for (const t of takers) t.stop();
      }
    } finally {
      temp.cleanup();
    }
  });
});
