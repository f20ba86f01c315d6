/** The individual printk renderers in each version form (reference §4–§7). */
import { describe, expect, it } from 'vitest'
import { profiles, variant } from '../../../src/kernel/profiles.ts'
import {
  bitmapList,
  formatDmesg,
  formatDmesgTimestamp,
  renderAllocFailure,
  renderAlreadyExitingLine,
  renderCpusetLine,
  renderInvokedLine,
  renderKilledLine,
  renderMemcgInfo,
  renderNoKillablePanicLine,
  renderOomReport,
  renderPanicEndLine,
  renderPanicOnOomLine,
  renderPinnedLine,
  renderSacrificeLine,
  renderSharingLine,
  renderStack,
  renderSummaryLine,
  renderUnableToReapLine
} from '../../../src/kernel/printk/index.ts'
import { killed, memcg, report, trigger } from './builders.ts'

const P = (n: string) => profiles[n]!
const headerForm = (header: '4.5' | '4.9' | '4.15') =>
  variant(P('4.14'), { name: `h${header}`, description: 'test', format: { header } })

describe('renderInvokedLine', () => {
  const t = trigger({ comm: 'stress', pid: 9, gfpMask: 0x14200ca, order: 0, nodemask: [0, 1] })

  it('prints the 4.9-4.14 form with two spaces before order and (null) for no nodemask', () => {
    expect(renderInvokedLine(t, headerForm('4.9'))).toBe(
      'stress invoked oom-killer: gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), nodemask=0-1,  order=0, oom_score_adj=0'
    )
    expect(renderInvokedLine({ ...t, nodemask: null }, headerForm('4.9'))).toContain(
      'nodemask=(null),  order=0'
    )
  })

  it('prints the 4.15 nodemask form and the 4.5 form without nodemask', () => {
    expect(renderInvokedLine(t, headerForm('4.15'))).toContain(
      '(GFP_HIGHUSER_MOVABLE), nodemask=0-1, order=0,'
    )
    expect(renderInvokedLine(t, headerForm('4.5'))).toBe(
      'stress invoked oom-killer: gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0'
    )
  })

  it('prints a zero mask as 0x0() like the real pagefault OOM lines (linux-mm 2017/2018 threads)', () => {
    const pf = trigger({ comm: 'allocate', pid: 492, gfpMask: 0, nodemask: null })
    expect(renderInvokedLine(pf, P('4.14'))).toBe(
      'allocate invoked oom-killer: gfp_mask=0x0(), nodemask=(null),  order=0, oom_score_adj=0'
    )
    expect(renderInvokedLine({ ...pf, comm: 'emerge' }, P('4.19'))).toBe(
      'emerge invoked oom-killer: gfp_mask=0x0(), nodemask=(null), order=0, oom_score_adj=0'
    )
  })

  it('prints sysrq order -1, a zero gfp mask and %hd oom_score_adj', () => {
    const line = renderInvokedLine({ ...t, gfpMask: 0, order: -1, oomScoreAdj: -1000 }, P('5.10'))
    expect(line).toBe('stress invoked oom-killer: gfp_mask=0x0(), order=-1, oom_score_adj=-1000')
  })
})

describe('cpuset line, bitmaps, alloc failure', () => {
  it('prints %*pbl range lists', () => {
    expect(bitmapList([0])).toBe('0')
    expect(bitmapList([1, 0])).toBe('0-1')
    expect(bitmapList([0, 1, 3])).toBe('0-1,3')
    expect(bitmapList([0, 2, 3, 5, 6, 7])).toBe('0,2-3,5-7')
    expect(bitmapList([])).toBe('')
  })

  it('prints the <= 4.20 cpuset line', () => {
    expect(
      renderCpusetLine(
        trigger({ comm: 'java', pid: 1, cpuset: 'docker-1.scope', memsAllowed: [0, 1] })
      )
    ).toBe('java cpuset=docker-1.scope mems_allowed=0-1')
  })

  it('prints warn_alloc with the cpuset on the same line from 5.0, separately before', () => {
    const f = {
      comm: 'kworker/0:1',
      order: 2,
      gfpMask: 0xcc0,
      nodemask: null,
      cpuset: '/',
      memsAllowed: [0]
    }
    expect(renderAllocFailure(f, P('6.11'))).toEqual([
      'kworker/0:1: page allocation failure: order:2, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0'
    ])
    expect(renderAllocFailure({ ...f, gfpMask: 0x6000c0 }, P('4.19'))).toEqual([
      'kworker/0:1: page allocation failure: order:2, mode:0x6000c0(GFP_KERNEL), nodemask=(null)',
      'kworker/0:1 cpuset=/ mems_allowed=0'
    ])
    expect(renderAllocFailure({ ...f, gfpMask: 0xd0 }, P('3.10'))).toEqual([
      'kworker/0:1: page allocation failure: order:2, mode:0xd0'
    ])
  })

  it('__alloc_pages_slowpath() 2.6.32-642 (rhel6): "page allocation failure. order:"', () => {
    const f = { comm: 'java', order: 0, gfpMask: 0x201da, nodemask: null, cpuset: '/' }
    expect(renderAllocFailure({ ...f, memsAllowed: [0] }, P('rhel6'))).toEqual([
      'java: page allocation failure. order:0, mode:0x201da'
    ])
  })
})

describe('summary and kill lines', () => {
  const base = report({
    trigger: trigger({ comm: 'a', pid: 5, cpuset: 'user.slice', memsAllowed: [0, 1, 3] }),
    constraint: 'CONSTRAINT_MEMORY_POLICY',
    nodemask: [1],
    victim: { pid: 7, comm: 'hog', uid: 1000, memcg: '/user.slice/hog.scope' }
  })

  it('prints the policy nodemask, the cpuset and global_oom', () => {
    expect(renderSummaryLine(base, P('6.11'))).toBe(
      'oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=1,cpuset=user.slice,mems_allowed=0-1,3,global_oom,task_memcg=/user.slice/hog.scope,task=hog,pid=7,uid=1000'
    )
  })

  it('has no summary line before 5.0 or without a victim', () => {
    expect(renderSummaryLine(base, P('4.19'))).toBeNull()
    expect(renderSummaryLine({ ...base, victim: null }, P('6.11'))).toBeNull()
  })

  it('prints each Killed form', () => {
    const k = killed({
      message: 'Memory cgroup out of memory',
      pid: 7,
      comm: 'hog',
      totalVmKb: 100,
      anonRssKb: 60,
      fileRssKb: 4,
      shmemRssKb: 2,
      uid: 1000,
      pgtablesKb: 12,
      oomScoreAdj: -17
    })
    const m = 'total-vm:100kB, anon-rss:60kB, file-rss:4kB'
    expect(renderKilledLine(k, P('3.10'))).toBe(`Killed process 7 (hog) ${m}`)
    expect(renderKilledLine(k, P('rhel6'))).toBe(`Killed process 7, UID 1000, (hog) ${m}`)
    expect(renderKilledLine(k, P('4.19'))).toBe(`Killed process 7 (hog) ${m}, shmem-rss:2kB`)
    const v51 = variant(P('5.10'), { name: 'k51', description: 'test', format: { killed: '5.1' } })
    expect(renderKilledLine(k, v51)).toBe(
      `Memory cgroup out of memory: Killed process 7 (hog) ${m}, shmem-rss:2kB`
    )
    expect(renderKilledLine(k, P('5.10'))).toBe(
      `Memory cgroup out of memory: Killed process 7 (hog) ${m}, shmem-rss:2kB, UID:1000 pgtables:12kB oom_score_adj:-17`
    )
  })

  it('prints the sacrifice line only where the profile has it', () => {
    const s = { pid: 7, comm: 'hog', score: 873 }
    expect(renderSacrificeLine('Out of memory', s, P('4.19'))).toBe(
      'Out of memory: Kill process 7 (hog) score 873 or sacrifice child'
    )
    expect(renderSacrificeLine('Out of memory', s, P('5.10'))).toBeNull()
  })

  it('prints the sharer, pinned, already-exiting and reaper lines', () => {
    expect(renderSharingLine(8, 'hog-child')).toBe('Kill process 8 (hog-child) sharing same memory')
    expect(renderPinnedLine({ pid: 7, comm: 'hog' }, { pid: 1, comm: 'systemd' })).toBe(
      'oom killer 7 (hog) has mm pinned by 1 (systemd)'
    )
    expect(renderAlreadyExitingLine('Out of memory', 7, 'hog')).toBe(
      'Out of memory: OOM victim 7 (hog) is already exiting. Skip killing the task'
    )
    expect(renderUnableToReapLine(7, 'hog')).toBe('oom_reaper: unable to reap pid:7 (hog)')
  })

  it('prints the panic messages after "Kernel panic - not syncing: "', () => {
    expect(renderPanicOnOomLine(2)).toBe(
      'Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled'
    )
    expect(renderPanicOnOomLine(1)).toBe(
      'Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled'
    )
    expect(renderNoKillablePanicLine(P('4.14'))).toBe(
      'Kernel panic - not syncing: Out of memory and no killable processes...'
    )
    expect(renderNoKillablePanicLine(P('5.10'))).toBe(
      'Kernel panic - not syncing: System is deadlocked on memory'
    )
    expect(renderPanicEndLine(renderNoKillablePanicLine(P('5.10')))).toBe(
      '---[ end Kernel panic - not syncing: System is deadlocked on memory ]---'
    )
  })
})

describe('memcg block forms', () => {
  const m = memcg({
    oomMemcg: '/a',
    taskMemcg: '/a/b',
    memory: { usageKb: 10, limitKb: 10, failcnt: 3 },
    memsw: { usageKb: 10, limitKb: 20, failcnt: 0 },
    kmem: { usageKb: 1, limitKb: 9007199254740988, failcnt: 0 },
    stats: [
      {
        path: '/a',
        entries: [
          ['cache', 0],
          ['rss', 10]
        ]
      }
    ]
  })

  it('prints "Task in" only <= 4.20 and "Memory limit reached" without a victim memcg', () => {
    expect(renderMemcgInfo(m, P('4.19'))[0]).toBe('Task in /a/b killed as a result of limit of /a')
    expect(renderMemcgInfo({ ...m, taskMemcg: null }, P('4.19'))[0]).toBe(
      'Memory limit reached of cgroup /a'
    )
    const v50 = variant(P('4.19'), {
      name: 'm50',
      description: 'test',
      format: { memcgInfo: 'v5.0' }
    })
    expect(renderMemcgInfo(m, v50)).toEqual([
      'memory: usage 10kB, limit 10kB, failcnt 3',
      'memory+swap: usage 10kB, limit 20kB, failcnt 0',
      'kmem: usage 1kB, limit 9007199254740988kB, failcnt 0',
      'Memory cgroup stats for /a: cache:0KB rss:10KB'
    ])
  })

  it('prints memory.stat lines >= 5.3', () => {
    expect(renderMemcgInfo(m, P('5.10')).slice(-3)).toEqual([
      'Memory cgroup stats for /a:',
      'cache 0',
      'rss 10'
    ])
  })
})

describe('stack banner', () => {
  const r = report({
    trigger: trigger({ comm: 'hog', pid: 42, uid: 1000 }),
    cpu: 3,
    kernelRelease: '6.11.0'
  })

  it('prints UID from 6.10 and <TASK> markers on 6.x', () => {
    const s = renderStack(r, P('6.11'))
    expect(s.slice(0, 3)).toEqual([
      'CPU: 3 UID: 1000 PID: 42 Comm: hog Not tainted 6.11.0 #1',
      'Call Trace:',
      ' <TASK>'
    ])
    expect(s.at(-1)).toBe(' </TASK>')
    // No known build: names only, no invented offsets.
    expect(s).toContain(' __alloc_pages_may_oom')
    expect(s.some(l => l.includes('+0x'))).toBe(false)
  })

  it('prints the 4.x banner without UID and 3.x addresses', () => {
    expect(renderStack({ ...r, kernelRelease: '4.19.0' }, P('4.19'))[0]).toBe(
      'CPU: 3 PID: 42 Comm: hog Not tainted 4.19.0 #1'
    )
    // 3.x printed ` [<address>] fn+off/size`; with no known build there is neither.
    expect(renderStack(r, P('3.10'))[2]).toBe(' dump_stack')
  })

  it('uses the given call chain and is deterministic', () => {
    const s = renderStack(
      { ...r, stack: { calls: ['dump_stack_lvl', 'moom_callback'] } },
      P('6.11')
    )
    expect(s.filter(l => l === ' dump_stack_lvl' || l === ' moom_callback')).toHaveLength(2)
    expect(renderStack(r, P('6.11'))).toEqual(renderStack(r, P('6.11')))
  })

  it('picks the memcg and sysrq chains by default', () => {
    expect(
      renderStack({ ...r, oomMemcg: '/a' }, P('6.11')).some(l => l === ' try_charge_memcg')
    ).toBe(true)
    const sysrq = { ...r, trigger: { ...r.trigger, order: -1 } }
    expect(renderStack(sysrq, P('6.11')).some(l => l === ' moom_callback')).toBe(true)
  })
})

describe('call-trace offsets of a known build (seed 003)', () => {
  const r = report({
    trigger: trigger({ comm: 'stress-ng-vm', pid: 116 }),
    cpu: 1,
    kernelRelease: '6.11.0-10669-g11a299a7933e-dirty'
  })
  const calls = ['dump_stack_lvl', 'do_user_addr_fault', 'exc_page_fault', 'no_such_fn']

  it("prints that build's offsets, its stale `?` frame, and names only for unknown functions", () => {
    const s = renderStack({ ...r, stack: { build: '#15', calls } }, P('6.11'))
    expect(s.slice(3, -1)).toEqual([
      ' dump_stack_lvl+0x3f/0xb0',
      ' do_user_addr_fault+0x1f7/0x770',
      ' ? sched_clock_cpu+0x10/0x190',
      ' exc_page_fault+0x5c/0xe0',
      ' no_such_fn'
    ])
  })

  it('another build of the same release gets no offsets', () => {
    const s = renderStack({ ...r, stack: { build: '#16', calls } }, P('6.11'))
    expect(s.slice(3, -1)).toEqual([
      ' dump_stack_lvl',
      ' do_user_addr_fault',
      ' exc_page_fault',
      ' no_such_fn'
    ])
  })

  it('prints recorded user registers before </TASK>', () => {
    const z = '0'
    const regs = {
      rip: '56095b546735',
      code: '89 cf <40> 88',
      rsp: '7fff6c0c9f80',
      eflags: '10202',
      rax: '10',
      rbx: z,
      rcx: z,
      rdx: z,
      rsi: z,
      rdi: z,
      rbp: z,
      r8: z,
      r9: z,
      r10: z,
      r11: z,
      r12: z,
      r13: z,
      r14: '1000',
      r15: z
    }
    const s = renderStack({ ...r, stack: { calls: ['dump_stack_lvl'], regs } }, P('6.11'))
    expect(s.slice(-9)).toEqual([
      'RIP: 0033:0x56095b546735',
      'Code: 89 cf <40> 88',
      'RSP: 002b:00007fff6c0c9f80 EFLAGS: 00010202',
      'RAX: 0000000000000010 RBX: 0000000000000000 RCX: 0000000000000000',
      'RDX: 0000000000000000 RSI: 0000000000000000 RDI: 0000000000000000',
      'RBP: 0000000000000000 R08: 0000000000000000 R09: 0000000000000000',
      'R10: 0000000000000000 R11: 0000000000000000 R12: 0000000000000000',
      'R13: 0000000000000000 R14: 0000000000001000 R15: 0000000000000000',
      ' </TASK>'
    ])
  })
})

describe('renderOomReport endings and order', () => {
  const t = trigger({ comm: 'hog', pid: 42 })

  it('puts the cpuset line right after the header <= 4.20', () => {
    const lines = renderOomReport(report({ trigger: { ...t, gfpMask: 0x6000c0 } }), P('4.19'))
    expect(lines[1]).toBe('hog cpuset=/ mems_allowed=0')
    expect(lines[2]).toMatch(/^CPU: 0 PID: 42 Comm: hog/)
  })

  it('warns then panics when nothing is killable (>= 4.19), panics directly before', () => {
    const r = report({ trigger: t, panic: { reason: 'noKillable' } })
    expect(renderOomReport(r, P('5.10')).slice(-2)).toEqual([
      'Out of memory and no killable processes...',
      'Kernel panic - not syncing: System is deadlocked on memory'
    ])
    expect(renderOomReport(r, P('4.14')).slice(-2)[1]).toBe(
      'Kernel panic - not syncing: Out of memory and no killable processes...'
    )
  })

  it('ends with the panic_on_oom panic after dump_header', () => {
    const r = report({ trigger: t, panic: { reason: 'panicOnOom', value: 2 } })
    expect(renderOomReport(r, P('6.11')).at(-1)).toBe(
      'Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled'
    )
  })
})

describe('dmesg timestamps', () => {
  it('prints [%5lu.%06lu]', () => {
    expect(formatDmesgTimestamp(30_745_678_123)).toBe('[   30.745678]')
    expect(formatDmesgTimestamp(0)).toBe('[    0.000000]')
    expect(formatDmesgTimestamp(3_054_438_925_903_000)).toBe('[3054438.925903]')
  })

  it('prefixes each record', () => {
    expect(formatDmesg([{ timeNs: 1_500_000_000, level: 3, text: 'x' }])).toEqual([
      '[    1.500000] x'
    ])
  })
})
