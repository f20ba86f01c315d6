/**
 * Machine-independent tests of the conformance harness's parts: the case generator is
 * deterministic and keeps baselines under the limit, the kernel-report splitter recovers the
 * kill from a real 6.18 memcg report, /dev/kmsg records format like dmesg, and the throttle holds
 * the kernel's dump_header ratelimit.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  baselineKb,
  caseForSeed,
  defaultCases,
  generateCase,
  handWritten,
  HAND_WRITTEN_BASE
} from '../../conformance/cases.ts'
import { killedCount, splitKills, parseTaskRow } from '../../conformance/kernel-report.ts'
import type { CaseRun } from '../../conformance/case-run.ts'
import type { ProcSnapshot } from '../../conformance/proc-snapshot.ts'
import { caseToScenario } from '../../conformance/snapshot-scenario.ts'
import { ScenarioSpec } from '../../src/sim/schema.ts'
import { dmesgLine, parseKmsgRecord, type KmsgRecord } from '../../conformance/kmsg.ts'
import { hogArgs } from '../../conformance/hog-process.ts'

const fixture = readFileSync(
  new URL('../fixtures/real-kernel/linux-6.18-memcg-v1.log', import.meta.url),
  'utf8'
)

/** The fixture's dmesg lines as kmsg records. */
function records(text: string): KmsgRecord[] {
  return text
    .split('\n')
    .filter(l => l !== '')
    .map((l, i) => {
      const m = /^\[\s*(\d+)\.(\d{6})\] (.*)$/.exec(l)!
      return { seq: i, usec: Number(m[1]) * 1e6 + Number(m[2]), level: 4, text: m[3]! }
    })
}

describe('case generator', () => {
  it('gives the same case for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8999 }), seed => {
        expect(generateCase(seed)).toEqual(generateCase(seed))
      })
    )
  })

  it('keeps every generated baseline under 70% of the limit, adj within 0..1000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8999 }), seed => {
        const c = generateCase(seed)
        expect(baselineKb(c)).toBeLessThanOrEqual(c.limitKb * 0.7)
        expect(c.grower).toBeLessThan(c.hogs.length)
        for (const h of c.hogs) {
          expect(h.adj).toBeGreaterThanOrEqual(0)
          expect(h.adj).toBeLessThanOrEqual(1000)
          expect(h.name.length).toBeLessThanOrEqual(12)
        }
      })
    )
  })

  it('covers the shapes the issue asks for across the default run', () => {
    const cases = defaultCases(30)
    const hogs = cases.flatMap(c => c.hogs)
    expect(cases.length).toBe(30 + handWritten.length)
    expect(hogs.some(h => h.threads > 0)).toBe(true)
    expect(hogs.some(h => h.forks > 0)).toBe(true)
    expect(hogs.some(h => h.cloneVm)).toBe(true)
    expect(hogs.some(h => h.sharedKb > 0)).toBe(true)
    expect(hogs.some(h => h.adj === 1000)).toBe(true)
    expect(cases.some(c => c.limitKb < 4000)).toBe(true)
  })

  it('replays hand-written cases by their seed', () => {
    expect(caseForSeed(HAND_WRITTEN_BASE).label).toBe(handWritten[0]!.label)
    expect(caseForSeed(HAND_WRITTEN_BASE).seed).toBe(HAND_WRITTEN_BASE)
  })

  it('passes the shape to the hog as flags', () => {
    expect(hogArgs({ ...caseForSeed(HAND_WRITTEN_BASE + 8).hogs[0]!, cpu: 1 })).toEqual([
      '-n',
      'par',
      '-m',
      '8192',
      '-p',
      '1',
      '-P',
      String(process.pid),
      '-f',
      '2',
      '-c',
      '6144'
    ])
  })
})

describe('kernel report splitting', () => {
  it('recovers the kill, its rows and lines from a real 6.18 memcg report', () => {
    const kills = splitKills(records(fixture))
    expect(kills).toHaveLength(1)
    const k = kills[0]!
    expect(k.complete).toBe(true)
    expect(k.killed.pid).toBe(2201)
    expect(k.killed.message).toBe('Memory cgroup out of memory')
    expect(k.summary?.oomMemcg).toBe('/oomtest')
    expect(k.tasks?.map(t => [t.pid, t.rss, t.oomScoreAdj])).toEqual([
      [2160, 8476, 0],
      [2201, 11069, 500]
    ])
    expect(k.taskHeaderTexts).toHaveLength(2)
    expect(k.lines[0]).toBe(fixture.split('\n')[0])
  })

  it('marks a Killed line without its dump as incomplete (ratelimited)', () => {
    const only = records(fixture).filter(r => r.text.includes('Killed process'))
    const kills = splitKills(only)
    expect(kills).toHaveLength(1)
    expect(kills[0]!.complete).toBe(false)
    expect(kills[0]!.tasks).toBeNull()
  })

  it('parses task rows with a comm containing spaces', () => {
    const row = parseTaskRow(
      '[   2160]     0  2160     9262     8476     6816     1660         0   114688        0             0 my prog'
    )
    expect(row?.comm).toBe('my prog')
  })
})

describe('/dev/kmsg records', () => {
  it('format as dmesg lines and unescape bytes', () => {
    const r = parseKmsgRecord(
      '4,1234,47710634,-;python3 invoked oom-killer: a\\x5cb\n SUBSYSTEM=x\n'
    )!
    expect(r.seq).toBe(1234)
    expect(dmesgLine(r)).toBe('[   47.710634] python3 invoked oom-killer: a\\b')
  })
})

describe('memory.oom.group reports (cgroup v2)', () => {
  it('keeps the group members with the victim, not as ratelimited kills', () => {
    const base = records(fixture)
    const t = base[base.length - 1]!.usec
    const extra = [
      'Tasks in /oomtest are going to be killed due to memory.oom.group set',
      'Memory cgroup out of memory: Killed process 2160 (python3) total-vm:37048kB, anon-rss:27264kB, file-rss:6640kB, shmem-rss:0kB, UID:0 pgtables:112kB oom_score_adj:0'
    ].map((text, i) => ({ seq: 1000 + i, usec: t + i + 1, level: 3, text }))
    const kills = splitKills([...base, ...extra])
    expect(kills).toHaveLength(1)
    expect(kills[0]!.complete).toBe(true)
    expect(kills[0]!.oomGroupText).toContain('/oomtest')
    expect(kills[0]!.groupKilled.map(k => k.pid)).toEqual([2160])
    expect(killedCount(kills)).toBe(2)
  })
})

describe('snapshot to scenario', () => {
  it('builds a scenario the simulator schema accepts, with the growth and the COW sharing', () => {
    const spec = caseForSeed(HAND_WRITTEN_BASE + 8) // forked-children
    const proc = (pid: number, comm: string, anon: number, adj = 0): ProcSnapshot => ({
      pid,
      ppid: 1,
      comm,
      uid: 0,
      totalVm: anon + 1000,
      rssAnon: anon,
      rssFile: 500,
      rssShmem: 0,
      swapEnts: 0,
      pgtablesBytes: 40960,
      capSysAdmin: true,
      capSysResource: false,
      threads: [{ tid: pid, comm }],
      oomScore: 666,
      oomScoreAdj: adj,
      memcg: '/oomkit-conf-9009-0'
    })
    const run: CaseRun = {
      spec,
      release: '6.18.44',
      memcgPath: '/oomkit-conf-9009-0',
      snapshot: {
        entries: [
          { proc: proc(100, 'par', 2100), sharesMmWith: null },
          { proc: proc(101, 'parc0', 3650), sharesMmWith: null },
          { proc: proc(102, 'parc1', 3650, 200), sharesMmWith: null },
          { proc: proc(103, 'fgrow', 300), sharesMmWith: null }
        ],
        totalRamPages: 6170914,
        totalSwapPages: 0,
        cgroupVersion: 1,
        memcgPath: '/oomkit-conf-9009-0',
        limitPages: 6656,
        usagePages: 6000
      },
      roles: new Map([
        [100, { hog: 0, role: 'parent', index: 0 }],
        [101, { hog: 0, role: 'child', index: 0 }],
        [102, { hog: 0, role: 'child', index: 1 }],
        [103, { hog: 1, role: 'parent', index: 0 }]
      ]),
      chargedElsewhere: new Map([
        [100, { anon: 30, pgtables: 5 }],
        [103, { anon: 30, pgtables: 5 }]
      ]),
      growerPid: 103,
      grownKbAtKill: [2048],
      grownKb: 2048,
      kills: [],
      logLines: [],
      attempts: 1,
      errors: [],
      durationMs: 0
    }
    const sc = caseToScenario(run, '6.18')
    expect(ScenarioSpec.safeParse(sc).success).toBe(true)
    expect(sc.timeline?.[0]).toMatchObject({ do: 'touch', pid: 103, size: '512k', vma: 'grow' })
    const child = sc.processes.find(p => p.pid === 101)!
    // The child maps its parent's copy-on-write pages and has 1550 pages of its own.
    const pages = (name: string): number =>
      Number(child.vmas?.find(v => v.name === name)?.size ?? 0)
    expect(child.cowFrom).toBe(100)
    expect(pages('premove') + Number(child.sharedAnon ?? 0)).toBe(2100)
    expect(pages('heap')).toBe(1550)
    // The real usage the model does not explain becomes an unmapped filler in the case memcg.
    expect(sc.files?.some(f => f.path === '/filler' && f.memcg === '/oomkit-conf-9009-0')).toBe(
      true
    )
  })
})
