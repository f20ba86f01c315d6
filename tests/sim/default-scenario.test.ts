import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers.ts'
import { DEFAULT_SCENARIO_YAML } from '../../src/sim/default-scenario.ts'

const REPORT = readFileSync('/work/shared/oomlogs/cnnotes611_1.log', 'utf8')
  .split('\n')
  .map(l => l.replace(/^\[[ \d.]+\] /, ''))

/** Lines of the real report the default run must reproduce exactly. */
const EXACT = [
  'stress-ng-vm invoked oom-killer: gfp_mask=0x440dc0(GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=1000',
  'Tasks state (memory values in pages):',
  '[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name',
  ...REPORT.filter(l => /^\[ +\d+\] /.test(l)),
  'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=stress-ng-vm,pid=116,uid=0',
  'Out of memory: Killed process 116 (stress-ng-vm) total-vm:10515768kB, anon-rss:7980628kB, file-rss:564kB, shmem-rss:0kB, UID:0 pgtables:15676kB oom_score_adj:1000'
]

describe('oomkit simulate (default scenario: seed 003)', () => {
  it('prints the real report lines byte for byte, after dmesg timestamps', async () => {
    const r = await runCli(['simulate'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const lines = r.stdout.trimEnd().split('\n')
    for (const l of lines) expect(l).toMatch(/^\[ *\d+\.\d{6}\] /)
    const text = lines.map(l => l.replace(/^\[ *\d+\.\d{6}\] /, ''))
    expect(EXACT).toHaveLength(9)
    for (const want of EXACT) expect(text).toContain(want)
    // The task rows come in the report's order, right under the header.
    const hdr = text.indexOf(EXACT[2] as string)
    expect(text.slice(hdr + 1, hdr + 5)).toEqual(EXACT.slice(3, 7))
  })

  it('reproduces the report watermarks, lowmem_reserve and RAM lines', async () => {
    const r = await runCli(['simulate'])
    for (const frag of [
      'Node 0 DMA free:32kB boost:0kB min:20kB low:32kB high:44kB',
      'min:2728kB low:4668kB high:6608kB',
      'min:8628kB low:14764kB high:20900kB',
      'lowmem_reserve[]: 0 1895 7890 0 0',
      'lowmem_reserve[]: 0 0 5994 0 0',
      '2097022 pages RAM',
      '67366 pages reserved',
      '8810 total pagecache pages',
      'slab_reclaimable:878 slab_unreclaimable:5771'
    ])
      expect(r.stdout).toContain(frag)
  })

  it('is deterministic', async () => {
    const a = await runCli(['simulate'])
    const b = await runCli(['simulate'])
    expect(a.stdout).toBe(b.stdout)
  })

  it('--json summarises the victim and the final memory state', async () => {
    const r = await runCli(['simulate', '--json'])
    expect(r.code).toBe(0)
    const s = JSON.parse(r.stdout) as {
      victims: { pid: number }[]
      panic: string | null
      expectMismatches: string[]
      final: { freePages: number; processes: { pid: number }[] }
    }
    expect(s.victims.map(v => v.pid)).toEqual([116])
    expect(s.panic).toBeNull()
    expect(s.expectMismatches).toEqual([])
    // The victim exited and gave its ~7.6 GiB back.
    expect(s.final.freePages).toBeGreaterThan(1_900_000)
    expect(s.final.processes.map(p => p.pid)).not.toContain(116)
  })

  it('ships the same text as examples/stress-ng-6.11.yaml', () => {
    expect(readFileSync('examples/stress-ng-6.11.yaml', 'utf8')).toBe(DEFAULT_SCENARIO_YAML)
  })
})
