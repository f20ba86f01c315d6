/**
 * The file, tmpfs, hierarchy and oom_kill_disable kinds (conformance/kinds-files.ts) and what
 * check 2's scenario makes of them (scenario-files.ts, scenario-groups.ts): no real kernel here.
 */
import { describe, expect, it } from 'vitest'
import type { CaseRun } from '../../conformance/case-run.ts'
import { hog, type CaseSpec } from '../../conformance/cases.ts'
import { hogArgs } from '../../conformance/hog-process.ts'
import { kindCase, kindCaseForSeed, KIND_NAMES } from '../../conformance/kind-cases.ts'
import { compareRows } from '../../conformance/row-compare.ts'
import { chargedPages, filePlan } from '../../conformance/scenario-files.ts'
import { caseTimeline } from '../../conformance/scenario-groups.ts'
import { caseToScenario } from '../../conformance/snapshot-scenario.ts'
import type { ProcSnapshot } from '../../conformance/proc-snapshot.ts'
import { ScenarioSpec } from '../../src/sim/schema.ts'

const KINDS = ['nested', 'pagecache-read', 'pagecache-mmap', 'tmpfs', 'oom-kill-disable']
const PATH = '/oomkit-conf-700001-0'

describe('kinds: nested, page cache, tmpfs, oom_kill_disable', () => {
  it('each makes 8 seeded cases of its shape, replayable by seed', () => {
    for (const kind of KINDS) {
      expect(KIND_NAMES).toContain(kind)
      for (let n = 1; n <= 8; n++) {
        const c = kindCase(kind, n)
        expect(kindCaseForSeed(c.seed)).toEqual(c)
        expect(c.kind).toBe(kind)
        const big = c.hogs[0]!
        if (kind === 'nested') {
          expect(c.groups!.length).toBeGreaterThanOrEqual(2)
          expect(c.hogs[c.grower]!.group).not.toBe('b')
        }
        if (kind === 'pagecache-read') expect(big.readKb).toBeGreaterThan(0)
        if (kind === 'pagecache-mmap') expect(big.mapFileKb).toBeGreaterThan(0)
        if (kind === 'tmpfs') expect(big.tmpfsKb).toBeGreaterThan(0)
        if (kind === 'oom-kill-disable') expect(c.oomKillDisable).toBe(true)
      }
    }
  })

  it('hog options: -R reads, -F maps, -K writes a tmpfs file', () => {
    const a = hogArgs(hog('x', 100, 0, { readKb: 8, mapFileKb: 12, tmpfsKb: 16 }))
    expect(a.join(' ')).toContain('-R 8 -F 12 -K 16')
  })
})

const proc = (pid: number, comm: string, anon: number, file: number): ProcSnapshot => ({
  pid,
  ppid: 1,
  comm,
  uid: 0,
  totalVm: anon + file + 100,
  rssAnon: anon,
  rssFile: file,
  rssShmem: 0,
  swapEnts: 0,
  pgtablesBytes: 40960,
  capSysAdmin: true,
  capSysResource: false,
  threads: [{ tid: pid, comm }],
  oomScore: 0,
  oomScoreAdj: 0,
  memcg: PATH
})

/** A pagecache case: hog 0 reads 1000 pages, maps 300 of a data file; 20 text pages are the
 * group's (faulted after the move), the rest of the 518 the root's; 50 pages of tmpfs. */
function fileRun(): CaseRun {
  const spec: CaseSpec = {
    seed: 700001,
    label: 'pagecache-mmap',
    limitKb: 40960,
    hogs: [hog('pm1_0', 8000, 0, { mapFileKb: 1200 }), hog('pmg1', 400)],
    grower: 1,
    stepKb: 256,
    maxKills: 2
  }
  const B = 4096
  const stat = [
    `cache ${(1000 + 300 + 20 + 50) * B}`,
    `rss ${2100 * B}`,
    `shmem ${50 * B}`,
    `mapped_file ${(300 + 20) * B}`,
    `active_file ${100 * B}`,
    `inactive_file ${1220 * B}`,
    `total_rss ${2100 * B}`,
    `total_cache ${(1000 + 300 + 20 + 50) * B}`
  ].join('\n')
  return {
    spec,
    release: '6.18.44',
    memcgPath: PATH,
    snapshot: {
      entries: [
        { proc: proc(100, 'pm1_0', 2000, 518 + 300), sharesMmWith: null },
        { proc: proc(101, 'pmg1', 100, 518), sharesMmWith: null }
      ],
      totalRamPages: 6170914,
      totalSwapPages: 0,
      cgroupVersion: 1,
      memcgPath: PATH,
      limitPages: 10240,
      usagePages: 3600,
      memcgStats: { [PATH]: stat },
      kmemPages: 40
    },
    roles: new Map([
      [100, { hog: 0, role: 'parent', index: 0 }],
      [101, { hog: 1, role: 'parent', index: 0 }]
    ]),
    chargedElsewhere: new Map(),
    growerPid: 101,
    grownKbAtKill: [],
    grownKb: 1024,
    kills: [],
    logLines: [],
    attempts: 1,
    errors: [],
    durationMs: 0
  }
}

describe("check 2's scenario: file and tmpfs pages where memory.stat has them", () => {
  it('page cache, tmpfs, a data mapping and the text faulted after the move are the group’s; the rest of the text the root’s', () => {
    const run = fileRun()
    const users = run.snapshot.entries.map(e => ({
      pid: e.proc.pid,
      group: PATH,
      rssFile: e.proc.rssFile,
      data: e.proc.pid === 100 ? 300 : 0
    }))
    const plan = filePlan(run, users, () => 0)
    const size = (path: string): number => Number(plan.files.find(f => f.path === path)?.size)
    expect(size('/usr/lib/hog-text')).toBe(498)
    expect(size(`/usr/lib/hog-text${PATH}`)).toBe(20)
    expect(size(`/data/100`)).toBe(300)
    expect(size(`/cache${PATH}`)).toBe(1000)
    expect(plan.files.find(f => f.path === `/tmpfs${PATH}`)).toMatchObject({
      size: 50,
      fs: 'tmpfs'
    })
    expect(plan.charged).toBe(20 + 300 + 1000 + 50)
    const vmas = plan.vmas.get(100)!
    expect(vmas.map(v => [v.name, v.resident, v.referenced ?? true])).toEqual([
      ['text', 498, true],
      ['text-memcg', 20, false],
      ['data', 300, false]
    ])
    // Usage less the per-CPU precharge: total_rss + total_cache + kmem.
    expect(chargedPages(run)).toBe(2100 + 1370 + 40)
    expect(ScenarioSpec.safeParse(caseToScenario(run, '6.18')).success).toBe(true)
  })

  it('oom_kill_disable: set before the growth, cleared a step after its last', () => {
    const run = fileRun()
    run.spec.oomKillDisable = true
    const t = caseTimeline(run, 10)
    expect(t.map(a => [a.at, a.do, 'value' in a ? a.value : null])).toEqual([
      [0.5, 'cgroup-set', true],
      [1, 'touch', null],
      [12, 'cgroup-set', false]
    ])
  })

  it('rows: rss equal, within the drift, other columns, identical', () => {
    const k = [
      'x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      '[   5635]     0  5635     5889     5778     5280      498         0    73728        0             0 pr2_0'
    ]
    const s = [
      k[0]!,
      '[   5635]     0  5635     5889     5829     5286      543         0    73728        0             0 pr2_0'
    ]
    expect(compareRows(k, s)).toEqual({
      rows: 1,
      rssEqual: 0,
      splitEqual: 0,
      rssWithinDrift: 1,
      restIdentical: 1,
      identical: 0
    })
    expect(compareRows(k, k).identical).toBe(1)
    expect(compareRows(k, k).splitEqual).toBe(1)
  })
})
