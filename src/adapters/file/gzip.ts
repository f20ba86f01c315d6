/**
 * @module Compressed logs for `oomkit explain`: a gzip file (`/var/log/syslog.2.gz`) or a gzip
 * stream on stdin (`cat kern.log.gz |`) is recognised by its magic bytes (1f 8b), whatever its
 * name, and decompressed as it is read (node:zlib; concatenated members too), so memory stays
 * bounded by the parser's blocks, not by the log. node:zlib and node:stream load only when an
 * input is gzip: a plain log starts without them.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs'

/** True when `head` starts with the gzip magic bytes. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
}

/** True when the file at `path` is gzip-compressed (I/O errors are thrown as Node errors). */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r')
  try {
    const head = Buffer.alloc(2)
    return readSync(fd, head, 0, 2, 0) === 2 && isGzip(head)
  } catch (error) {
    // A directory opens but does not read: not gzip; the caller's own read reports it.
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') return false
    throw error
  } finally {
    closeSync(fd)
  }
}

/** The decompressed bytes of a gzip file, as they are inflated. */
export async function* gunzipFile(path: string): AsyncGenerator<Buffer> {
  const { createGunzip } = await import('node:zlib')
  yield* createReadStream(path).pipe(createGunzip())
}

/** `input` as it is, or decompressed when its first bytes are the gzip magic. */
export async function* maybeGunzip(
  input: AsyncIterable<Buffer | string>
): AsyncGenerator<Buffer | string> {
  const it = input[Symbol.asyncIterator]()
  let first = await it.next()
  // Two bytes decide; a first chunk of one byte waits for the next.
  while (!first.done && first.value.length < 2) {
    const next = await it.next()
    if (next.done) break
    first = { done: false, value: Buffer.concat([toBuffer(first.value), toBuffer(next.value)]) }
  }
  if (first.done) return
  const rest = (async function* () {
    yield toBuffer(first.value)
    for (;;) {
      const r = await it.next()
      if (r.done) return
      yield toBuffer(r.value)
    }
  })()
  if (!isGzip(toBuffer(first.value))) {
    yield* rest
    return
  }
  // zlib may queue a chunk while it inflates the one before: it gets copies.
  const copies = (async function* () {
    for await (const chunk of rest) yield Buffer.from(chunk)
  })()
  const { createGunzip } = await import('node:zlib')
  const { Readable } = await import('node:stream')
  yield* Readable.from(copies).pipe(createGunzip())
}

/** A whole buffer, decompressed when it is gzip. */
export async function gunzipIfNeeded(buf: Buffer): Promise<Buffer> {
  if (!isGzip(buf)) return buf
  const { gunzipSync } = await import('node:zlib')
  return gunzipSync(buf)
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk
}
