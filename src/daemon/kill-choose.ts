/**
 * @module Choosing the victim: scan the scope of the highest hit, rank its processes with the
 * engine's badness against the kernel's OOM domain (badness-domain.ts) and the user's rules
 * (choose.ts), then re-check memory right before acting.
 */
import { badnessDomainPages } from './badness-domain.ts'
import { chooseVictim } from './choose.ts'
import type { Choice, RankedCandidate } from './choose.ts'
import type { HookVictim } from './hooks.ts'
import { reasonOf } from './journal-entry.ts'
import type { KillContext } from './kill-context.ts'
import type { ProcReading, Readings } from './readings.ts'
import { rssKb } from './readings.ts'
import { LEVEL_NAMES, evaluateTriggers } from './triggers.ts'
import type { Evaluation, TriggerHit } from './triggers.ts'

export type Signal = 'SIGTERM' | 'SIGKILL'

/** A ranked choice with what the kill needs to know about how it was made. */
export interface Picked {
  scope: string
  hit: TriggerHit | undefined
  nowMs: number
  scanMs: number
  candidates: ProcReading[]
  readingsNow: Readings
  choice: Choice
  rank: RankedCandidate
}

/** A victim about to be signalled. */
export interface Target extends Picked {
  victim: ProcReading
  signal: Signal
  reason: string
  recheck: Evaluation
  hookVictim: HookVictim
}

/** Scan the scope and rank its processes; null (logged once) when none is eligible. */
export function pick(ctx: KillContext, ev: Evaluation): Picked | null {
  const { source, profile, logger } = ctx.deps
  const hit = ev.hits.find(h => h.level >= 2) ?? ev.hits[0]
  const scope = hit?.scope ?? 'system'
  const nowMs = ctx.clock()
  const before = ctx.table.previousRss
  const candidates = ctx.table.scan(source, nowMs, scope)
  const scanMs = ctx.clock() - nowMs
  const readingsNow = ctx.sample()
  const choice = chooseVictim({
    candidates,
    previousRss: before.size > 0 ? before : ctx.table.previousRss,
    nowMs,
    choose: ctx.state.config.choose,
    profile,
    totalPages: badnessDomainPages(scope, readingsNow, source.vmSwappiness(), profile),
    selfPid: source.selfPid,
    ownSessions: ctx.hooks.sessions
  })
  const rank = choice.victim
  if (rank) return { scope, hit, nowMs, scanMs, candidates, readingsNow, choice, rank }
  if (ctx.state.lastWaitLog !== 'no-victim') {
    ctx.state.lastWaitLog = 'no-victim'
    logger.error(
      { event: 'no-victim', scope, candidates: candidates.length },
      `no eligible victim in ${scope}`
    )
  }
  return null
}

/** Re-check memory right before acting: the pressure may have gone while we scanned. */
export function confirm(ctx: KillContext, picked: Picked, wanted: Signal): Target | null {
  const recheck = evaluateTriggers(ctx.state.config, ctx.state.triggers, picked.readingsNow)
  if (recheck.level < 2) {
    ctx.deps.logger.info(
      { event: 'recovered', stage: LEVEL_NAMES[recheck.level] },
      'memory recovered before acting; no kill'
    )
    return null
  }
  const signal: Signal = recheck.level >= 3 ? 'SIGKILL' : wanted
  const victim = picked.candidates.find(p => p.pid === picked.rank.pid)
  if (!victim) return null
  const reason = reasonOf(recheck.hits.find(h => h.level >= 2) ?? picked.hit)
  const hookVictim: HookVictim = {
    pid: victim.pid,
    uid: victim.uid,
    comm: victim.comm,
    cmdline: victim.cmdline,
    memcg: victim.memcg,
    rssKb: rssKb(victim),
    signal,
    reason,
    dryRun: ctx.state.config.kill.dryRun
  }
  return { ...picked, victim, signal, reason, recheck, hookVictim }
}
