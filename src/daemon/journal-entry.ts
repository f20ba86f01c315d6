/** @module Building one kill-journal entry from what the killer knows, as a named record. */
import type { Choice, RankedCandidate } from './choose.ts'
import type { DaemonConfig } from './config-schema.ts'
import type { JournalEntry, VictimRecord } from './journal.ts'
import type { ProcReading } from './readings.ts'
import { rssKb } from './readings.ts'
import { LEVEL_NAMES } from './triggers.ts'
import type { Evaluation, TriggerHit } from './triggers.ts'

/** What one entry says; omitted fields are empty (no victim, no signal, no timing). */
export interface EntryFields {
  event: JournalEntry['event']
  reason: string
  evaluation: Evaluation | null
  choice?: Choice | null
  victim?: ProcReading | null
  ranked?: RankedCandidate
  signals?: { signal: string; atMs: number }[]
  mrelease?: string
  exitMs?: number | null
  freedKb?: number | null
}

/** The daemon-wide fields every entry carries. */
export interface EntryContext {
  config: DaemonConfig
  profileName: string
  backend: string
}

/** "<source>-<level>" for a trigger hit (e.g. "memory-term"), 'unknown' without one. */
export function reasonOf(hit: TriggerHit | undefined): string {
  if (!hit) return 'unknown'
  return `${hit.source}-${LEVEL_NAMES[hit.level]}`
}

export function victimRecord(p: ProcReading, ranked: RankedCandidate | undefined): VictimRecord {
  return {
    pid: p.pid,
    comm: p.comm,
    user: p.user,
    uid: p.uid,
    memcg: p.memcg,
    cmdline: p.cmdline,
    exe: p.exe,
    oomScoreAdj: p.oomScoreAdj,
    rssKb: rssKb(p),
    rssAnonKb: p.rssAnonKb,
    rssFileKb: p.rssFileKb,
    rssShmemKb: p.rssShmemKb,
    swapKb: p.swapKb,
    score: ranked?.score ?? null
  }
}

export function journalEntry(ctx: EntryContext, f: EntryFields): JournalEntry {
  const ev = f.evaluation
  const exitMs = f.exitMs ?? null
  const freedKb = f.freedKb ?? null
  const entry: JournalEntry = {
    time: new Date().toISOString(),
    event: f.event,
    reason: f.reason,
    dryRun: ctx.config.kill.dryRun,
    profile: ctx.profileName,
    sortBy: ctx.config.choose.sortBy,
    trigger: { level: LEVEL_NAMES[ev?.level ?? 0], hits: ev?.hits ?? [] },
    victim: f.victim ? victimRecord(f.victim, f.ranked) : null,
    signals: f.signals ?? [],
    mrelease: f.mrelease ?? 'not-attempted',
    backend: ctx.backend,
    timeToExitMs: exitMs === null ? null : Math.round(exitMs * 10) / 10,
    memoryFreedKb: freedKb === null ? null : Math.round(freedKb),
    ranking: f.choice?.ranking ?? []
  }
  return f.victim ? { id: `${f.victim.pid}:${f.victim.startTime}`, ...entry } : entry
}
