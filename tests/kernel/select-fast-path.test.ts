/**
 * The victim scan's allocation-free hot path (ranking off) must decide exactly as the reference
 * scan that builds the ranking: same victim, thread, abort and points, on every profile.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { selectBadProcess } from '../../src/kernel/oom-select.ts'
import { profiles } from '../../src/kernel/profiles.ts'
import { addTask, makeMm, makeState, makeThread } from '../../src/kernel/state-builders.ts'
import type { OomState } from '../../src/kernel/types.ts'
import { globalOc } from './fixtures.ts'

const row = fc.record({
  anon: fc.nat(300_000),
  file: fc.nat(5000),
  shmem: fc.nat(2000),
  swap: fc.nat(5000),
  pt: fc.nat(1 << 22),
  nrPmds: fc.option(fc.nat(50), { nil: undefined }),
  adj: fc.oneof(
    fc.constant(-1000),
    fc.constant(0),
    fc.constant(1000),
    fc.integer({ min: -999, max: 999 })
  ),
  kthread: fc.boolean(),
  admin: fc.boolean(),
  origin: fc.boolean(),
  vfork: fc.boolean(),
  oomSkip: fc.boolean(),
  victim: fc.constantFrom('none', 'live', 'skipped'),
  threads: fc.array(fc.record({ released: fc.boolean(), exiting: fc.boolean() }), {
    maxLength: 3
  }),
  sharesWith: fc.option(fc.nat(20), { nil: undefined }),
  memdie: fc.boolean()
})

type Row = typeof row extends fc.Arbitrary<infer T> ? T : never

/** A state from rows; rare flags (origin, victims) are thinned so both paths see real choices. */
function build(rows: Row[], seed: number): OomState {
  const s = makeState({
    totalRamPages: 1_000_000 + seed,
    totalSwapPages: seed % 3 === 0 ? 0 : 4096
  })
  addTask(s, { pid: 1, comm: 'init', anon: 500 })
  rows.forEach((r, i) => {
    const pid = 100 + i
    const rare = (pid * 7919 + seed) % 11 === 0
    const shared = r.sharesWith !== undefined && r.sharesWith < i ? 100 + r.sharesWith : null
    const p = addTask(s, {
      pid,
      comm: `t${i}`,
      kthread: r.kthread && rare,
      anon: r.anon,
      file: r.file,
      shmem: r.shmem,
      swapEnts: r.swap,
      pgtablesBytes: r.pt,
      oomScoreAdj: r.adj,
      capSysAdmin: r.admin,
      oomOrigin: r.origin && rare,
      inVfork: r.vfork && rare,
      memdie: r.memdie && rare,
      ...(shared !== null ? { mmId: shared } : {}),
      threads: r.threads.map((t, k) =>
        makeThread({
          tid: k === 0 ? pid : pid * 10 + k,
          mmReleased: t.released,
          exiting: t.exiting && rare
        })
      )
    })
    if (p.kthread) p.mmId = null
    const mm = p.mmId === null ? undefined : s.mms.get(p.mmId)
    if (mm !== undefined) {
      if (r.nrPmds !== undefined) mm.nrPmds = r.nrPmds
      if (r.oomSkip && rare) mm.flags.oomSkip = true
    }
    if (r.victim !== 'none' && rare) {
      const vm = makeMm({ id: 90_000 + i, flags: { oomSkip: r.victim === 'skipped' } })
      s.mms.set(vm.id, vm)
      p.oomVictimMmId = vm.id
    }
  })
  return s
}

describe('selectBadProcess(): hot path (ranking off) == reference scan (ranking on)', () => {
  const names = Object.keys(profiles)
  it('same chosen task, thread, abort and points on every profile, global and sysrq', () => {
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 25 }),
        fc.nat(1000),
        fc.constantFrom(...names),
        fc.boolean(),
        (rows, seed, name, sysrq) => {
          const profile = profiles[name]!
          const oc = { ...globalOc(null), kind: sysrq ? ('sysrq' as const) : ('global' as const) }
          const s = build(rows, seed)
          const total = s.totalRamPages + s.totalSwapPages
          const ref = selectBadProcess(s, oc, total, profile, { ranking: true })
          const fast = selectBadProcess(s, oc, total, profile, { ranking: false })
          expect({
            pid: fast.chosen?.pid ?? null,
            tid: fast.chosenTid,
            aborted: fast.aborted,
            points: fast.points,
            scaled: fast.scaledPoints
          }).toEqual({
            pid: ref.chosen?.pid ?? null,
            tid: ref.chosenTid,
            aborted: ref.aborted,
            points: ref.points,
            scaled: ref.scaledPoints
          })
          expect(fast.ranking).toEqual([])
        }
      ),
      { numRuns: 400 }
    )
  })
})
