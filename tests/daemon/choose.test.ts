import { describe, expect, it } from 'vitest'
import { chooseVictim, rankCandidates } from '../../src/daemon/choose.ts'
import type { ChooseInput } from '../../src/daemon/choose.ts'
import { oomBadness } from '../../src/kernel/oom-badness.ts'
import { profiles } from '../../src/kernel/profiles.ts'
import { addTask, makeState } from '../../src/kernel/state-builders.ts'
import { config, proc } from './fixtures.ts'

const profile = profiles['6.18']!
const TOTAL = 2 * 1024 * 1024 // pages (8 GiB)

function input(
  candidates: ChooseInput['candidates'],
  raw: unknown = {},
  extra: Partial<ChooseInput> = {}
): ChooseInput {
  return {
    candidates,
    previousRss: new Map(),
    nowMs: 10_000,
    choose: config({ choose: raw }).choose,
    profile,
    totalPages: TOTAL,
    selfPid: 4242,
    ...extra
  }
}

const big = proc({ pid: 100, comm: 'big', rssAnonKb: 800_000 })
const mid = proc({ pid: 101, comm: 'mid', rssAnonKb: 400_000, swapKb: 300_000 })
const small = proc({ pid: 102, comm: 'small', rssAnonKb: 100_000 })

describe('victim choice', () => {
  it('never picks self, its helpers, init, kernel threads or oom_score_adj -1000', () => {
    const never = [
      proc({ pid: 4242, comm: 'oomkit', rssAnonKb: 9_000_000 }),
      proc({ pid: 5000, ppid: 4242, comm: 'hook', rssAnonKb: 9_000_000 }),
      proc({ pid: 1, comm: 'init', rssAnonKb: 9_000_000 }),
      proc({ pid: 2, comm: 'kthreadd', kthread: true }),
      proc({ pid: 300, comm: 'sshd', rssAnonKb: 9_000_000, oomScoreAdj: -1000 })
    ]
    const choice = chooseVictim(input([...never, small]))
    expect(choice.victim?.pid).toBe(102)
    const excluded = Object.fromEntries(
      choice.ranking.filter(r => r.excluded).map(r => [r.comm, r.excluded])
    )
    expect(excluded).toEqual({
      oomkit: 'self',
      hook: 'self',
      init: 'init',
      kthreadd: 'kthread',
      sshd: 'adj-min'
    })
  })

  it('ranks by the engine oom_badness() by default, as the kernel would', () => {
    const ranking = rankCandidates(input([small, mid, big]))
    const state = makeState({ totalRamPages: TOTAL })
    const expected = [small, mid, big]
      .map(p => {
        const task = addTask(state, {
          pid: p.pid,
          comm: p.comm,
          anon: p.rssAnonKb / 4,
          swapEnts: p.swapKb / 4
        })
        const b = oomBadness(task, state, TOTAL, profile)
        return { pid: p.pid, points: b.eligible ? b.points : -1 }
      })
      .sort((a, b) => b.points - a.points)
    expect(ranking.map(r => r.pid)).toEqual(expected.map(e => e.pid))
    expect(ranking.map(r => r.score)).toEqual(expected.map(e => e.points))
    // mid has 400 MB RSS + 300 MB swap: it stays below big's 800 MB.
    expect(ranking[0]!.pid).toBe(100)
    expect(ranking[1]!.badness).toMatchObject({
      eligible: true,
      parts: { rss: 100_000, swap: 75_000 }
    })
  })

  it('oom_score_adj shifts the badness by adj * totalpages/1000 pages', () => {
    const boosted = proc({ pid: 103, comm: 'tab', rssAnonKb: 100_000, oomScoreAdj: 300 })
    const r = rankCandidates(input([big, boosted]))
    expect(r[0]!.pid).toBe(103)
    expect(r[0]!.score).toBe(25_000 + 300 * Math.trunc(TOTAL / 1000))
  })

  it('--sort-by rss, swap and growth change the order', () => {
    expect(chooseVictim(input([small, mid, big], { sortBy: 'rss' })).victim?.pid).toBe(100)
    expect(chooseVictim(input([small, mid, big], { sortBy: 'swap' })).victim?.pid).toBe(101)
    const prev = new Map([
      [100, { rssKb: 790_000, timeMs: 9_000, startTime: big.startTime }],
      [101, { rssKb: 400_000, timeMs: 9_000, startTime: mid.startTime }],
      [102, { rssKb: 10_000, timeMs: 9_000, startTime: small.startTime }]
    ])
    const growth = chooseVictim(
      input([small, mid, big], { sortBy: 'growth' }, { previousRss: prev })
    )
    expect(growth.victim?.pid).toBe(102)
    expect(growth.ranking[0]!.growthKbPerS).toBe(90_000)
  })

  it('prefer / avoid / ignore rules on name, cmdline, exe, cgroup and user', () => {
    const rules = (r: unknown[]) => chooseVictim(input([small, mid, big], { rules: r })).victim?.pid
    expect(rules([{ name: '^small$', action: 'prefer', adjust: 500 }])).toBe(102)
    expect(rules([{ name: '^big$', action: 'avoid' }])).toBe(101)
    expect(
      rules([
        { exe: 'p100$', action: 'ignore' },
        { cmdline: 'p101', action: 'ignore' }
      ])
    ).toBe(102)
    const other = proc({
      pid: 104,
      comm: 'db',
      rssAnonKb: 900_000,
      user: 'postgres',
      uid: 116,
      memcg: '/system.slice/pg.service'
    })
    const all = [small, big, other]
    expect(chooseVictim(input(all)).victim?.pid).toBe(104)
    expect(
      chooseVictim(input(all, { rules: [{ user: 'postgres', action: 'ignore' }] })).victim?.pid
    ).toBe(100)
    expect(chooseVictim(input(all, { rules: [{ user: 116, action: 'ignore' }] })).victim?.pid).toBe(
      100
    )
    expect(
      chooseVictim(
        input(all, { rules: [{ cgroup: '^/system\\.slice/', action: 'avoid', adjust: -1000 }] })
      ).victim?.pid
    ).toBe(100)
    const ranked = chooseVictim(input(all, { rules: [{ name: '^db$', action: 'ignore' }] })).ranking
    expect(ranked.find(r => r.pid === 104)).toMatchObject({
      excluded: 'ignored',
      score: null,
      rules: ['ignore name=/^db$/']
    })
  })

  it('cgroup mode picks the worst cgroup first, then its largest process', () => {
    const a1 = proc({ pid: 200, comm: 'a1', rssAnonKb: 300_000, memcg: '/app-a.scope' })
    const a2 = proc({ pid: 201, comm: 'a2', rssAnonKb: 300_000, memcg: '/app-a.scope' })
    const b1 = proc({ pid: 202, comm: 'b1', rssAnonKb: 500_000, memcg: '/app-b.scope' })
    const process = chooseVictim(input([a1, a2, b1]))
    expect(process.victim?.pid).toBe(202)
    const cgroup = chooseVictim(input([a1, a2, b1], { mode: 'cgroup' }))
    expect(cgroup.cgroup).toBe('/app-a.scope')
    expect(cgroup.victim?.memcg).toBe('/app-a.scope')
  })

  it('no victim when nothing is eligible', () => {
    const choice = chooseVictim(
      input([proc({ pid: 1, comm: 'init' }), proc({ pid: 2, kthread: true })])
    )
    expect(choice.victim).toBeNull()
    expect(choice.ranking).toHaveLength(2)
  })
})
