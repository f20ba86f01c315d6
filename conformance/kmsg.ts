/**
 * @module The kernel log as records, read from /dev/kmsg: a persistent non-blocking reader that
 * returns only records newer than the last read, formatted as `dmesg` prints them
 * (`[%5lu.%06lu] text`). Selecting by sequence number (not by line count) is robust to the
 * ring buffer wrapping; a marker line written before each case makes the boundary visible.
 */
import { closeSync, openSync, readFileSync, readSync, constants, writeFileSync } from 'node:fs'

/** One kernel log record. */
export interface KmsgRecord {
  seq: number
  /** Timestamp in microseconds since boot. */
  usec: number
  /** Syslog level 0..7. */
  level: number
  /** The message, unescaped (one printk line). */
  text: string
}

/** `[%5lu.%06lu]` as dmesg prints a timestamp. */
export function dmesgTimestamp(usec: number): string {
  const sec = Math.floor(usec / 1e6)
  const frac = String(usec % 1e6).padStart(6, '0')
  return `[${String(sec).padStart(5, ' ')}.${frac}]`
}

/** A record as a dmesg line. */
export function dmesgLine(r: KmsgRecord): string {
  return `${dmesgTimestamp(r.usec)} ${r.text}`
}

/** Undo /dev/kmsg's \xNN escaping of non-printable bytes. */
function unescape(s: string): string {
  return s.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
}

/** Parse one /dev/kmsg read: "prio,seq,usec,flags[,...];message\n[ KEY=value\n...]". */
export function parseKmsgRecord(raw: string): KmsgRecord | null {
  const semi = raw.indexOf(';')
  if (semi < 0) return null
  const head = raw.slice(0, semi).split(',')
  const body = raw.slice(semi + 1).split('\n')[0] ?? ''
  const prio = Number(head[0])
  return { seq: Number(head[1]), usec: Number(head[2]), level: prio & 7, text: unescape(body) }
}

/** A reader positioned at the end of the log when created. */
export class KmsgReader {
  private fd: number
  private readonly buf = Buffer.alloc(16384)
  /** Records lost because the ring buffer overwrote them before we read them. */
  lost = 0

  /** What was already in the log when the reader was opened. */
  readonly backlog: KmsgRecord[]

  constructor() {
    this.fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK)
    this.backlog = this.read() // drain: start after everything already logged
  }

  /** Every record logged since the previous call. */
  read(): KmsgRecord[] {
    const out: KmsgRecord[] = []
    for (;;) {
      let n: number
      try {
        n = readSync(this.fd, this.buf, 0, this.buf.length, null)
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (code === 'EAGAIN') break
        if (code === 'EPIPE') {
          this.lost++
          continue
        }
        throw e
      }
      if (n <= 0) break
      const rec = parseKmsgRecord(this.buf.toString('utf8', 0, n))
      if (rec !== null) out.push(rec)
    }
    return out
  }

  close(): void {
    closeSync(this.fd)
  }
}

/** Write a marker line into the kernel log (shows up as a record with our text). */
export function writeMarker(text: string): void {
  writeFileSync('/dev/kmsg', `${text}\n`)
}

/** Seconds since boot (/proc/uptime), the clock of the kernel log timestamps. */
export function uptimeUsec(): number {
  return Math.round(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1e6)
}
