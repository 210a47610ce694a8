import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { StoreError, UsageError } from '../errors.js';

/**
 * Writes an `--output` file: never through a symbolic link (O_NOFOLLOW: a planted link cannot redirect a report
 * of IP data, or change the mode of what it points to), only to a regular file, and always left at `mode` (0600
 * unless the content is public), an existing file included.
 */
export function writeOutputFile(path: string, text: string, what: string, mode = 0o600): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UsageError(`--output ${path} is a symbolic link; refusing to write ${what} through it`, { hint: 'Name the file itself, not a link to it. Nothing was written.' });
    }
    throw new StoreError(`Could not write ${what} to ${path}`, { cause: err, hint: 'Check that the directory exists and is writable.' });
  }
  try {
    if (!fstatSync(fd).isFile()) throw new UsageError(`--output ${path} is not a regular file; refusing to write ${what} to it`);
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
