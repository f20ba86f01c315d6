/** oom_badness() and proc_oom_score() per profile. */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  badnessPoints,
  INELIGIBLE,
  oomBadness,
  procOomScore
} from '../../src/kernel/oom-badness.ts'
import { profiles } from '../../src/kernel/profiles.ts'
import type { KernelProfile } from '../../src/kernel/profiles.ts'
import { addTask, makeState } from '../../src/kernel/state-builders.ts'

const p = (name: string): KernelProfile => {
  const prof = profiles[name]
  if (prof === undefined) throw new Error(`no profile ${name}`)
  return prof
}

function points(b: ReturnType<typeof oomBadness>): number {
  if (!b.eligible) throw new Error(`ineligible: ${b.reason}`)
  return b.points
}

describe('oom_badness() eligibility (all profiles)', () => {
  it('global init and kthreads are unkillable', () => {
    const s = makeState()
    const init = addTask(s, { pid: 1, comm: 'systemd', anon: 1000 })
    const kt = addTask(s, { pid: 2, comm: 'kthreadd', kthread: true })
    for (const name of Object.keys(profiles)) {
      expect(oomBadness(init, s, 1_000_000, p(name))).toEqual({
        eligible: false,
        reason: 'unkillable'
      })
      expect(oomBadness(kt, s, 1_000_000, p(name))).toEqual({
        eligible: false,
        reason: 'unkillable'
      })
    }
  })

  it('find_lock_task_mm(): no thread holding the mm => no-mm', () => {
    const s = makeState()
    const t = addTask(s, { pid: 10, anon: 100 })
    for (const th of t.threads) th.mmReleased = true
    expect(oomBadness(t, s, 1_000_000, p('6.11'))).toEqual({ eligible: false, reason: 'no-mm' })
    t.threads[0]!.mmReleased = false
    expect(oomBadness(t, s, 1_000_000, p('6.11')).eligible).toBe(true)
  })

  it('oom_score_adj -1000 is ineligible on every profile', () => {
    const s = makeState()
    const t = addTask(s, { pid: 10, anon: 100000, oomScoreAdj: -1000 })
    for (const name of Object.keys(profiles)) {
      expect(oomBadness(t, s, 1_000_000, p(name))).toEqual({ eligible: false, reason: 'adj-min' })
      expect(badnessPoints(t, s, 1_000_000, p(name))).toBe(INELIGIBLE)
    }
  })

  it('oom_badness() >= 4.9: MMF_OOM_SKIP and in_vfork() are ineligible; 3.10 still scores them', () => {
    const s = makeState()
    const a = addTask(s, { pid: 10, anon: 500 })
    s.mms.get(10)!.flags.oomSkip = true
    const b = addTask(s, { pid: 11, anon: 500, inVfork: true })
    expect(oomBadness(a, s, 1_000_000, p('4.19'))).toEqual({ eligible: false, reason: 'oom-skip' })
    expect(oomBadness(b, s, 1_000_000, p('6.18'))).toEqual({ eligible: false, reason: 'vfork' })
    expect(points(oomBadness(a, s, 1_000_000, p('3.10')))).toBe(500)
    expect(points(oomBadness(b, s, 1_000_000, p('3.10')))).toBe(500)
  })
})

describe('oom_badness() page forms', () => {
  it('>= 4.15: rss + swap + pgtables_bytes/PAGE_SIZE + adj*(totalpages/1000)', () => {
    const s = makeState()
    const t = addTask(s, {
      pid: 10,
      anon: 1000,
      file: 200,
      shmem: 30,
      swapEnts: 7,
      pgtablesBytes: 5 * 4096 + 100,
      oomScoreAdj: 250
    })
    const b = oomBadness(t, s, 2_097_151, p('6.11'))
    expect(b).toEqual({
      eligible: true,
      points: 1230 + 7 + 5 + 250 * 2097,
      parts: { rss: 1230, swap: 7, pgtables: 5, adj: 250 * 2097, rootBonus: 0 }
    })
    expect(badnessPoints(t, s, 2_097_151, p('6.11'))).toBe(1230 + 7 + 5 + 250 * 2097)
  })

  it('oom_badness(): the adj term divides totalpages by 1000 first (tiny memcg => adj adds 0)', () => {
    const s = makeState()
    const t = addTask(s, { pid: 10, anon: 300, oomScoreAdj: 1000 })
    expect(points(oomBadness(t, s, 999, p('6.1')))).toBe(300)
    expect(points(oomBadness(t, s, 999, p('4.19')))).toBe(300)
    expect(points(oomBadness(t, s, 1999, p('6.1')))).toBe(1300)
  })

  it('oom_badness() >= 5.9: no clamp, negative points are valid', () => {
    const s = makeState()
    const t = addTask(s, { pid: 10, anon: 100, oomScoreAdj: -500 })
    expect(points(oomBadness(t, s, 1_000_000, p('5.10')))).toBe(100 - 500 * 1000)
    expect(points(oomBadness(t, s, 1_000_000, p('6.18')))).toBe(100 - 500 * 1000)
  })

  it('oom_badness() <= 5.8: points <= 0 become 1', () => {
    const s = makeState()
    const t = addTask(s, { pid: 10, anon: 100, oomScoreAdj: -500 })
    expect(points(oomBadness(t, s, 1_000_000, p('4.19')))).toBe(1)
    expect(points(oomBadness(t, s, 1_000_000, p('3.10')))).toBe(1)
    const z = addTask(s, { pid: 11 })
    expect(points(oomBadness(z, s, 1_000_000, p('4.14')))).toBe(1)
  })

  it('oom_badness() 3.x–4.14: 3% CAP_SYS_ADMIN bonus off the base; gone in 4.19', () => {
    const s = makeState()
    const t = addTask(s, { pid: 10, anon: 10_000, pgtablesBytes: 40 * 4096, capSysAdmin: true })
    // base 10040, bonus floor(10040*3/100) = 301
    const b = oomBadness(t, s, 1_000_000, p('3.10'))
    expect(b).toMatchObject({ eligible: true, points: 10040 - 301, parts: { rootBonus: 301 } })
    expect(points(oomBadness(t, s, 1_000_000, p('4.14')))).toBe(10040 - 301)
    expect(points(oomBadness(t, s, 1_000_000, p('4.19')))).toBe(10040)
    expect(badnessPoints(t, s, 1_000_000, p('3.10'))).toBe(10040 - 301)
  })

  it('oom_badness() 3.10.4: CAP_SYS_ADMIN adj -= 30 before adj *= totalpages/1000', () => {
    const s = makeState()
    const t = addTask(s, { pid: 10, anon: 10_000, pgtablesBytes: 40 * 4096, capSysAdmin: true })
    // bonus 30 * trunc(1_000_000 / 1000) = 30000 pages: the clamp gives 1.
    const b = oomBadness(t, s, 1_000_000, p('3.10.0'))
    expect(b).toMatchObject({ eligible: true, points: 1, parts: { rootBonus: 30_000 } })
    expect(badnessPoints(t, s, 1_000_000, p('3.10.0'))).toBe(1)
    // 262144 pages (1 GB): bonus 30 * 262 = 7860 whatever the task's size.
    expect(points(oomBadness(t, s, 262_144, p('3.10.0')))).toBe(10040 - 7860)
    expect(badnessPoints(t, s, 262_144, p('3.10.0'))).toBe(10040 - 7860)
  })

  it('3.x nr_ptes = floor(pgtables_bytes/PAGE_SIZE); 4.0–4.14 adds nr_pmds', () => {
    const s = makeState()
    const t = addTask(s, { pid: 10, anon: 1000, pgtablesBytes: 9 * 4096 + 4095, nrPmds: 3 })
    expect(points(oomBadness(t, s, 1_000_000, p('3.10')))).toBe(1009)
    expect(points(oomBadness(t, s, 1_000_000, p('4.14')))).toBe(1012)
    expect(points(oomBadness(t, s, 1_000_000, p('4.19')))).toBe(1009)
    const u = addTask(s, { pid: 11, anon: 1000, pgtablesBytes: 2 * 4096 })
    expect(points(oomBadness(u, s, 1_000_000, p('4.14')))).toBe(1002)
  })
})

describe('oom_badness() 2.6.36–3.4 scaled form (rhel6 profile)', () => {
  it('(rss+nr_ptes+swap)*1000/totalpages, CAP_SYS_ADMIN -30, + adj, clamped to 1..1000', () => {
    const s = makeState()
    const t = addTask(s, { pid: 10, anon: 250_000, swapEnts: 50_000, pgtablesBytes: 600 * 4096 })
    expect(points(oomBadness(t, s, 1_000_000, p('rhel6')))).toBe(300)
    t.capSysAdmin = true
    expect(oomBadness(t, s, 1_000_000, p('rhel6'))).toMatchObject({
      points: 270,
      parts: { rootBonus: 30 }
    })
    t.oomScoreAdj = 900
    expect(points(oomBadness(t, s, 1_000_000, p('rhel6')))).toBe(1000)
    t.oomScoreAdj = -999
    expect(points(oomBadness(t, s, 1_000_000, p('rhel6')))).toBe(1)
    // totalpages 0 is treated as 1, so any usage saturates at 1000
    expect(points(oomBadness(t, s, 0, p('rhel6')))).toBe(1000)
  })
})

describe('proc_oom_score()', () => {
  // Observed on this host (Linux 6.18, MemTotal 24683656 kB, no swap) with two node processes:
  // /proc/<pid>/status RssAnon+RssFile+RssShmem, VmPTE (= pgtables_bytes >> 10, all levels).
  const host = (rssKb: number, pteKb: number, adj: number): number => {
    const s = makeState({ totalRamPages: 24683656 / 4, totalSwapPages: 0 })
    const t = addTask(s, {
      pid: 100,
      anon: rssKb / 4,
      pgtablesBytes: pteKb * 1024,
      oomScoreAdj: adj
    })
    return procOomScore(t, s, p('6.18'))
  }

  it('>= 5.9 matches the live 6.18 host: 726 and 909', () => {
    expect(host(2183804 + 37804, 4708, 0)).toBe(726)
    expect(host(1548600 + 37992, 3480, 300)).toBe(909)
  })

  it('>= 5.9: an idle task with adj 0 shows 666; ineligible shows 0', () => {
    const s = makeState({ totalRamPages: 6170914 })
    const t = addTask(s, { pid: 100, anon: 1087, pgtablesBytes: 44 * 1024 })
    expect(procOomScore(t, s, p('6.11'))).toBe(666)
    const init = addTask(s, { pid: 1, anon: 900 })
    expect(procOomScore(init, s, p('6.11'))).toBe(0)
  })

  it('>= 5.9: signed division truncates toward zero for negative badness', () => {
    // badness = 556579 - 500*6170 = -2528421; *1000/6170914 = -409.7 -> -409 (floor would be -410)
    const s = makeState({ totalRamPages: 6170914 })
    const t = addTask(s, { pid: 100, anon: 555402, pgtablesBytes: 1177 * 4096, oomScoreAdj: -500 })
    expect(procOomScore(t, s, p('6.18'))).toBe(Math.trunc(((1000 - 409) * 2) / 3))
    expect(procOomScore(t, s, p('6.18'))).toBe(394)
  })

  it('3.5–5.8: badness*1000/totalpages with totalram + totalswap; clamped badness shows 0', () => {
    const s = makeState({ totalRamPages: 1_000_000, totalSwapPages: 1_000_000 })
    const t = addTask(s, { pid: 100, anon: 500_000, oomScoreAdj: 100 })
    // badness = 500000 + 100*2000 = 700000 -> 700000*1000/2000000 = 350
    expect(procOomScore(t, s, p('4.19'))).toBe(350)
    t.oomScoreAdj = -1000
    expect(procOomScore(t, s, p('4.19'))).toBe(0)
    t.oomScoreAdj = -999
    // clamped to 1 page -> 1*1000/2000000 = 0
    expect(procOomScore(t, s, p('4.19'))).toBe(0)
  })

  it('2.6.36–3.4: prints the 0..1000 badness', () => {
    const s = makeState({ totalRamPages: 1_000_000 })
    const t = addTask(s, { pid: 100, anon: 400_000, oomScoreAdj: 10 })
    expect(procOomScore(t, s, p('rhel6'))).toBe(410)
  })
})

describe('properties', () => {
  it('badnessPoints agrees with oomBadness on every profile', () => {
    const names = Object.keys(profiles)
    fc.assert(
      fc.property(
        fc.record({
          anon: fc.nat(1 << 24),
          file: fc.nat(1 << 20),
          shmem: fc.nat(1 << 20),
          swapEnts: fc.nat(1 << 20),
          pgtablesBytes: fc.nat(1 << 28),
          nrPmds: fc.nat(100),
          oomScoreAdj: fc.integer({ min: -1000, max: 1000 }),
          capSysAdmin: fc.boolean(),
          kthread: fc.boolean()
        }),
        fc.nat(1 << 26),
        fc.constantFrom(...names),
        (spec, total, name) => {
          const s = makeState()
          const t = addTask(s, { pid: 50, ...spec })
          const b = oomBadness(t, s, total, p(name))
          const fast = badnessPoints(t, s, total, p(name))
          if (b.eligible) {
            expect(fast).toBe(b.points)
            expect(Number.isInteger(b.points)).toBe(true)
            const { rss, swap, pgtables, adj, rootBonus } = b.parts
            if (p(name).badness.form === 'pagesSigned') {
              expect(b.points).toBe(rss + swap + pgtables + adj - rootBonus)
            }
          } else expect(fast).toBe(INELIGIBLE)
        }
      )
    )
  })

  it('>= 5.9 oom_score stays within 0..2000 (rss <= totalpages, adj <= 1000)', () => {
    fc.assert(
      fc.property(
        fc.nat(1 << 22),
        fc.integer({ min: -999, max: 1000 }),
        fc.integer({ min: 1000, max: 1 << 26 }),
        (anon, adj, ram) => {
          const s = makeState({ totalRamPages: ram })
          const t = addTask(s, { pid: 8, anon: Math.min(anon, ram), oomScoreAdj: adj })
          const v = procOomScore(t, s, p('6.18'))
          expect(v).toBeGreaterThanOrEqual(0)
          expect(v).toBeLessThanOrEqual(2000)
          if (adj === 0) expect(v).toBeGreaterThanOrEqual(666)
        }
      )
    )
  })
})
