/**
 * @module A log file as a `ByteSource` for `oomkit explain`: positioned reads on a regular file;
 * a pipe or character device (`<(journalctl -k)`, /dev/stdin) has no size, so it is read to its
 * end first and handed over in memory.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { bufferSource } from './byte-source.ts'
import type { ByteSource } from './byte-source.ts'

const CHUNK = 1 << 20

/** Everything a non-seekable descriptor yields until end of file. */
function readToEnd(fd: number): Buffer {
  const parts: Buffer[] = []
  for (;;) {
    const b = Buffer.allocUnsafe(CHUNK)
    const n = readSync(fd, b, 0, CHUNK, null)
    if (n <= 0) break
    parts.push(b.subarray(0, n))
  }
  return Buffer.concat(parts)
}

/** Open `path`, hand its bytes to `use`, close it (I/O errors are thrown as Node errors). */
export function withFileSource<T>(path: string, use: (source: ByteSource) => T): T {
  const fd = openSync(path, 'r')
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) return use(bufferSource(readToEnd(fd)))
    return use({
      size: st.size,
      readInto: (into, offset, length, position) => readSync(fd, into, offset, length, position)
    })
  } finally {
    closeSync(fd)
  }
}
