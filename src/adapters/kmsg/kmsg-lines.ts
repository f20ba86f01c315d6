/**
 * @module /dev/kmsg as a stream of dmesg-style lines ("[  123.456789] text"), for
 * `explain --follow`. Each read of /dev/kmsg returns one record, "PRI,SEQ,USEC,FLAGS;text",
 * followed by " KEY=value" dictionary lines (dropped). Records logged before `sinceUsec` (the
 * backlog) are skipped; records overwritten before they were read (EPIPE, a jump in SEQ) are
 * reported as a line of their own, so the reader can say what it missed, and reading goes on.
 */
import { constants } from 'node:fs'
import { open, readFile } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'

/** One parsed /dev/kmsg record. */
export interface KmsgRecord {
  seq: number
  usec: number
  text: string
}

const RECORD = /^(\d+),(\d+),(\d+),[^;]*;(.*)$/

/** Parse one record (the first line of a read); null for anything else. */
export function parseKmsgRecord(chunk: string): KmsgRecord | null {
  const nl = chunk.indexOf('\n')
  const m = RECORD.exec(nl < 0 ? chunk : chunk.slice(0, nl))
  if (!m) return null
  return { seq: Number(m[2]), usec: Number(m[3]), text: m[4] ?? '' }
}

/** A record as a dmesg line. */
export function kmsgLine(r: KmsgRecord): string {
  const s = Math.floor(r.usec / 1e6)
  const us = String(r.usec % 1e6).padStart(6, '0')
  return `[${String(s).padStart(5)}.${us}] ${r.text}`
}

/** Seconds since boot (/proc/uptime), in microseconds. */
export async function uptimeUsec(): Promise<number> {
  const text = await readFile('/proc/uptime', 'utf8')
  return Math.floor(Number(text.split(' ')[0]) * 1e6)
}

/** The line that reports records lost between two reads (`explain --follow` reports it). */
export function lostLine(count: number | null): string {
  return `oomkit: /dev/kmsg: ${count ?? 'some'} messages lost (overwritten in the ring buffer before they were read)`
}

/** How long to wait before asking /dev/kmsg again when it has nothing new. */
const POLL_MS = 20

/** Wait `ms`, or less if `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const t = setTimeout(done, ms)
    function done(): void {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** One read of /dev/kmsg: a record, 'again' (nothing new yet) or 'lost' (EPIPE). */
type Read =
  { kind: 'record'; text: string } | { kind: 'again' } | { kind: 'lost' } | { kind: 'end' }

/** What kmsgLines reads through (a FileHandle; tests hand in a fake). */
export type KmsgFile = Pick<FileHandle, 'read' | 'close'>

async function readRecord(fh: KmsgFile, buf: Buffer): Promise<Read> {
  try {
    const { bytesRead } = await fh.read(buf, 0, buf.length, null)
    // /dev/kmsg never ends; a file or a device that does ends the stream.
    if (bytesRead === 0) return { kind: 'end' }
    return { kind: 'record', text: buf.toString('utf8', 0, bytesRead) }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EAGAIN') return { kind: 'again' }
    // devkmsg_read(): the reader's record was overwritten; the kernel moves it to the oldest
    // record still held and returns EPIPE once. The next read goes on from there.
    if (code === 'EPIPE') return { kind: 'lost' }
    throw error
  }
}

/**
 * The lines of /dev/kmsg from `sinceUsec` on, as they are logged. Ends when `signal` aborts.
 * One record per read, as /dev/kmsg requires; non-blocking, so an abort never waits on a read.
 * Records overwritten before they were read (EPIPE, or a jump in SEQ) become a `lostLine()`.
 */
export async function* kmsgLines(
  sinceUsec: number,
  signal?: AbortSignal,
  path = '/dev/kmsg',
  openFile: (path: string) => Promise<KmsgFile> = p =>
    open(p, constants.O_RDONLY | constants.O_NONBLOCK)
): AsyncGenerator<string> {
  const fh = await openFile(path)
  const buf = Buffer.alloc(64 * 1024)
  let lastSeq: number | null = null
  let lost = false
  try {
    while (signal?.aborted !== true) {
      const read = await readRecord(fh, buf)
      if (read.kind === 'end') return
      if (read.kind === 'again') {
        await pause(POLL_MS, signal)
        continue
      }
      if (read.kind === 'lost') {
        lost = true
        continue
      }
      const r = parseKmsgRecord(read.text)
      if (!r) continue
      if (lastSeq !== null && r.seq > lastSeq + 1) yield lostLine(r.seq - lastSeq - 1)
      else if (lost) yield lostLine(null)
      lost = false
      lastSeq = r.seq
      if (r.usec >= sinceUsec) yield kmsgLine(r)
    }
  } finally {
    await fh.close()
  }
}
