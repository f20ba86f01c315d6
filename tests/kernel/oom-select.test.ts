/** select_bad_process() / oom_evaluate_task(): rules and fast-check properties. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { oomBadness } from '../../src/kernel/oom-badness.ts'
import { outOfMemory, selectBadProcess } from '../../src/kernel/oom-kill.ts'
import { profiles } from '../../src/kernel/profiles.ts'
import { addTask, makeState, makeThread } from '../../src/kernel/state-builders.ts'
import type { OomState } from '../../src/kernel/types.ts'
import { ctxFor, globalOc, printkTexts, prof } from './fixtures.ts'

function twins(): OomState {
  const s = makeState({ totalRamPages: 1_000_000 })
  addTask(s, { pid: 10, comm: 'first', anon: 5000 })
  addTask(s, { pid: 11, comm: 'second', anon: 5000 })
  return s
}

describe('tie rules', () => {
  it('>= 5.9 (and 5.3–5.8): the last-scanned of equal scores wins', () => {
    expect(selectBadProcess(twins(), globalOc(10), 1_000_000, prof('6.11')).chosen?.pid).toBe(11)
    expect(selectBadProcess(twins(), globalOc(10), 1_000_000, prof('5.10')).chosen?.pid).toBe(11)
  })
  it('<= 5.2: an equal score keeps the thread-group leader already chosen', () => {
    expect(selectBadProcess(twins(), globalOc(10), 1_000_000, prof('4.19')).chosen?.pid).toBe(10)
    expect(selectBadProcess(twins(), globalOc(10), 1_000_000, prof('3.10')).chosen?.pid).toBe(10)
  })
})

describe('oom_evaluate_task()', () => {
  it('oom_task_origin() is selected over a bigger task (and scanning goes on)', () => {
    const s = twins()
    addTask(s, { pid: 12, comm: 'swapoff', anon: 10, oomOrigin: true })
    addTask(s, { pid: 13, comm: 'huge', anon: 900_000 })
    const r = selectBadProcess(s, globalOc(10), 1_000_000, prof('6.11'))
    expect(r.chosen?.pid).toBe(12)
    expect(r.ranking.map(x => x.pid)).toEqual([10, 11, 12, 13])
    expect(r.ranking[2]!.origin).toBe(true)
  })

  it('a victim still in flight aborts the scan unless its mm is MMF_OOM_SKIP; sysrq ignores it', () => {
    const s = twins()
    const v = s.processes[0]!
    v.oomVictimMmId = 10
    const r = selectBadProcess(s, globalOc(11), 1_000_000, prof('6.11'))
    expect(r).toMatchObject({ aborted: true, chosen: null, inFlightPid: 10 })
    const sysrq = selectBadProcess(
      s,
      { ...globalOc(null), kind: 'sysrq', order: -1 },
      1_000_000,
      prof('6.11')
    )
    expect(sysrq.aborted).toBe(false)
    s.mms.get(10)!.flags.oomSkip = true
    const after = selectBadProcess(s, globalOc(11), 1_000_000, prof('6.11'))
    expect(after.chosen?.pid).toBe(11)
    expect(after.ranking[0]!.skip).toBe('victim-oom-skip')
  })

  it('3.x per-thread scan: an exiting thread aborts (unless sysrq); TIF_MEMDIE aborts', () => {
    const s = twins()
    s.processes[1]!.threads.push(makeThread({ tid: 20, comm: 'worker', exiting: true }))
    expect(selectBadProcess(s, globalOc(10), 1_000_000, prof('3.10')).aborted).toBe(true)
    const forced = selectBadProcess(
      s,
      { ...globalOc(null), kind: 'sysrq', order: -1 },
      1_000_000,
      prof('3.10')
    )
    expect(forced.aborted).toBe(false)
    const m = twins()
    m.processes[0]!.memdie = true
    expect(selectBadProcess(m, globalOc(11), 1_000_000, prof('3.10')).aborted).toBe(true)
  })

  it('<= 5.2: chosen_points are rescaled to 0..1000 (the sacrifice line)', () => {
    const r = selectBadProcess(twins(), globalOc(10), 1_000_000, prof('4.19'))
    expect(r.points).toBe(5000)
    expect(r.scaledPoints).toBe(5)
    expect(selectBadProcess(twins(), globalOc(10), 1_000_000, prof('6.1')).scaledPoints).toBe(5000)
  })
})

/** Arbitrary task tables: init, kthreads, adj -1000, shared mms, origin-free. */
const taskTable = fc.array(
  fc.record({
    anon: fc.nat(200_000),
    file: fc.nat(5000),
    swap: fc.nat(5000),
    pt: fc.nat(1 << 20),
    adj: fc.oneof(fc.constant(-1000), fc.constant(0), fc.integer({ min: -999, max: 1000 })),
    kthread: fc.boolean(),
    admin: fc.boolean()
  }),
  { minLength: 1, maxLength: 40 }
)

function build(
  rows: {
    anon: number
    file: number
    swap: number
    pt: number
    adj: number
    kthread: boolean
    admin: boolean
  }[]
): OomState {
  const s = makeState({ totalRamPages: 500_000, totalSwapPages: 10_000 })
  addTask(s, { pid: 1, comm: 'init', anon: 300_000 })
  rows.forEach((r, i) =>
    addTask(s, {
      pid: 100 + i,
      comm: `t${i}`,
      anon: r.anon,
      file: r.file,
      swapEnts: r.swap,
      pgtablesBytes: r.pt,
      oomScoreAdj: r.adj,
      kthread: r.kthread && i % 3 === 0,
      capSysAdmin: r.admin
    })
  )
  return s
}

describe('properties (fast-check)', () => {
  const names = Object.keys(profiles)

  it('the victim maximises badness among eligible tasks, with the profile tie rule', () => {
    fc.assert(
      fc.property(taskTable, fc.constantFrom(...names), (rows, name) => {
        const profile = prof(name)
        const s = build(rows)
        const total = s.totalRamPages + s.totalSwapPages
        const r = selectBadProcess(s, globalOc(null), total, profile)
        const scored = s.processes
          .map(p => ({ p, b: oomBadness(p, s, total, profile) }))
          .filter(x => x.b.eligible)
          .map(x => ({ pid: x.p.pid, points: x.b.eligible ? x.b.points : 0 }))
        if (scored.length === 0) {
          expect(r.chosen).toBeNull()
          return
        }
        const best = Math.max(...scored.map(x => x.points))
        const tied = scored.filter(x => x.points === best).map(x => x.pid)
        const expected = profile.select.tie !== 'lastWins' ? tied[0] : tied[tied.length - 1]
        expect(r.chosen?.pid).toBe(expected)
        expect(r.points).toBe(best)
      })
    )
  })

  it('oom_score_adj -1000, kthreads and init are never chosen or killed', () => {
    fc.assert(
      fc.property(taskTable, fc.constantFrom(...names), (rows, name) => {
        const s = build(rows)
        const o = outOfMemory(s, globalOc(null, { gfpMask: 0xcc0 | 0xd0 }), ctxFor(prof(name)))
        if (o.victimPid === null) return
        const v = s.processes.find(p => p.pid === o.victimPid)!
        expect(v.oomScoreAdj).not.toBe(-1000)
        expect(v.kthread).toBe(false)
        expect(v.pid).not.toBe(1)
        for (const e of o.effects) {
          if (e.type !== 'signal') continue
          const p = s.processes.find(q => q.pid === e.pid)!
          expect(p.kthread || p.pid === 1).toBe(false)
        }
      })
    )
  })

  it('runs are deterministic: same state, same outcome, events and printk', () => {
    fc.assert(
      fc.property(taskTable, fc.constantFrom(...names), (rows, name) => {
        const a = outOfMemory(
          build(rows),
          globalOc(null, { gfpMask: 0xcc0 | 0xd0 }),
          ctxFor(prof(name))
        )
        const b = outOfMemory(
          build(rows),
          globalOc(null, { gfpMask: 0xcc0 | 0xd0 }),
          ctxFor(prof(name))
        )
        expect(b).toEqual(a)
      }),
      { numRuns: 50 }
    )
  })
})

describe('the scan over large tables (dense mm index)', () => {
  it('sees an mm replaced in the Map and a removed mm between two scans', () => {
    const s = makeState({ totalRamPages: 1_000_000 })
    for (let pid = 10; pid < 3010; pid++) addTask(s, { pid, comm: `t${pid}`, anon: pid })
    expect(selectBadProcess(s, globalOc(10), 1_000_000, prof('6.11')).chosen?.pid).toBe(3009)
    const old = s.mms.get(500)!
    s.mms.set(500, { ...old, anon: 1_000_000 })
    expect(selectBadProcess(s, globalOc(10), 1_000_000, prof('6.11')).chosen?.pid).toBe(500)
    s.mms.delete(500)
    expect(selectBadProcess(s, globalOc(10), 1_000_000, prof('6.11')).chosen?.pid).toBe(3009)
    // In-place changes need no new index.
    s.mms.get(20)!.anon = 5_000_000
    expect(
      selectBadProcess(s, globalOc(10), 1_000_000, prof('6.11'), { ranking: false }).chosen?.pid
    ).toBe(20)
  })
})

describe('select_bad_process() <= 5.2: the sacrifice score of an oom_task_origin() victim', () => {
  // chosen_points = ULONG_MAX; "* 1000" wraps to 2^64 - 1000, / totalpages, printed as a 32-bit
  // int: (2^64 - 1000) / 1000000 = 18446744073709, which is 4154504685 modulo 2^32.
  function originState(): ReturnType<typeof makeState> {
    const s = makeState({ totalRamPages: 1_000_000 })
    addTask(s, { pid: 1, comm: 'init', anon: 10 })
    addTask(s, { pid: 600, comm: 'swapoff', anon: 100, oomOrigin: true })
    addTask(s, { pid: 601, comm: 'big', anon: 600_000 })
    return s
  }

  it('4.19 prints it with %u: score 4154504685', () => {
    const o = outOfMemory(originState(), globalOc(601), ctxFor(prof('4.19')))
    expect(printkTexts(o)).toContain(
      'Out of memory: Kill process 600 (swapoff) score 4154504685 or sacrifice child'
    )
  })

  it('3.10 stores it in an unsigned int and prints %d: score -140462611', () => {
    const o = outOfMemory(originState(), globalOc(601, { gfpMask: 0x201da }), ctxFor(prof('3.10')))
    expect(printkTexts(o)).toContain(
      'Out of memory: Kill process 600 (swapoff) score -140462611 or sacrifice child'
    )
  })
})
