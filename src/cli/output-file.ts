import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { StoreError, UsageError } from '../errors.js';

/**
 * Writes an `--output` file: never through a symbolic link (O_NOFOLLOW: a planted link cannot redirect a report
 * of IP data, or change the mode of what it points to), only to a regular file, and always left at `mode` (0600
 * unless the content is public), an existing file included; never into a file with other names or another owner.
 */
export function writeOutputFile(path: string, text: string, what: string, mode = 0o600): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UsageError(`--output ${path} is a symbolic link; refusing to write ${what} through it`, {
        hint: 'Name the file itself, not a link to it. Nothing was written.',
      });
    }
    throw new StoreError(`Could not write ${what} to ${path}`, { cause: err, hint: 'Check that the directory exists and is writable.' });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UsageError(`--output ${path} is not a regular file; refusing to write ${what} to it`);
    // A second name for the same file (a hard link) would carry the data, and the new mode, to wherever that name is.
    if (stat.nlink > 1)
      throw new UsageError(`--output ${path} has other names (hard links); refusing to write ${what} through it`, {
        hint: 'Name a new file. Nothing was written.',
      });
    // Someone else's file stays theirs whatever mode we set: they could read what we wrote.
    if (typeof process.geteuid === 'function' && stat.uid !== process.geteuid()) {
      throw new UsageError(`--output ${path} belongs to another user; refusing to write ${what} into it`, {
        hint: 'Name a file of your own, or a new one. Nothing was written.',
      });
    }
    fchmodSync(fd, mode);
    ftruncateSync(fd, 0);
    writeSync(fd, text);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new StoreError(`Could not write ${what} to ${path}`, { cause: err, hint: 'Check that the directory exists and is writable.' });
  } finally {
    closeSync(fd);
  }
}
