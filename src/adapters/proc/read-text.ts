/**
 * @module Reading small text files from /proc, /sys and cgroupfs with errno mapped to `Read`
 * failures. procfs files report size 0, so the file is read in chunks into one reused buffer
 * (open + read + close, no fstat), which keeps a full process scan cheap.
 */
import { closeSync, openSync, readSync } from 'node:fs'
import type { Read, ReadFailure } from './host-source.ts'

let buffer = Buffer.allocUnsafe(64 * 1024)

/** errno -> read failure; unexpected errors (EMFILE, EIO, ...) are rethrown. */
export function failureOf(error: unknown): ReadFailure {
  const code = (error as NodeJS.ErrnoException | null)?.code
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'absent'
    case 'ESRCH':
      return 'gone'
    case 'EACCES':
    case 'EPERM':
      return 'denied'
    default:
      throw error
  }
}

/**
 * The whole file as latin1/utf8 text, or why not. `shortReadEnds`: a read that returns less than
 * asked is the end of the file, with no read(2) to see 0 bytes. True of /proc/<pid>/ files, which
 * the kernel renders whole into one buffer (seq_file single_open(), or simple_read_from_buffer()
 * for oom_score_adj) and copies in one read when the buffer is large enough.
 */
export function readText(path: string, shortReadEnds = false): Read<string> {
  return readBytes(path, toText, shortReadEnds)
}

function toText(bytes: Buffer, length: number): string {
  return bytes.toString('utf8', 0, length)
}

/**
 * Like `readText`, but `parse` is handed the bytes read (`bytes[0, length)`, a shared buffer
 * valid only during the call) instead of a string: a parser that picks a few fields out of a
 * file need not decode all of it.
 */
export function readBytes<T>(
  path: string,
  parse: (bytes: Buffer, length: number) => T,
  shortReadEnds = false
): Read<T> {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    return { ok: false, why: failureOf(error) }
  }
  let length = 0
  try {
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2)
        buffer.copy(bigger, 0, 0, length)
        buffer = bigger
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null)
      if (n === 0) break
      length += n
      if (shortReadEnds && length < buffer.length) break
    }
  } catch (error) {
    return { ok: false, why: failureOf(error) }
  } finally {
    closeSync(fd)
  }
  return { ok: true, value: parse(buffer, length) }
}

/** Like `readText`, for a file under /proc/<pid>/: a missing file means the process is gone. */
export function readPidText(path: string): Read<string> {
  const r = readText(path, true)
  if (!r.ok && r.why === 'absent') return { ok: false, why: 'gone' }
  return r
}

/** Like `readBytes`, for a file under /proc/<pid>/: a missing file means the process is gone. */
export function readPidBytes<T>(
  path: string,
  parse: (bytes: Buffer, length: number) => T
): Read<T> {
  const r = readBytes(path, parse, true)
  if (!r.ok && r.why === 'absent') return { ok: false, why: 'gone' }
  return r
}

/** Map a successful read through `parse`; failures pass through. */
export function mapRead<T, U>(r: Read<T>, parse: (value: T) => U): Read<U> {
  return r.ok ? { ok: true, value: parse(r.value) } : r
}
