/**
 * @module One iteration of the loop: sample, evaluate the triggers, let the observer see it,
 * decide (policy.ts) and perform the decision through the killer. Returns how long to sleep.
 */
import { killCgroup } from './kill-cgroup.ts'
import { killPathNear } from './kill-path-warmup.ts'
import type { KillContext } from './kill-context.ts'
import { escalate, finish } from './kill-followup.ts'
import { chooseAndKill } from './kill-victim.ts'
import { trackVictim } from './observer.ts'
import type { Observer } from './observer.ts'
import { decide } from './policy.ts'
import type { Decision } from './policy.ts'
import type { Readings } from './readings.ts'
import { evaluateTriggers } from './triggers.ts'
import type { Evaluation } from './triggers.ts'

/** Poll interval while a victim is exiting (ms). */
const VICTIM_POLL_MS = 10

/** Log each wait reason once (and the budget warning when the budget is what holds us). */
function logWait(ctx: KillContext, reason: string): void {
  const { state, deps } = ctx
  if (state.lastWaitLog === reason) return
  state.lastWaitLog = reason
  deps.logger.debug({ event: 'wait', reason }, `waiting: ${reason}`)
  if (reason === 'budget')
    deps.logger.warn(
      {
        event: 'budget',
        kills: state.config.kill.budget.kills,
        windowMs: state.config.kill.budget.window
      },
      'kill budget exhausted; not killing until the window moves on'
    )
}

async function perform(
  ctx: KillContext,
  observer: Observer,
  decision: Decision,
  ev: Evaluation,
  readings: Readings
): Promise<void> {
  switch (decision.kind) {
    case 'idle':
      ctx.state.lastWaitLog = ''
      observer.warm(decision.level, ev, readings)
      return
    case 'wait':
      logWait(ctx, decision.reason)
      return
    case 'escalate':
      escalate(ctx, decision.why, readings, ev)
      return
    case 'finish':
      finish(ctx)
      return
    case 'choose':
      if (readings.timeMs < ctx.state.dryRunHoldUntil) return
      await chooseAndKill(ctx, decision.signal, ev)
      return
    case 'kill-cgroup':
      killCgroup(ctx, { memcg: decision.memcg, ev, readings })
      return
  }
}

/** One iteration; returns the milliseconds to sleep before the next. */
export async function tick(ctx: KillContext, observer: Observer): Promise<number> {
  const { state, deps } = ctx
  const readings = ctx.sample()
  state.sampleAtMs = readings.timeMs
  const evaluation = evaluateTriggers(state.config, state.triggers, readings)
  state.triggers = evaluation.state
  state.lastEvaluation = evaluation
  observer.observe(readings, evaluation, state.config.memory.enabled)
  trackVictim(deps, state, readings)
  if (deps.prepareKill && killPathNear(state.config, evaluation, readings)) deps.prepareKill()
  let decision = decide(state.config, state.policy, evaluation, readings.timeMs)
  await perform(ctx, observer, decision, evaluation, readings)
  if (decision.kind === 'finish') {
    // The victim is gone and its memory back: a stage still reached acts now, not a tick later
    // (a fast grower refills the headroom within one poll interval).
    decision = decide(state.config, state.policy, evaluation, readings.timeMs)
    await perform(ctx, observer, decision, evaluation, readings)
  }
  const interval = state.inflight
    ? Math.min(VICTIM_POLL_MS, evaluation.intervalMs)
    : evaluation.intervalMs
  // Beat for the end of the coming sleep: a long sleep when memory is plentiful is no stall.
  deps.heartbeat?.(Date.now() + interval)
  deps.metrics?.interval.set(interval / 1000)
  return interval
}
