/**
 * @module Writing a whole file at once: the text goes to a temporary file in the same
 * directory, which is renamed over the target only when every byte is on disk. On any error the
 * temporary file is removed, so a full disk leaves the old content in place and no partial file.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** The temporary name next to `file` (same directory, so the rename stays on one file system). */
function tempNameFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`)
}

/** Write `data` to `file` through a temporary file and a rename; throws the file-system error. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const temp = tempNameFor(file)
  let fd: number | undefined
  try {
    fd = openSync(temp, 'wx', 0o644)
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    let done = 0
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    renameSync(temp, file)
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd)
    unlinkQuietly(temp)
    throw error
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    /* already failing: the first error is the one to report */
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    /* it may never have been created */
  }
}

/** The one wording for a file-system error code, shared by every command. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'is a directory'
    case 'ENOTDIR':
      return 'not a directory'
    case 'ENOSPC':
      return 'no space left on device'
    case 'EROFS':
      return 'read-only file system'
    case 'EDQUOT':
      return 'disk quota exceeded'
    default:
      return code ?? (error as Error).message
  }
}
