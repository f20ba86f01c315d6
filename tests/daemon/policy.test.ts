import { describe, expect, it } from 'vitest'
import { budgetAllows } from '../../src/daemon/budget.ts'
import { decide, initialPolicyState } from '../../src/daemon/policy.ts'
import type { InFlight, PolicyState } from '../../src/daemon/policy.ts'
import { initialTriggerState } from '../../src/daemon/triggers.ts'
import type { Evaluation, Level } from '../../src/daemon/triggers.ts'
import { config } from './fixtures.ts'

const ev = (level: Level): Evaluation => ({
  level,
  hits: [],
  intervalMs: 100,
  etaMs: Infinity,
  etaScope: 'system',
  state: initialTriggerState()
})
const victim = (partial: Partial<InFlight> = {}): InFlight => ({
  pid: 77,
  startTime: 1,
  comm: 'hog',
  signal: 'SIGTERM',
  firstSignalAtMs: 1000,
  signalAtMs: 1000,
  exitedAtMs: null,
  memoryBack: false,
  scope: 'system',
  memcg: '/app.scope',
  ...partial
})

describe('decide()', () => {
  const cfg = config({
    kill: { grace: '5s', waitMemory: '3s', budget: { kills: 2, window: '60s' } }
  })

  it('does nothing below the term stage, and chooses at term (SIGTERM) or kill (SIGKILL)', () => {
    const s = initialPolicyState()
    expect(decide(cfg, s, ev(0), 0)).toEqual({ kind: 'idle', level: 0 })
    expect(decide(cfg, s, ev(1), 0)).toEqual({ kind: 'idle', level: 1 })
    expect(decide(cfg, s, ev(2), 0)).toEqual({ kind: 'choose', signal: 'SIGTERM' })
    expect(decide(cfg, s, ev(3), 0)).toEqual({ kind: 'choose', signal: 'SIGKILL' })
  })

  it('waits for a SIGTERMed victim, then escalates after the grace period or at the kill stage', () => {
    const s: PolicyState = { ...initialPolicyState(), inflight: victim() }
    expect(decide(cfg, s, ev(2), 3000)).toEqual({ kind: 'wait', reason: 'victim-exiting' })
    expect(decide(cfg, s, ev(2), 6000)).toEqual({ kind: 'escalate', pid: 77, why: 'grace-expired' })
    expect(decide(cfg, s, ev(3), 1100)).toEqual({ kind: 'escalate', pid: 77, why: 'kill-stage' })
    const killed: PolicyState = { ...s, inflight: victim({ signal: 'SIGKILL' }) }
    expect(decide(cfg, killed, ev(3), 9000)).toEqual({ kind: 'wait', reason: 'victim-exiting' })
  })

  it('after the victim is gone, waits for its memory to come back before judging again', () => {
    const gone = victim({ exitedAtMs: 2000 })
    expect(decide(cfg, { ...initialPolicyState(), inflight: gone }, ev(3), 2500)).toEqual({
      kind: 'wait',
      reason: 'memory-returning'
    })
    expect(decide(cfg, { ...initialPolicyState(), inflight: gone }, ev(3), 5000)).toEqual({
      kind: 'finish'
    })
    expect(
      decide(cfg, { ...initialPolicyState(), inflight: { ...gone, memoryBack: true } }, ev(3), 2100)
    ).toEqual({ kind: 'finish' })
  })

  it('respects the kill budget', () => {
    const s: PolicyState = { ...initialPolicyState(), killTimes: [1000, 2000] }
    expect(decide(cfg, s, ev(3), 30_000)).toEqual({
      kind: 'wait',
      reason: 'budget',
      untilMs: 61_000
    })
    expect(decide(cfg, s, ev(3), 61_000)).toEqual({ kind: 'choose', signal: 'SIGKILL' })
  })

  it('in cgroup mode escalates to the whole cgroup when the last kill there did not help', () => {
    const cg = config({ choose: { mode: 'cgroup' }, kill: { escalateAfter: '10s' } })
    const s: PolicyState = {
      ...initialPolicyState(),
      killTimes: [1000],
      lastKill: { memcg: '/app.scope', atMs: 1000 }
    }
    expect(decide(cg, s, ev(2), 5000)).toEqual({ kind: 'kill-cgroup', memcg: '/app.scope' })
    expect(decide(cg, s, ev(2), 20_000)).toEqual({ kind: 'choose', signal: 'SIGTERM' })
    expect(decide(cfg, s, ev(2), 5000)).toEqual({ kind: 'choose', signal: 'SIGTERM' })
  })
})

describe('budgetAllows()', () => {
  it('allows N kills per sliding window', () => {
    const b = { kills: 3, window: 10_000 }
    expect(budgetAllows([], 0, b)).toEqual({ ok: true })
    expect(budgetAllows([0, 1, 2], 5000, b)).toEqual({ ok: false, nextAtMs: 10_000 })
    expect(budgetAllows([0, 1, 2], 10_000, b)).toEqual({ ok: true })
  })
})
