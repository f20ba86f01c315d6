/**
 * The web page's map from a line to the kernel function that produced it: the lines that tell
 * an OOM's story map to the functions docs/ARCHITECTURE.md names, every line the simulator
 * prints for the examples is linked, and every explanation line that replays a kernel step is.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  KERNEL_FUNCTIONS,
  kernelFunctionOf,
  kernelFunctionUrl
} from '../../src/web/kernel-functions.ts'
import { explainReport } from '../../src/web/explain-job.ts'
import { simulateScenario } from '../../src/web/simulate-job.ts'

const fnOf = (kind: 'log' | 'explain', text: string): string | null =>
  kernelFunctionOf(kind, text)?.fn ?? null

const EXAMPLES = readdirSync('examples').filter(f => /\.(ya?ml|json)$/.test(f))
const LOGS = readdirSync('tests/fixtures/oomlogs').filter(f => f.endsWith('.log'))

describe('kernel function of a line', () => {
  it.each([
    [
      '[   30.745678] stress-ng-vm invoked oom-killer: gfp_mask=0x440dc0(GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=1000',
      'dump_header'
    ],
    [
      '[    0.133001] CPU: 0 PID: 900 Comm: grower Not tainted 6.1.0-oomkit #1',
      'dump_stack_print_info'
    ],
    ['[    0.133004]  dump_stack_lvl+0xd8/0x789', 'dump_stack'],
    ['[    0.133020] Mem-Info:', '__show_free_areas'],
    [
      '[    0.133040] Node 0 DMA32 free:3884kB boost:0kB min:4008kB low:5008kB high:6008kB',
      '__show_free_areas'
    ],
    ['[    0.133041] lowmem_reserve[]: 0 0 0 0 0', '__show_free_areas'],
    ['[    0.133050] Free swap  = 0kB', 'show_swap_cache_info'],
    ['[    0.133051] 65534 pages RAM', '__show_mem'],
    [
      '[    0.133060] memory: usage 131072kB, limit 131072kB, failcnt 12',
      'mem_cgroup_print_oom_meminfo'
    ],
    ['[    0.133061] anon 133169152', 'memory_stat_format'],
    ['[    0.133070] Tasks state (memory values in pages):', 'dump_tasks'],
    [
      '[    0.133072] [    900]     0   900    65793    65536   532480        0             0 grower',
      'dump_task'
    ],
    [
      '[    0.133080] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=grower,pid=900,uid=0',
      'dump_oom_summary'
    ],
    [
      '[    0.133081] Out of memory: Killed process 900 (grower) total-vm:263172kB, anon-rss:262144kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:520kB oom_score_adj:0',
      '__oom_kill_process'
    ],
    [
      '[    0.133082] Memory cgroup out of memory: Killed process 700 (server) total-vm:122880kB',
      '__oom_kill_process'
    ],
    [
      '[    0.335000] oom_reaper: reaped process 900 (grower), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
      'oom_reap_task_mm'
    ],
    ['[    1.000000] oom_reaper: unable to reap pid:900 (grower)', 'oom_reap_task'],
    ['[    0.200000] Out of memory and no killable processes...', 'out_of_memory'],
    [
      '[    0.200001] Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled',
      'check_panic_on_oom'
    ],
    ['[    0.200002] Kernel panic - not syncing: System is deadlocked on memory', 'panic'],
    ['[    0.010000] sysrq: Manual OOM execution', 'moom_callback'],
    [
      '[    0.010000] tar: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP)',
      'warn_alloc'
    ]
  ])('%s', (line, fn) => {
    expect(fnOf('log', line)).toBe(fn)
  })

  it('links every line the simulator prints for the examples', () => {
    const unlinked: string[] = []
    for (const f of EXAMPLES) {
      const r = simulateScenario(readFileSync(`examples/${f}`, 'utf8'), `examples/${f}`, null)
      expect(r.kind, f).toBe('simulate')
      if (r.kind !== 'simulate') continue
      for (const l of r.lines) if (fnOf('log', l) === null) unlinked.push(`${f}: ${l}`)
    }
    expect(unlinked).toEqual([])
  })

  it("links every explanation line that replays a kernel step (not oomkit's own notes)", () => {
    const unlinked: string[] = []
    let linked = 0
    for (const f of LOGS) {
      const r = explainReport(readFileSync(`tests/fixtures/oomlogs/${f}`, 'utf8'), null)
      for (const l of r.text.split('\n')) {
        // oomkit's own findings: the profile it guessed, warnings, notes.
        if (l === '' || /^ {2}(profile|warning|note): /.test(l)) continue
        if (fnOf('explain', l) === null) unlinked.push(`${f}: ${l}`)
        else linked++
      }
    }
    expect(unlinked).toEqual([])
    expect(linked).toBeGreaterThan(150)
    expect(fnOf('explain', '  killed:   pid 4358 (bash), anon-rss 7093784 kB')).toBe(
      '__oom_kill_process'
    )
    expect(fnOf('explain', '  what:     a task needed memory')).toBe('constrained_alloc')
    expect(
      fnOf('explain', '       1    4358    0      2853794  bash              rss 1773446')
    ).toBe('oom_badness')
    expect(fnOf('explain', '  warning:  line 2: the report starts without its header')).toBeNull()
    expect(fnOf('explain', '  profile:  4.14 (nr_ptes + nr_pmds table (4.0–4.14))')).toBeNull()
  })

  it('is one table of kernel identifiers and source files, each linked to the cross-reference', () => {
    for (const row of KERNEL_FUNCTIONS) {
      expect(row.fn).toMatch(/^[a-z_][a-z0-9_]*$/)
      expect(row.file).toMatch(/^(mm|lib|kernel|fs|drivers|arch)\/[\w/-]+\.c$/)
    }
    expect(kernelFunctionUrl('dump_header')).toBe(
      'https://elixir.bootlin.com/linux/latest/A/ident/dump_header'
    )
  })
})
