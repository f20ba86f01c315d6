/**
 * @module The kill journal: one JSON object per line, appended to a file (and flushed at once, so
 * a crash right after a kill still leaves the record). Schema in docs/daemon.md ("Kill journal").
 */
import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { RankedCandidate } from './choose.ts'
import type { TriggerHit } from './triggers.ts'

/** What happened: a kill (or its dry-run double), a cgroup-wide kill, or a failed attempt. */
export type JournalEvent =
  'kill' | 'would-kill' | 'kill-cgroup' | 'would-kill-cgroup' | 'kill-failed'

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

/** Appends entries to a JSON-lines file; a null path keeps entries in memory only (tests). */
export class Journal {
  readonly entries: JournalEntry[] = []
  readonly path: string | null
  private readonly keep: number
  constructor(path: string | null, keep = 0) {
    this.path = path
    this.keep = keep
    if (path) mkdirSync(dirname(path), { recursive: true })
  }

  write(entry: JournalEntry): void {
    if (this.keep > 0) {
      this.entries.push(entry)
      if (this.entries.length > this.keep) this.entries.shift()
    }
    if (this.path) appendFileSync(this.path, JSON.stringify(entry) + '\n')
  }
}
