/**
 * @module The daemon's per-tick reads of /proc/meminfo and /proc/pressure/memory, made cheap for a
 * loop that runs them every second for months: each file stays open and is re-read from offset 0
 * into one reused buffer (a seq_file read at position 0 starts the file afresh), and only the
 * fields the daemon uses are picked out of the text, with no regular expression or split. The
 * values are the ones `parseMeminfo` (proc-fields.ts) and `parsePsi` (parse-proc.ts) give.
 */
import { closeSync, openSync, readSync } from 'node:fs'
import { join } from 'node:path'
import type { PsiLine } from './host-source.ts'
import type { MemInfo, Psi } from './memory-source.ts'

/** A file kept open and re-read whole from offset 0; null when it cannot be read. */
class KeptFile {
  private fd = -1
  private readonly path: string
  private buffer = Buffer.allocUnsafe(4096)

  constructor(path: string) {
    this.path = path
  }

  read(): string | null {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        if (this.fd < 0) this.fd = openSync(this.path, 'r')
        return this.readAll()
      } catch {
        this.close()
      }
    }
    return null
  }

  close(): void {
    if (this.fd < 0) return
    try {
      closeSync(this.fd)
    } catch {
      /* already closed */
    }
    this.fd = -1
  }

  private readAll(): string {
    let length = 0
    for (;;) {
      if (length === this.buffer.length) {
        const bigger = Buffer.allocUnsafe(this.buffer.length * 2)
        this.buffer.copy(bigger)
        this.buffer = bigger
      }
      const n = readSync(this.fd, this.buffer, length, this.buffer.length - length, length)
      if (n === 0) return this.buffer.toString('latin1', 0, length)
      length += n
    }
  }
}

/** The integer after `key` (e.g. "MemTotal:") at the start of a line, or 0. */
function fieldAfter(text: string, key: string): number {
  let at = text.startsWith(key) ? 0 : text.indexOf(`\n${key}`)
  if (at < 0) return 0
  if (at > 0) at += 1
  return parseInt(text.slice(at + key.length, text.indexOf('\n', at)).trim(), 10) || 0
}

/** One PSI line's numbers ("some avg10=0.00 avg60=0.00 avg300=0.00 total=0"). */
function psiLine(text: string, prefix: string): PsiLine | null {
  let start = 0
  if (!text.startsWith(prefix)) {
    const i = text.indexOf(`\n${prefix}`)
    if (i < 0) return null
    start = i + 1
  }
  const end = text.indexOf('\n', start)
  const line = text.slice(start, end < 0 ? text.length : end)
  const get = (k: string): number => {
    const i = line.indexOf(k)
    if (i < 0) return 0
    const j = line.indexOf(' ', i)
    return Number(line.slice(i + k.length, j < 0 ? line.length : j)) || 0
  }
  return {
    avg10: get('avg10='),
    avg60: get('avg60='),
    avg300: get('avg300='),
    totalUs: get('total=')
  }
}

/** The fields of /proc/meminfo the daemon uses (kB; missing fields read as 0). */
export function meminfoFields(text: string): MemInfo {
  return {
    memTotalKb: fieldAfter(text, 'MemTotal:'),
    memAvailableKb: fieldAfter(text, 'MemAvailable:'),
    swapTotalKb: fieldAfter(text, 'SwapTotal:'),
    swapFreeKb: fieldAfter(text, 'SwapFree:'),
    anonPagesKb: fieldAfter(text, 'AnonPages:')
  }
}

/** /proc/pressure/memory's two lines. */
export function psiFields(text: string): Psi {
  return {
    some: psiLine(text, 'some ') ?? { avg10: 0, avg60: 0, avg300: 0, totalUs: 0 },
    full: psiLine(text, 'full ')
  }
}

/** meminfo and PSI from kept-open files; each null when its file cannot be read. */
export interface SystemReader {
  meminfo(): MemInfo | null
  psi(): Psi | null
  close(): void
}

export function createSystemReader(procRoot = '/proc'): SystemReader {
  const meminfo = new KeptFile(join(procRoot, 'meminfo'))
  const pressure = new KeptFile(join(procRoot, 'pressure', 'memory'))
  return {
    meminfo() {
      const text = meminfo.read()
      return text === null ? null : meminfoFields(text)
    },
    psi() {
      const text = pressure.read()
      return text === null ? null : psiFields(text)
    },
    close() {
      meminfo.close()
      pressure.close()
    }
  }
}
