/**
 * @module The kill journal: one JSON object per line, appended to a file with one write(2) each
 * (so a crash right after a kill still leaves the record). A `signal` record is written when a
 * victim is signalled and the `kill` record with the same `id` when the kill is judged. Schema in
 * docs/daemon.md ("Kill journal").
 */
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  writeSync
} from 'node:fs'
import { dirname } from 'node:path'
import { UserError } from '../errors.ts'
import type { RankedCandidate } from './choose.ts'
import type { TriggerHit } from './triggers.ts'
import type { KernelKill } from './kernel-kill-parse.ts'

/** What happened: a kill (or its dry-run double), a cgroup-wide kill, or a failed attempt. */
export type JournalEvent =
  'signal' | 'kill' | 'would-kill' | 'kill-cgroup' | 'would-kill-cgroup' | 'kill-failed'

/** The victim's memory when it was chosen (kB). */
export interface VictimRecord {
  pid: number
  comm: string
  user: string
  uid: number
  memcg: string
  cmdline: string
  exe: string
  oomScoreAdj: number
  rssKb: number
  rssAnonKb: number
  rssFileKb: number
  rssShmemKb: number
  swapKb: number
  score: number | null
}

/** One journal line. */
export interface JournalEntry {
  /** Names one kill: `<pid>:<start time>` of the victim; a `signal` record and the `kill` record
   * that completes it share it. Absent on entries without a victim. */
  id?: string
  /** ISO-8601 wall-clock time of the first signal (or of the decision, for dry runs). */
  time: string
  event: JournalEvent
  /** Reason code: "<source>-<stage>", e.g. "memory-term", "cgroup-kill", "psi-term";
   * "grace-expired" when SIGKILL followed an ignored SIGTERM. */
  reason: string
  dryRun: boolean
  /** The kernel profile whose oom_badness() ranked the candidates. */
  profile: string
  sortBy: string
  trigger: { level: string; hits: TriggerHit[] }
  victim: VictimRecord | null
  /** Signals sent, in order, with milliseconds since the first. */
  signals: { signal: string; atMs: number }[]
  /** process_mrelease result: 'ok', an errno name, or 'unavailable'. */
  mrelease: string
  backend: string
  /** Milliseconds from the first signal until the process was gone (null: not seen exiting). */
  timeToExitMs: number | null
  /** Memory that came back in the trigger's scope (kB; MemAvailable or cgroup usage). */
  memoryFreedKb: number | null
  /** The whole ranking, best first; excluded candidates carry the reason. */
  ranking: RankedCandidate[]
  /** For cgroup kills: the cgroup and how many processes were signalled. */
  cgroup?: { path: string; method: 'cgroup.kill' | 'signal-each'; processes: number }
  /** How long acting took: from the sample that saw the stage to the first signal, of which the
   * process scan took scanMs over `candidates` processes. */
  timing?: { sampleToSignalMs: number; scanMs: number; candidates: number }
  error?: string
}

/** A kill by the kernel's own OOM killer, seen in its log (one the daemon did not prevent). */
export interface KernelKillEntry {
  time: string
  event: 'kernel-kill'
  /** "kernel-oom-memcg", "kernel-oom-global" or "kernel-oom" (scope not in the log). */
  reason: string
  kernel: KernelKill
}

/** C1 controls, DEL and the JS line separators: valid in JSON strings, but a terminal acts on
 * U+009B (CSI) and some readers split lines at U+2028/U+2029. */
const UNSAFE = /[\u007f-\u009f\u2028\u2029]/g

/** One entry as a JSON line with every control character escaped. */
export function journalLine(entry: JournalEntry | KernelKillEntry): string {
  const json = JSON.stringify(entry).replace(
    UNSAFE,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
  return json + '\n'
}

/** Spaces reserved after a `signal` record so the `kill` record that completes it (a few more
 * signals, exit time, memory freed, a longer reason) overwrites it in place. */
const RESERVE = 512

/** Where a `signal` record lies, for the `kill` record that completes it. */
export interface JournalMark {
  entry: JournalEntry
  /** Byte offset in the file and the line's length with its reserve (-1: not in the file). */
  offset: number
  length: number
}

/**
 * Appends entries to a JSON-lines file; a null path keeps entries in memory only (tests). The
 * file is opened once with O_NOFOLLOW (a symlink planted in the directory is refused, ELOOP) and
 * mode 0600, and must be a regular file; the daemon is its only writer. A failed write (ENOSPC,
 * EIO) is reported through `onError` and never thrown: the kill it records has happened, and the
 * loop must go on. A write that stopped half-way is cut back, so the file never holds a torn line.
 *
 * `begin()` writes a `signal` record padded with spaces, `complete()` overwrites it in place with
 * the `kill` record (one pwrite within bytes already written): at every instant the file holds
 * one or the other, so a daemon killed between signal and judgment leaves the `signal` record.
 */
export class Journal {
  readonly entries: JournalEntry[] = []
  readonly path: string | null
  private readonly keep: number
  private readonly fd: number | null = null
  /** Called with the errno name of a failed write. */
  onError: (code: string) => void = () => undefined

  constructor(path: string | null, keep = 0) {
    this.path = path
    this.keep = keep
    if (path) this.fd = openJournal(path)
  }

  private remember(entry: JournalEntry): void {
    if (this.keep <= 0) return
    this.entries.push(entry)
    if (this.entries.length > this.keep) this.entries.shift()
  }

  private append(line: string): { offset: number; length: number } | null {
    if (this.fd === null) return { offset: -1, length: 0 }
    const r = appendWhole(this.fd, Buffer.from(line))
    if (typeof r === 'string') {
      this.onError(r)
      return null
    }
    return { offset: r, length: Buffer.byteLength(line) }
  }

  /** Append one entry; false when the line could not be written (reported through onError). */
  write(entry: JournalEntry): boolean {
    this.remember(entry)
    return this.append(journalLine(entry)) !== null
  }

  /** Append a kernel kill record; false when it could not be written (reported through onError). */
  writeKernelKill(entry: KernelKillEntry): boolean {
    return this.append(journalLine(entry)) !== null
  }

  /** Append a record that `complete()` will replace (the `signal` record of a kill). */
  begin(entry: JournalEntry): JournalMark {
    this.remember(entry)
    const line = journalLine(entry)
    const at = this.append(line.slice(0, -1) + ' '.repeat(RESERVE) + '\n')
    return { entry, offset: at?.offset ?? -1, length: at?.length ?? 0 }
  }

  /** Replace the record `mark` points at (or append when it is not in the file or too short). */
  complete(mark: JournalMark, entry: JournalEntry): boolean {
    const i = this.entries.lastIndexOf(mark.entry)
    if (i >= 0) this.entries[i] = entry
    const line = journalLine(entry)
    const size = Buffer.byteLength(line)
    if (this.fd === null || mark.offset < 0 || size > mark.length) {
      return this.append(line) !== null
    }
    const padded = line.slice(0, -1) + ' '.repeat(mark.length - size) + '\n'
    try {
      writeSync(this.fd, padded, mark.offset)
      return true
    } catch (error) {
      this.onError((error as NodeJS.ErrnoException).code ?? 'EIO')
      return false
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd)
  }
}

/** Open (creating 0600) for writing without following a symlink; a UserError if refused. */
function openJournal(path: string): number {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW
    const fd = openSync(path, flags, 0o600)
    if (!fstatSync(fd).isFile()) {
      closeSync(fd)
      throw new UserError('journal: not a regular file', { where: path })
    }
    return fd
  } catch (error) {
    if (error instanceof UserError) throw error
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    const why = code === 'ELOOP' ? 'is a symbolic link (refused)' : `cannot open: ${code}`
    throw new UserError(`journal: ${why}`, { where: path })
  }
}

/** Write `buf` at the end of the file in one piece or not at all: its offset, or the errno name. */
function appendWhole(fd: number, buf: Buffer): number | string {
  let size = 0
  try {
    size = fstatSync(fd).size
    let off = 0
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off, size + off)
    return size
  } catch (error) {
    try {
      ftruncateSync(fd, size)
    } catch {
      /* nothing more can be done */
    }
    return (error as NodeJS.ErrnoException).code ?? 'EIO'
  }
}
