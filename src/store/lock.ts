import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { LockedError, StoreError } from '../errors.js';

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly started_at: string;
}

export interface HeldLock {
  /** Set when a stale lock from a dead process was taken over. */
  readonly tookOverFrom: LockInfo | undefined;
  release(): void;
}

/**
 * One run at a time per LUXERET_HOME: an exclusive-create lock file naming its owner. A lock whose process is gone
 * (same host, pid not alive) is stale and taken over; one held by a live process makes this run exit 6.
 */
export function acquireLock(path: string, command: string, now: Date, isAlive: (pid: number) => boolean = isProcessAlive): HeldLock {
  const info: LockInfo = { pid: process.pid, host: hostname(), command, started_at: now.toISOString() };
  let tookOverFrom: LockInfo | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(info) + '\n');
      closeSync(fd);
      return { tookOverFrom, release: () => releaseLock(path, info) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreError(`Could not create the lock file ${path}`, { cause: err });
    }
    const holder = readLock(path);
    if (holder && (holder.host !== info.host || isAlive(holder.pid))) {
      throw new LockedError(`Another luxeret-privacy run holds the lock (${holder.command}, pid ${holder.pid} on ${holder.host}, since ${holder.started_at})`, {
        hint: `Nothing was done. If no such run exists, remove ${path}.`,
      });
    }
    // Stale (its process is dead) or unreadable (a crash mid-write): take it over.
    tookOverFrom = holder ?? { pid: 0, host: info.host, command: 'unknown', started_at: 'unknown' };
    try {
      unlinkSync(path);
    } catch {
      // Someone else took it over first; the next attempt will see their lock.
    }
  }
  throw new LockedError(`Could not take the lock ${path}: other runs keep taking it`);
}

function readLock(path: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof parsed.pid === 'number' ? (parsed as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

function releaseLock(path: string, info: LockInfo): void {
  const holder = readLock(path);
  if (holder?.pid === info.pid && holder.started_at === info.started_at) unlinkSync(path);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
