/**
 * @module /dev/kmsg as a stream of dmesg-style lines ("[  123.456789] text"), for
 * `explain --follow`. Each read of /dev/kmsg returns one record, "PRI,SEQ,USEC,FLAGS;text",
 * followed by " KEY=value" dictionary lines (dropped). Records logged before `sinceUsec` (the
 * backlog) are skipped; a jump in SEQ (records overwritten before they were read) is reported
 * as a line of its own, so the reader can say what it missed.
 */
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'

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

/**
 * The lines of /dev/kmsg from `sinceUsec` on, as they are logged. Ends when `signal` aborts.
 * The stream reads in 64 kB buffers: one record per read, as /dev/kmsg requires.
 */
export async function* kmsgLines(
  sinceUsec: number,
  signal?: AbortSignal,
  path = '/dev/kmsg'
): AsyncGenerator<string> {
  const stream = createReadStream(path, { highWaterMark: 64 * 1024, encoding: 'utf8' })
  signal?.addEventListener('abort', () => stream.destroy(), { once: true })
  let lastSeq: number | null = null
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const r = parseKmsgRecord(chunk)
      if (!r) continue
      if (lastSeq !== null && r.seq > lastSeq + 1)
        yield `oomkit: /dev/kmsg: ${r.seq - lastSeq - 1} records were overwritten before they were read`
      lastSeq = r.seq
      if (r.usec >= sinceUsec) yield kmsgLine(r)
    }
  } catch (error) {
    if (signal?.aborted !== true) throw error
  }
}
