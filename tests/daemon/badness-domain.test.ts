/**
 * The daemon's badness domain is the kernel's: constrained_alloc() totalpages, which for a memcg
 * is mem_cgroup_get_max() (memory.max plus the swap allowance capped at total swap). Before
 * this, the daemon used the memcg limit alone, so with a swap limit and swap on the machine its
 * oom_score_adj term (adj * totalpages / 1000) disagreed with the kernel's and could pick
 * another victim.
 */
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import type { ProcessControl } from '../../src/adapters/pidfd/process-control.ts'
import { badnessDomainPages } from '../../src/daemon/badness-domain.ts'
import { Daemon } from '../../src/daemon/daemon.ts'
import { Journal } from '../../src/daemon/journal.ts'
import type { CgroupReading, MemorySource, Readings } from '../../src/daemon/readings.ts'
import { oomBadness } from '../../src/kernel/oom-badness.ts'
import { memcgMax } from '../../src/kernel/oom-constraint.ts'
import { profiles } from '../../src/kernel/profiles.ts'
import { addTask, makeMemcg, makeState } from '../../src/kernel/state-builders.ts'
import { GiB_KB, config, meminfo, proc } from './fixtures.ts'

const profile = profiles['6.18']!
const MiB = 1024 * 1024
const DIR = '/sys/fs/cgroup/app'

function cgroup(partial: Partial<CgroupReading> = {}): CgroupReading {
  return {
    path: DIR,
    version: 2,
    usageBytes: 500 * MiB,
    inactiveFileBytes: 0,
    limitBytes: 512 * MiB,
    swapLimitBytes: 256 * MiB,
    swappiness: null,
    psi: null,
    oomKills: 0,
    canKill: false,
    ...partial
  }
}

function readings(cg: CgroupReading, swapTotalKb = GiB_KB): Readings {
  return { timeMs: 0, meminfo: meminfo(GiB_KB, { swapTotalKb }), psi: null, cgroups: [cg] }
}

/** The kernel model's mem_cgroup_get_max() for the same memcg (pages). */
function kernelMax(
  cg: CgroupReading,
  swapTotalKb: number,
  swappiness: number
): { max: number; state: ReturnType<typeof makeState> } {
  const memcg = makeMemcg({
    path: '/app',
    limit: cg.limitBytes! / 4096,
    swapLimit: cg.swapLimitBytes == null ? null : cg.swapLimitBytes / 4096,
    swappiness
  })
  const state = makeState({
    totalRamPages: (8 * GiB_KB) / 4,
    totalSwapPages: swapTotalKb / 4,
    cgroupVersion: cg.version,
    memcgs: [memcg]
  })
  return { max: memcgMax(state, memcg), state }
}

describe('badness domain = constrained_alloc() totalpages (mem_cgroup_get_max() for a memcg)', () => {
  it('v2: memory.max + memory.swap.max, capped at total swap', () => {
    const cg = cgroup()
    const pages = badnessDomainPages(DIR, readings(cg), 60, profile)
    expect(pages).toBe(((512 + 256) * MiB) / 4096)
    expect(pages).toBe(kernelMax(cg, GiB_KB, 60).max)
    const unlimitedSwap = cgroup({ swapLimitBytes: null })
    expect(badnessDomainPages(DIR, readings(unlimitedSwap, 128 * 1024), 60, profile)).toBe(
      ((512 + 128) * MiB) / 4096
    )
    expect(badnessDomainPages(DIR, readings(unlimitedSwap, 128 * 1024), 60, profile)).toBe(
      kernelMax(unlimitedSwap, 128 * 1024, 60).max
    )
  })

  it('v1: memsw.limit_in_bytes - limit_in_bytes; swappiness 0 leaves the limit alone', () => {
    const v1 = cgroup({ version: 1, swapLimitBytes: 768 * MiB, swappiness: 30 })
    expect(badnessDomainPages(DIR, readings(v1), 60, profile)).toBe(((512 + 256) * MiB) / 4096)
    expect(badnessDomainPages(DIR, readings(v1), 60, profile)).toBe(kernelMax(v1, GiB_KB, 30).max)
    const noSwap = cgroup({ version: 1, swapLimitBytes: 768 * MiB, swappiness: 0 })
    expect(badnessDomainPages(DIR, readings(noSwap), 60, profile)).toBe((512 * MiB) / 4096)
  })

  it('system scope and an unlimited cgroup: RAM + swap', () => {
    const r = readings(cgroup({ limitBytes: null }))
    const total = (8 * GiB_KB + GiB_KB) / 4
    expect(badnessDomainPages('system', r, 60, profile)).toBe(total)
    expect(badnessDomainPages(DIR, r, 60, profile)).toBe(total)
  })

  it('the loop ranks a cgroup trigger with the kernel oom_badness() under that totalpages', async () => {
    const cg = cgroup()
    // 16000 pages and adj 0 vs 100 pages and adj +100: +100 is worth totalpages/10 pages, so
    // 'lean' wins over 'fat' only when swap is counted (19700 vs 13200 with the limit alone).
    const fat = proc({ pid: 10, comm: 'fat', rssAnonKb: 64_000, memcg: '/app' })
    const lean = proc({ pid: 11, comm: 'lean', rssAnonKb: 400, oomScoreAdj: 100, memcg: '/app' })
    const source: MemorySource = {
      selfPid: 4242,
      meminfo: () => meminfo(4 * GiB_KB, { swapTotalKb: GiB_KB, swapFreeKb: GiB_KB }),
      psi: () => null,
      vmSwappiness: () => 60,
      cgroup: path => (path === DIR ? cg : null),
      processes: () => [fat, lean],
      process: pid => [fat, lean].find(p => p.pid === pid) ?? null,
      cgroupPids: () => [10, 11],
      cgroupDir: () => DIR
    }
    const journal = new Journal(null, 10)
    const daemon = new Daemon(
      config({
        memory: { enabled: false },
        cgroups: [{ path: DIR, available: { term: '10%', kill: '5%' } }],
        kill: { dryRun: true }
      }),
      {
        source,
        control: { features: { backend: 'fallback' } } as unknown as ProcessControl,
        logger: pino({ level: 'silent' }),
        journal,
        metrics: null,
        notifier: { enabled: false, why: 'test', send: () => undefined },
        profile,
        env: {},
        clock: () => 0
      }
    )
    await daemon.tick()
    const entry = journal.entries[0]!
    expect(entry.event).toBe('would-kill')
    const { max, state } = kernelMax(cg, GiB_KB, 60)
    const kernel = [fat, lean].map(p => {
      const task = addTask(state, {
        pid: p.pid,
        comm: p.comm,
        oomScoreAdj: p.oomScoreAdj,
        anon: p.rssAnonKb / 4
      })
      const b = oomBadness(task, state, max, profile)
      return { pid: p.pid, points: b.eligible ? b.points : -1 }
    })
    expect(kernel).toEqual([
      { pid: 10, points: 16000 },
      { pid: 11, points: 19700 }
    ])
    expect(entry.victim).toMatchObject({ pid: 11, score: 19700 })
    expect(entry.ranking.map(r => [r.pid, r.score])).toEqual([
      [11, 19700],
      [10, 16000]
    ])
  })
})
