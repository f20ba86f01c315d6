/** Golden decision test from a real 6.11 report (out_of_memory(), select_bad_process(), 6.11). */
import { describe, expect, it } from 'vitest'
import { outOfMemory } from '../../src/kernel/oom-kill.ts'
import { profiles } from '../../src/kernel/profiles.ts'
import { makeRatelimit } from '../../src/kernel/ratelimit.ts'
import { cnnotes611Lines, cnnotes611State } from './fixtures.ts'

const p611 = profiles['6.11']!

describe('cnnotes611_1.log (6.11, 8 GiB, no swap)', () => {
  const run = () => {
    const state = cnnotes611State()
    const out = outOfMemory(
      state,
      { kind: 'global', memcg: null, gfpMask: 0x440dc0, order: 0, nodemask: null, currentPid: 116 },
      { profile: p611, nowNs: 30_745_678_000, ratelimit: makeRatelimit() }
    )
    return { state, out }
  }

  it('chooses pid 116 with totalpages = managed pages 2029656', () => {
    const { out } = run()
    expect(out.outcome).toBe('killed')
    expect(out.victimPid).toBe(116)
    expect(out.constraint).toBe('CONSTRAINT_NONE')
    expect(out.totalPages).toBe(2029656)
    const chosen = out.ranking.find(r => r.pid === 116)!
    // 1995298 rss + 16052224/4096 + 1000 * (2029656/1000)
    expect(chosen.badness).toMatchObject({ eligible: true, points: 1995298 + 3919 + 1000 * 2029 })
  })

  it('prints byte-identical task rows, summary, Killed and invoked lines', () => {
    const { out } = run()
    const texts = out.printk.map(r => r.text)
    expect(texts[0]).toBe(cnnotes611Lines.invoked)
    const firstRow = texts.findIndex(l => l.startsWith('[    111]'))
    expect(texts.slice(firstRow, firstRow + 4)).toEqual(cnnotes611Lines.rows)
    expect(texts[firstRow + 4]).toBe(cnnotes611Lines.summary)
    expect(texts[firstRow + 5]).toBe(cnnotes611Lines.killed)
    expect(out.printk.find(r => r.text === cnnotes611Lines.killed)?.level).toBe(3)
  })

  it('kills and marks the victim, queues the reaper after 2 s, counts oom_kill', () => {
    const { state, out } = run()
    expect(out.effects).toEqual([
      { type: 'signal', pid: 116, signal: 'SIGKILL' },
      { type: 'queue-reaper', pid: 116, mmId: 116, atNs: 30_745_678_000 + 2_000_000_000 }
    ])
    const v = state.processes.find(p => p.pid === 116)!
    expect(v.memdie).toBe(true)
    expect(v.oomVictimMmId).toBe(116)
    expect(state.vmOomKill).toBe(1)
    expect(state.memcgs.get('/')!.events.oom_kill).toBe(1)
    const mark = out.events.find(e => e.type === 'oom:mark_victim')
    expect(mark).toMatchObject({ pid: 116, extended: { anonRssKb: 7980628, oomScoreAdj: 1000 } })
  })

  it('a second OOM right after aborts: the victim is still in flight (oom_evaluate_task)', () => {
    const { state } = run()
    const again = outOfMemory(
      state,
      { kind: 'global', memcg: null, gfpMask: 0xcc0, order: 0, nodemask: null, currentPid: 111 },
      { profile: p611, nowNs: 30_800_000_000, ratelimit: makeRatelimit() }
    )
    expect(again.outcome).toBe('aborted')
    expect(again.progress).toBe(true)
    expect(again.printk).toEqual([])
    state.mms.get(116)!.flags.oomSkip = true
    const third = outOfMemory(
      state,
      { kind: 'global', memcg: null, gfpMask: 0xcc0, order: 0, nodemask: null, currentPid: 111 },
      { profile: p611, nowNs: 33_000_000_000, ratelimit: makeRatelimit() }
    )
    // 116 is skipped (MMF_OOM_SKIP); 114/115 are -1000; sh is chosen.
    expect(third.victimPid).toBe(111)
  })
})

describe('report data and printk agree', () => {
  it('renderOomReport(outcome.report) gives exactly the printk lines of a plain kill', async () => {
    const { renderOomReport } = await import('../../src/kernel/printk/render-report.ts')
    const state = cnnotes611State()
    const out = outOfMemory(
      state,
      { kind: 'global', memcg: null, gfpMask: 0x440dc0, order: 0, nodemask: null, currentPid: 116 },
      { profile: p611, nowNs: 30_745_678_000, ratelimit: makeRatelimit() }
    )
    expect(renderOomReport(out.report!, p611)).toEqual(out.printk.map(r => r.text))
  })
})
