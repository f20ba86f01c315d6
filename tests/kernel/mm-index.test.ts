/**
 * The victim scan's dense mm index (src/kernel/mm-index.ts) follows forks and exits through the
 * VersionedMap's journal: after any sequence of sets, deletes and clears it reads exactly as
 * `state.mms.get(id)`, and a selection over it equals one over a plain Map.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { denseMmIndex } from '../../src/kernel/mm-index.ts'
import { selectBadProcess } from '../../src/kernel/oom-select.ts'
import { profiles } from '../../src/kernel/profiles.ts'
import { makeMm, makeProcess, makeState, makeThread } from '../../src/kernel/state-builders.ts'
import { JOURNAL_SIZE, VersionedMap } from '../../src/kernel/versioned-map.ts'
import type { Mm, OomState } from '../../src/kernel/types.ts'

const N = 3000
const OC = {
  kind: 'global' as const,
  memcg: null,
  gfpMask: 0xcc0,
  order: 0,
  nodemask: null,
  currentPid: null
}

function table(): OomState {
  const processes = []
  const mms = []
  for (let pid = 1; pid <= N; pid++) {
    processes.push(makeProcess({ pid, comm: 't', threads: [makeThread({ tid: pid, comm: 't' })] }))
    mms.push(makeMm({ id: pid, anon: (pid * 7919) % 5000 }))
  }
  return makeState({ processes, mms, totalRamPages: 1 << 22 })
}

function expectMatches(state: OomState): void {
  const index = denseMmIndex(state, state.processes.length)
  expect(index).not.toBeNull()
  for (let id = 0; id < N + 200; id++) expect(index![id]).toBe(state.mms.get(id))
}

const op = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    id: fc.integer({ min: 1, max: N + 100 }),
    anon: fc.nat(9000)
  }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 1, max: N + 100 }) }),
  fc.record({
    kind: fc.constant('many' as const),
    count: fc.integer({ min: 1, max: JOURNAL_SIZE + 10 })
  })
)

describe('denseMmIndex through forks and exits', () => {
  it('reads as the Map after any changes (journal patches, or a rebuild past the journal)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), ops => {
        const state = table()
        expect(state.mms).toBeInstanceOf(VersionedMap)
        expectMatches(state)
        for (const o of ops) {
          if (o.kind === 'set') state.mms.set(o.id, makeMm({ id: o.id, anon: o.anon }))
          else if (o.kind === 'delete') state.mms.delete(o.id)
          else
            for (let i = 0; i < o.count; i++)
              state.mms.set(1, state.mms.get(1) ?? makeMm({ id: 1 }))
          expectMatches(state)
        }
      }),
      { numRuns: 12 }
    )
  })

  it('chooses as a plain Map does, right after a fork and after an exit', () => {
    const state = table()
    const profile = profiles['6.11']!
    const select = (s: OomState) => selectBadProcess(s, OC, 1 << 22, profile, { ranking: false })
    const plain = (): OomState => ({ ...state, mms: new Map<number, Mm>(state.mms) })
    select(state)
    // fork: a child with the largest mm; exit: it goes again.
    state.mms.set(N + 1, makeMm({ id: N + 1, anon: 100_000 }))
    state.processes.push(
      makeProcess({ pid: N + 1, comm: 'c', threads: [makeThread({ tid: N + 1, comm: 'c' })] })
    )
    expect(select(state).chosen?.pid).toBe(N + 1)
    expect(select(state)).toEqual(select(plain()))
    state.processes.pop()
    state.mms.delete(N + 1)
    expect(select(state)).toEqual(select(plain()))
    state.mms.clear()
    expect(select(state).chosen).toBeNull()
  })
})
