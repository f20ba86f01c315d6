import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  PREDICTIVE_FLOOR_MS,
  evaluateTriggers,
  initialTriggerState
} from '../../src/daemon/triggers.ts'
import type { Evaluation, TriggerState } from '../../src/daemon/triggers.ts'
import type { Readings } from '../../src/daemon/readings.ts'
import { GiB_KB, config, loadTrace, meminfo, readings } from './fixtures.ts'

const APP = '/sys/fs/cgroup/memory/app'

function replay(cfg: ReturnType<typeof config>, trace: Readings[]): Evaluation[] {
  let state: TriggerState = initialTriggerState()
  return trace.map(r => {
    const ev = evaluateTriggers(cfg, state, r)
    state = ev.state
    return ev
  })
}

describe('triggers on the recorded cgroup trace', () => {
  const trace = loadTrace('cgroup-growth.json')
  const cfg = config({
    memory: { enabled: false },
    cgroups: [{ path: APP, available: { warn: '40%', term: '20%', kill: '8%' } }]
  })
  const headroom = (r: Readings): number => {
    const cg = r.cgroups[0]!
    return cg.limitBytes! - (cg.usageBytes - cg.inactiveFileBytes)
  }

  it('enters the term stage at the first sample whose headroom is at or under 20% of the limit', () => {
    const evs = replay(cfg, trace)
    const firstTerm = evs.findIndex(e => e.level >= 2)
    const expected = trace.findIndex(r => headroom(r) <= 0.2 * r.cgroups[0]!.limitBytes!)
    expect(expected).toBeGreaterThan(0)
    expect(firstTerm).toBe(expected)
    const hit = evs[firstTerm]!.hits[0]!
    expect(hit.scope).toBe(APP)
    expect(hit.source).toBe('cgroup')
    expect(hit.value).toBe(headroom(trace[firstTerm]!))
  })

  it('warns before it acts, and the stage falls back to ok once the hog is gone', () => {
    const evs = replay(cfg, trace)
    const firstWarn = evs.findIndex(e => e.level >= 1)
    const firstTerm = evs.findIndex(e => e.level >= 2)
    expect(firstWarn).toBeGreaterThan(0)
    expect(firstWarn).toBeLessThan(firstTerm)
    expect(evs[evs.length - 1]!.level).toBe(0)
  })

  it('polls at the minimum or faster while the small cgroup fills', () => {
    const evs = replay(cfg, trace)
    const firstTerm = evs.findIndex(e => e.level >= 2)
    // Just before the term stage the hog is growing: the next sample is due within 100 ms.
    expect(evs[firstTerm - 1]!.intervalMs).toBeLessThanOrEqual(100)
    // 157 MiB of headroom fills in ~26 ms at the assumed 6000 MiB/s: a 256 MiB cgroup never
    // earns a slow poll.
    expect(evs[evs.length - 1]!.intervalMs).toBe(cfg.interval.min)
    const sys = config({ cgroups: [], interval: { max: '1s' } })
    expect(replay(sys, trace).at(-1)!.intervalMs).toBe(sys.interval.max)
  })

  it('is pure: replaying the same trace twice gives the same evaluations', () => {
    const a = replay(cfg, trace).map(e => [e.level, e.intervalMs, e.hits.length])
    const b = replay(cfg, trace).map(e => [e.level, e.intervalMs, e.hits.length])
    expect(a).toEqual(b)
  })
})

describe('MemAvailable / SwapFree thresholds', () => {
  it('reaches term and kill stages at percent thresholds of MemTotal', () => {
    const cfg = config({ memory: { available: { term: '10%', kill: '5%' } } })
    const total = 8 * GiB_KB
    const at = (availKb: number) =>
      evaluateTriggers(cfg, initialTriggerState(), readings(0, availKb)).level
    expect(at(total * 0.2)).toBe(0)
    expect(at(total * 0.1)).toBe(2)
    expect(at(total * 0.05)).toBe(3)
  })

  it('accepts sizes as thresholds', () => {
    const cfg = config({ memory: { available: { term: '512M', kill: '256M' } } })
    const at = (mib: number) =>
      evaluateTriggers(cfg, initialTriggerState(), readings(0, mib * 1024)).level
    expect(at(513)).toBe(0)
    expect(at(512)).toBe(2)
    expect(at(200)).toBe(3)
  })

  it('acts only when memory and swap are both low when there is swap (earlyoom rule)', () => {
    const cfg = config({})
    const low = meminfo(0.04 * 8 * GiB_KB, { swapTotalKb: GiB_KB, swapFreeKb: GiB_KB / 2 })
    expect(
      evaluateTriggers(cfg, initialTriggerState(), {
        timeMs: 0,
        meminfo: low,
        psi: null,
        cgroups: []
      }).level
    ).toBe(0)
    const bothLow = { ...low, swapFreeKb: GiB_KB * 0.04 }
    expect(
      evaluateTriggers(cfg, initialTriggerState(), {
        timeMs: 0,
        meminfo: bothLow,
        psi: null,
        cgroups: []
      }).level
    ).toBe(3)
    const memoryOnly = config({ memory: { combine: 'memory' } })
    expect(
      evaluateTriggers(memoryOnly, initialTriggerState(), {
        timeMs: 0,
        meminfo: low,
        psi: null,
        cgroups: []
      }).level
    ).toBe(3)
  })

  it('hysteresis keeps a stage until the reading is clearly past the threshold', () => {
    const total = 8 * GiB_KB
    // Oscillates 0.5% of MemTotal around the 10% term threshold.
    const values = [0.1, 0.105, 0.1, 0.105, 0.1, 0.105].map(f => f * total)
    const levels = (h: number): number[] => {
      const cfg = config({ hysteresis: h, memory: { available: { term: '10%', kill: '1%' } } })
      let s = initialTriggerState()
      return values.map((v, i) => {
        const ev = evaluateTriggers(cfg, s, readings(i * 100, v))
        s = ev.state
        return ev.level
      })
    }
    expect(levels(0)).toEqual([2, 0, 2, 0, 2, 0])
    expect(levels(2)).toEqual([2, 2, 2, 2, 2, 2])
  })

  it('a duration rule delays warn/term but never the kill stage', () => {
    const total = 8 * GiB_KB
    const cfg = config({ for: '500ms', memory: { available: { term: '10%', kill: '5%' } } })
    let s = initialTriggerState()
    const step = (t: number, f: number) => {
      const ev = evaluateTriggers(cfg, s, readings(t, f * total))
      s = ev.state
      return ev.level
    }
    expect(step(0, 0.09)).toBe(0)
    expect(step(300, 0.09)).toBe(0)
    expect(step(500, 0.09)).toBe(2)
    s = initialTriggerState()
    expect(step(0, 0.04)).toBe(3)
  })
})

describe('PSI stages', () => {
  const psi = (full: number) => ({
    some: { avg10: full, avg60: 0, avg300: 0, totalUs: 0 },
    full: { avg10: full, avg60: 0, avg300: 0, totalUs: 0 }
  })
  it('rises through warn/term/kill on full avg10 after holding for `for`', () => {
    const cfg = config({
      memory: { enabled: false },
      psi: { warn: 10, term: 40, kill: 80, for: '2s' }
    })
    let s = initialTriggerState()
    const step = (t: number, v: number) => {
      const ev = evaluateTriggers(cfg, s, readings(t, GiB_KB, { psi: psi(v) }))
      s = ev.state
      return ev
    }
    expect(step(0, 50).level).toBe(0)
    expect(step(1000, 50).intervalMs).toBe(cfg.interval.min)
    expect(step(2000, 50).level).toBe(2)
    expect(step(3000, 90).level).toBe(2)
    expect(step(5000, 90).level).toBe(3)
    expect(step(6000, 5).level).toBe(0)
  })
})

describe('adaptive polling', () => {
  it('sleeps the maximum when memory is plentiful and the minimum near a threshold', () => {
    const cfg = config({
      interval: { max: '1s' },
      memory: { available: { term: '10%', kill: '5%' } }
    })
    const total = 8 * GiB_KB
    expect(evaluateTriggers(cfg, initialTriggerState(), readings(0, 0.9 * total)).intervalMs).toBe(
      1000
    )
    expect(
      evaluateTriggers(cfg, initialTriggerState(), readings(0, 0.101 * total)).intervalMs
    ).toBe(100)
  })

  it('stretches the sleep with the headroom up to the default 5 s maximum', () => {
    const cfg = config({ memory: { available: { term: '10%', kill: '5%' } } })
    const mib = (kb: number): number => kb / 1024
    const at = (availKb: number, totalKb: number): number =>
      evaluateTriggers(
        cfg,
        initialTriggerState(),
        readings(0, availKb, { meminfo: meminfo(availKb, { memTotalKb: totalKb }) })
      ).intervalMs
    // 24 GiB with 22 GiB available: 19.6 GiB above the term line take 3.35 s at 6000 MiB/s.
    const total = 24 * GiB_KB
    expect(at(22 * GiB_KB, total)).toBe(Math.round(mib(22 * GiB_KB - 0.1 * total) / 6))
    expect(at(120 * GiB_KB, 128 * GiB_KB)).toBe(5000)
    expect(at(0.101 * total, total)).toBe(100)
  })

  it('wakes before a fast predicted crossing, never sooner than the floor', () => {
    const cfg = config({ memory: { available: { term: '10%', kill: '5%' } } })
    const total = 8 * GiB_KB
    const first = evaluateTriggers(cfg, initialTriggerState(), readings(0, 0.12 * total))
    // Falling 1% of 8 GiB (~82 MiB) in 10 ms: the threshold is ~20 ms away.
    const second = evaluateTriggers(cfg, first.state, readings(10, 0.11 * total))
    expect(second.intervalMs).toBeLessThan(cfg.interval.min)
    expect(second.intervalMs).toBeGreaterThanOrEqual(PREDICTIVE_FLOOR_MS)
    const off = config({
      interval: { predictive: false },
      memory: { available: { term: '10%', kill: '5%' } }
    })
    const a = evaluateTriggers(off, initialTriggerState(), readings(0, 0.12 * total))
    expect(evaluateTriggers(off, a.state, readings(10, 0.11 * total)).intervalMs).toBe(100)
  })

  it('keeps predicting through the pauses of a bursty allocator', () => {
    const cfg = config({ memory: { available: { term: '10%', kill: '5%' } } })
    const total = 8 * GiB_KB
    const step = 0.005 * total // ~41 MiB per burst
    let s = initialTriggerState()
    const at = (t: number, f: number) => {
      const ev = evaluateTriggers(cfg, s, readings(t, f))
      s = ev.state
      return ev.intervalMs
    }
    at(0, 0.12 * total)
    at(10, 0.12 * total - step)
    // 5 ms later the allocator is between bursts: nothing changed since the previous sample,
    // but over the window memory is still falling fast, so the wake-up stays short.
    const paused = at(15, 0.12 * total - step)
    expect(paused).toBeLessThan(cfg.interval.min)
    const off = config({
      interval: { predictive: false },
      memory: { available: { term: '10%', kill: '5%' } }
    })
    let s2 = initialTriggerState()
    for (const [t, v] of [
      [0, 0.12 * total],
      [10, 0.12 * total - step],
      [15, 0.12 * total - step]
    ] as const) {
      const ev = evaluateTriggers(off, s2, readings(t, v))
      s2 = ev.state
      if (t === 15) expect(ev.intervalMs).toBe(100)
    }
  })

  it('invariant: level within 0..3 and interval within [floor, max] for any reading sequence', () => {
    const cfg = config({
      memory: { available: { warn: '20%', term: '10%', kill: '5%' } },
      cgroups: [{ path: APP }]
    })
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.integer({ min: 1, max: 2000 }),
            avail: fc.integer({ min: 0, max: 8 * GiB_KB }),
            usage: fc.integer({ min: 0, max: 512 * 1024 * 1024 })
          }),
          { minLength: 1, maxLength: 40 }
        ),
        steps => {
          let s = initialTriggerState()
          let t = 0
          for (const step of steps) {
            t += step.dt
            const r = readings(t, step.avail, {
              cgroups: [
                {
                  path: APP,
                  version: 1,
                  usageBytes: step.usage,
                  inactiveFileBytes: 0,
                  limitBytes: 256 * 1024 * 1024,
                  psi: null,
                  oomKills: 0,
                  canKill: false
                }
              ]
            })
            const ev = evaluateTriggers(cfg, s, r)
            s = ev.state
            if (ev.level < 0 || ev.level > 3) return false
            if (ev.intervalMs < PREDICTIVE_FLOOR_MS || ev.intervalMs > cfg.interval.max)
              return false
            if (ev.level > 0 && ev.intervalMs > cfg.interval.min) return false
          }
          return true
        }
      )
    )
  })
})
