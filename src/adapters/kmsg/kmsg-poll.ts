/**
 * @module /dev/kmsg read without blocking, for the daemon: it drains the records logged since
 * its last call at each tick of its loop (a blocking read would hold a libuv thread and keep
 * the process from exiting until the kernel logs again). Opened O_NONBLOCK, each read(2)
 * returns one record; EAGAIN means none left. Records older than the start are skipped.
 */
import { closeSync, constants, openSync, readFileSync, readSync } from 'node:fs'
import { parseKmsgRecord } from './kmsg-lines.ts'

/** A non-blocking reader of new kernel log records. */
export interface KmsgPoll {
  /** The text of every record logged since the last call; a note for records lost. */
  drain(): { texts: string[]; lost: number }
  close(): void
}

/** Seconds since boot (/proc/uptime), in microseconds. */
function uptimeUsecSync(): number {
  return Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1e6)
}

/** Open `path` (throws the open error: EACCES, EPERM without CAP_SYSLOG / dmesg_restrict). */
export function openKmsgPoll(path = '/dev/kmsg'): KmsgPoll {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  const since = uptimeUsecSync()
  const buf = Buffer.alloc(8192)
  let lastSeq: number | null = null
  return {
    drain() {
      const texts: string[] = []
      let lost = 0
      for (;;) {
        let n: number
        try {
          n = readSync(fd, buf, 0, buf.length, null)
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code
          // EPIPE: records were overwritten before they were read; the next read goes on.
          if (code === 'EPIPE') continue
          if (code === 'EAGAIN' || code === 'EWOULDBLOCK') break
          throw error
        }
        if (n <= 0) break
        const r = parseKmsgRecord(buf.toString('utf8', 0, n))
        if (!r) continue
        if (lastSeq !== null && r.seq > lastSeq + 1) lost += r.seq - lastSeq - 1
        lastSeq = r.seq
        if (r.usec >= since) texts.push(r.text)
      }
      return { texts, lost }
    },
    close: () => closeSync(fd)
  }
}
