import { createHash, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
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
 *
 * Race-free: the file appears complete or not at all (written aside, then hard-linked into place, which fails if the
 * name exists), and a stale lock is removed only by the one taker that exclusively creates the takeover marker
 * named after that very file (inode and content), after checking the file is still that one.
 */
export function acquireLock(path: string, command: string, now: Date, isAlive: (pid: number) => boolean = isProcessAlive): HeldLock {
  const info: LockInfo = { pid: process.pid, host: hostname(), command, started_at: now.toISOString() };
  const body = JSON.stringify(info) + '\n';
  let tookOverFrom: LockInfo | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(path, body)) return { tookOverFrom, release: () => releaseLock(path, info) };
    const seen = readLockFile(path);
    if (!seen) continue; // released meanwhile: try again
    const holder = parseLock(seen.text);
    if (holder && (holder.host !== info.host || isAlive(holder.pid))) {
      throw new LockedError(`Another luxeret-privacy run holds the lock (${holder.command}, pid ${holder.pid} on ${holder.host}, since ${holder.started_at})`, {
        hint: `Nothing was done. If no such run exists, remove ${path}.`,
      });
    }
    // Stale (its process is dead) or unreadable (written by an older version that could crash mid-write).
    const marker = `${path}.takeover-${seen.ino}-${createHash('sha256').update(seen.text).digest('hex').slice(0, 16)}`;
    if (!createExclusive(marker, body)) {
      throw new LockedError(`Another luxeret-privacy run is taking over the stale lock ${path}`, {
        hint: `Nothing was done. If no run is active, remove ${path} and ${marker}.`,
      });
    }
    try {
      const again = readLockFile(path);
      if (again && again.ino === seen.ino && again.text === seen.text) unlinkSync(path);
    } finally {
      unlinkSync(marker);
    }
    tookOverFrom = holder ?? { pid: 0, host: info.host, command: 'unknown', started_at: 'unknown' };
  }
  throw new LockedError(`Could not take the lock ${path}: other runs keep taking it`);
}

/** Creates `path` with `body`, complete, only if nothing has that name; false when something has. */
function createExclusive(path: string, body: string): boolean {
  const aside = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(aside, body, { mode: 0o600, flag: 'wx' });
    linkSync(aside, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError(`Could not create the lock file ${path}`, { cause: err });
  } finally {
    rmSync(aside, { force: true });
  }
}

function readLockFile(path: string): { ino: number; text: string } | undefined {
  try {
    const ino = statSync(path).ino;
    return { ino, text: readFileSync(path, 'utf8') };
  } catch {
    return undefined;
  }
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<LockInfo>;
    return typeof parsed.pid === 'number' ? (parsed as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

function readLock(path: string): LockInfo | undefined {
  const seen = readLockFile(path);
  return seen && parseLock(seen.text);
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
