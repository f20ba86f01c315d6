/**
 * @module A descriptor (stdin) read as a stream of chunks into one reused buffer: a long pipe
 * (`journalctl -k | oomkit explain -`) then leaves no trail of chunk buffers for the garbage
 * collector, so memory stays flat whatever the input's length. Each chunk is valid until the
 * next one is asked for: a consumer that keeps bytes copies them.
 */
import { closeSync, openSync, read } from 'node:fs'

const CHUNK = 1 << 20

/**
 * Stdin reopened through /proc/self/fd/0: Node puts descriptor 0 of a pipe in non-blocking mode
 * (reads would fail with EAGAIN), a new open of the same pipe or file blocks as a read should.
 * Null when it cannot be reopened (the caller reads the stream instead).
 */
export function reopenStdin(): AsyncGenerator<Buffer> | null {
  let fd: number
  try {
    fd = openSync('/proc/self/fd/0', 'r')
  } catch {
    return null
  }
  return fdChunks(fd)
}

/** Read `fd` to its end, then close it. */
async function* fdChunks(fd: number): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(CHUNK)
  try {
    yield* readLoop(fd, buf)
  } finally {
    closeSync(fd)
  }
}

async function* readLoop(fd: number, buf: Buffer): AsyncGenerator<Buffer> {
  for (;;) {
    const n = await new Promise<number>((done, fail) => {
      read(fd, buf, 0, CHUNK, null, (error, bytes) => (error ? fail(error) : done(bytes)))
    })
    if (n === 0) return
    yield buf.subarray(0, n)
  }
}
