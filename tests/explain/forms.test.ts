/** Line forms of every era, recovered from synthetic reports written in the kernel's formats. */
import { describe, expect, it } from 'vitest'
import { buildExplainModel } from '../../src/explain/explain-model.ts'
import { createReportParser, parseReports } from '../../src/explain/parser.ts'
import type { OomEvent } from '../../src/explain/oom-event.ts'

const ts = (lines: string[], start = 100): string =>
  lines.map((l, i) => `[${(start + i / 1e5).toFixed(6).padStart(12)}] ${l}`).join('\n')

function one(text: string): OomEvent {
  const events = parseReports(text)
  expect(events).toHaveLength(1)
  return events[0]!
}

const v510Global = (
  trigger: string,
  victim: { pid: number; comm: string },
  rows: string[]
): string[] => [
  `${trigger} invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0`,
  `CPU: 1 PID: 4242 Comm: ${trigger} Not tainted 5.10.0-18-amd64 #1 Debian 5.10.140-1`,
  'Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.15.0-1 04/01/2014',
  'Call Trace:',
  ' dump_stack+0x6b/0x83',
  ' dump_header+0x4a/0x1f0',
  'Mem-Info:',
  'active_anon:1000 inactive_anon:200000 isolated_anon:0',
  ' free:13191 free_pcp:370 free_cma:0',
  '10000 pages in swap cache',
  'Free swap  = 0kB',
  'Total swap = 0kB',
  '262144 pages RAM',
  '0 pages HighMem/MovableOnly',
  '6144 pages reserved',
  'Tasks state (memory values in pages):',
  '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
  ...rows,
  `oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=${victim.comm},pid=${victim.pid},uid=1000`,
  `Out of memory: Killed process ${victim.pid} (${victim.comm}) total-vm:800000kB, anon-rss:600000kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:1200kB oom_score_adj:0`
]

describe('headers and tables of every era', () => {
  it('<= 2.6.35: oom_adj-only header, cpu/oom_adj table, "kill process ... or a child", vsz', () => {
    const e = one(
      ts([
        'Xorg invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0',
        'Xorg cpuset=/ mems_allowed=0',
        'Pid: 1234, comm: Xorg Not tainted 2.6.35-rc1 #1',
        'Call Trace:',
        ' [<ffffffff810c5d8d>] ? dump_header+0x6d/0x1b0',
        '[ pid ]   uid  tgid total_vm      rss cpu oom_adj name',
        '[  800]     0   800     4889      128   0       0 udevd',
        '[ 1234]     0  1234    50000    20000   1       0 Xorg',
        'Out of memory: kill process 1234 (Xorg) score 123456 or a child',
        'Killed process 1234 (Xorg) vsz:200000kB, anon-rss:80000kB, file-rss:0kB'
      ])
    )
    expect(e.trigger?.oomAdj).toBe(0)
    expect(e.trigger?.oomScoreAdj).toBeNull()
    expect(e.warnings.map(w => w.code)).not.toContain('header-truncated')
    expect(e.kernelRelease).toBe('2.6.35-rc1')
    expect(e.tableLayout).toBe('2.6-old')
    expect(e.tasks?.[1]).toMatchObject({ pid: 1234, rss: 20000, cpu: 1, oomAdj: 0, comm: 'Xorg' })
    expect(e.sacrifice).toMatchObject({ pid: 1234, score: 123456 })
    expect(e.killedLines[0]).toMatchObject({ pid: 1234, totalVmKb: 200000, anonRssKb: 80000 })
    const [r] = buildExplainModel([e]).reports
    expect(r?.replay.agrees).toBeNull()
    expect(r?.replay.reason).toMatch(/2\.6\.36/)
  })

  it('RHEL6: oom_adj + oom_score_adj header, cpu/oom_adj/oom_score_adj table, "Killed process N, UID U, (comm)"', () => {
    const e = one(
      [
        'java invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0',
        'Pid: 2000, comm: java Not tainted 2.6.32-431.el6.x86_64 #1',
        'Mem-Info:',
        '1048576 pages RAM',
        '20000 pages reserved',
        'Free swap  = 0kB',
        'Total swap = 0kB',
        '[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name',
        '[  500]     0   500     2000      100   0     -17         -1000 udevd',
        '[ 1999]   498  1999   100000    50000   2       0             0 mysqld',
        '[ 2000]   500  2000  1200000   900000   3       0             0 java',
        'Out of memory: Kill process 2000 (java) score 877 or sacrifice child',
        'Killed process 2000, UID 500, (java) total-vm:4800000kB, anon-rss:3600000kB, file-rss:0kB'
      ]
        .map(l => `Mar  1 10:00:00 db1 kernel: ${l}`)
        .join('\n')
    )
    expect(e.tableLayout).toBe('rhel6')
    expect(e.profile).toBe('rhel6')
    expect(e.victim).toEqual({ pid: 2000, comm: 'java', source: 'killed' })
    expect(e.killedLines[0]?.uid).toBe(500)
    const [r] = buildExplainModel([e]).reports
    expect(r?.replay.victim?.pid).toBe(2000)
    expect(r?.replay.agrees).toBe(true)
    expect(r?.replay.ranking.find(x => x.pid === 500)?.ineligibleReason).toMatch(/-1000/)
  })

  it('4.9–4.14 header (nodemask, two spaces) and nr_ptes+nr_pmds table', () => {
    const e = one(
      ts([
        'java invoked oom-killer: gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), nodemask=(null),  order=0, oom_score_adj=0',
        'java cpuset=/ mems_allowed=0',
        'CPU: 0 PID: 77 Comm: java Not tainted 4.14.35-1818.el7uek.x86_64 #2',
        '[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name',
        '[   77]  1000    77  2853387  1773446    5578      13  1074744             0 java',
        '[   78]  1000    78     1000      100       5       3        0             0 Web Content',
        'Out of memory: Kill process 77 (java) score 701 or sacrifice child',
        'Killed process 77 (java) total-vm:11413548kB, anon-rss:7093784kB, file-rss:0kB, shmem-rss:0kB'
      ])
    )
    expect(e.trigger).toMatchObject({ comm: 'java', order: 0, oomScoreAdj: 0, gfpMask: 0x14200ca })
    expect(e.trigger?.memsAllowed).toEqual([0])
    expect(e.tableLayout).toBe('4.0')
    expect(e.tasks?.[0]).toMatchObject({ nrPtes: 5578, nrPmds: 13, swapEnts: 1074744 })
    expect(e.tasks?.[1]?.comm).toBe('Web Content')
    expect(e.profile).toBe('4.14')
  })

  it('a comm with parentheses and spaces in the Killed line', () => {
    const e = one(
      ts(['Killed process 42 (Plex (Media) Server) total-vm:100kB, anon-rss:10kB, file-rss:0kB'])
    )
    expect(e.victim?.comm).toBe('Plex (Media) Server')
  })
})

describe('memcg blocks', () => {
  it('cgroup v2: memory/swap lines, "key value" memory.stat, replay from memory.max', () => {
    const e = one(
      ts([
        'big invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
        'CPU: 3 PID: 1000 Comm: big Not tainted 6.1.0-13-amd64 #1 Debian 6.1.55-1',
        'memory: usage 524288kB, limit 524288kB, failcnt 10',
        'swap: usage 0kB, limit 0kB, failcnt 0',
        'Memory cgroup stats for /a:',
        'anon 530000000',
        'file 0',
        'Tasks state (memory values in pages):',
        '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
        '[   1000]  1000  1000   200000   129000  1100000        0             0 big',
        '[   1001]  1000  1001     1000      200    40960        0           500 small',
        'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a,task=big,pid=1000,uid=1000',
        'Memory cgroup out of memory: Killed process 1000 (big) total-vm:800000kB, anon-rss:516000kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:1074kB oom_score_adj:0'
      ])
    )
    expect(e.memcgInfo?.swap).toEqual({ usageKb: 0, limitKb: 0, failcnt: 0 })
    expect(e.memcgInfo?.stats).toEqual([
      {
        path: '/a',
        entries: [
          ['anon', 530000000],
          ['file', 0]
        ]
      }
    ])
    expect(e.summary).toMatchObject({
      oomMemcg: '/a',
      taskMemcg: '/a',
      pid: 1000,
      uid: 1000,
      truncated: false
    })
    const [r] = buildExplainModel([e]).reports
    expect(r?.replay.totalPages).toBe(131072)
    // small: 200 + 10 + 500 * 131 = 65710 points; big: 129000 + 268 = 129268.
    expect(r?.replay.ranking.map(x => x.points)).toEqual([129268, 65710])
    expect(r?.replay.agrees).toBe(true)
    expect(r?.replay.whatIf?.oomScoreAdj).toBe(-486)
    expect(r?.replay.whatIf?.shedPages).toBe(63558)
  })
})

describe('closing lines', () => {
  it('3.x "sharing same memory", reaper "unable to reap", oom.group', () => {
    const e = one(
      ts([
        'Out of memory: Kill process 1300 (java) score 900 or sacrifice child',
        'Killed process 1300 (java) total-vm:100kB, anon-rss:50kB, file-rss:0kB',
        'Kill process 1301 (helper) sharing same memory',
        'oom_reaper: unable to reap pid:1300 (java)'
      ])
    )
    expect(e.sharers).toEqual([{ pid: 1301, comm: 'helper' }])
    expect(e.reaper[0]).toMatchObject({ outcome: 'unable', pid: 1300 })
  })

  it('panic_on_oom: a panic and no victim', () => {
    const e = one(
      ts([
        'stress invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
        'Mem-Info:',
        '262144 pages RAM',
        'Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled'
      ])
    )
    expect(e.panic).toMatch(/panic_on_oom/)
    expect(e.victim).toBeNull()
    expect(e.warnings.map(w => w.code)).toContain('panic-no-kill')
  })

  it('page allocation failures are their own kind', () => {
    const events = parseReports(
      ts([
        'kworker/u4:1: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0',
        'CPU: 0 PID: 9 Comm: kworker/u4:1 Not tainted 6.6.0 #1',
        'Mem-Info:',
        '262144 pages RAM'
      ])
    )
    expect(events.map(e => e.kind)).toEqual(['allocation-failure'])
    expect(events[0]?.allocationFailure).toEqual({
      comm: 'kworker/u4:1',
      order: 4,
      gfpMask: 0x40cc0
    })
    expect(buildExplainModel(events).reports).toEqual([])
  })

  it('a repeated Killed line is expected under oom.group and a warning otherwise', () => {
    const killed =
      'Memory cgroup out of memory: Killed process 22609 (node) total-vm:100kB, anon-rss:50kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:969'
    const group = one(
      ts([killed, 'Tasks in /pod/app are going to be killed due to memory.oom.group set', killed])
    )
    expect(group.oomGroup).toBe('/pod/app')
    expect(group.warnings.map(w => w.code)).not.toContain('duplicate-killed')
    const repeated = one(ts([killed, killed]))
    expect(repeated.warnings.map(w => w.code)).toContain('duplicate-killed')
  })

  it('a truncated summary line is kept with a warning', () => {
    const e = one(
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=x,mems_allowed=0-1,oom_memcg=/k'
    )
    expect(e.summary).toMatchObject({
      constraint: 'CONSTRAINT_MEMCG',
      memsAllowed: [0, 1],
      oomMemcg: '/k',
      truncated: true
    })
    expect(e.warnings.map(w => w.code)).toContain('summary-truncated')
  })
})

describe('several reports', () => {
  const rows1 = [
    '[    300]  1000   300    10000     5000    90112        0             0 small',
    '[    400]  1000   400   900000   600000  5000000        0             0 mono'
  ]
  const rows2 = [
    '[    300]  1000   300    10000     5000    90112        0             0 small',
    '[    500]  1000   500   900000   700000  5000000        0             0 kwin_x11'
  ]
  it('back to back, with the first reaper line after the second header', () => {
    const a = v510Global('mono', { pid: 400, comm: 'mono' }, rows1)
    const b = v510Global('mono', { pid: 500, comm: 'kwin_x11' }, rows2)
    const text = ts([
      ...a,
      ...b.slice(0, 3),
      'oom_reaper: reaped process 400 (mono), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
      ...b.slice(3)
    ])
    const events = parseReports(text)
    expect(events.map(e => e.victim?.pid)).toEqual([400, 500])
    expect(events[0]?.reaper.map(r => r.pid)).toEqual([400])
    expect(events[1]?.reaper).toEqual([])
    // The trigger is not the victim.
    expect(events[1]?.trigger?.comm).toBe('mono')
    const model = buildExplainModel(events)
    expect(model.reports.map(r => r.replay.agrees)).toEqual([true, true])
  })

  it('a repeated report is two events', () => {
    const a = v510Global('mono', { pid: 400, comm: 'mono' }, rows1)
    const events = parseReports(ts([...a, ...a]))
    expect(events).toHaveLength(2)
  })

  it('ties: last scanned wins on >= 5.3, first on <= 5.2 (sacrifice-child kernels)', () => {
    const tie = [
      '[    300]  1000   300    10000     5000    90112        0             0 first',
      '[    301]  1000   301    10000     5000    90112        0             0 second'
    ]
    const [modern] = buildExplainModel(
      parseReports(ts(v510Global('x', { pid: 301, comm: 'second' }, tie)))
    ).reports
    expect(modern?.replay.victim?.pid).toBe(301)
    expect(modern?.replay.agrees).toBe(true)
    const old = ts([
      'x invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), nodemask=(null), order=0, oom_score_adj=0',
      'CPU: 1 PID: 9 Comm: x Not tainted 4.19.0-21-amd64 #1',
      '262144 pages RAM',
      '6144 pages reserved',
      'Total swap = 0kB',
      'Tasks state (memory values in pages):',
      '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
      ...tie,
      'Out of memory: Kill process 300 (first) score 19 or sacrifice child',
      'Killed process 300 (first) total-vm:40000kB, anon-rss:20000kB, file-rss:0kB, shmem-rss:0kB'
    ])
    const [r] = buildExplainModel(parseReports(old)).reports
    expect(r?.profile).toBe('4.19')
    expect(r?.replay.victim?.pid).toBe(300)
    expect(r?.replay.agrees).toBe(true)
    expect(r?.replay.replayScore).toBe(19)
  })
})

describe('the push API', () => {
  it('returns a finished event while text keeps coming', () => {
    const p = createReportParser({ linger: 50 })
    const lines = ts(
      v510Global('a', { pid: 400, comm: 'mono' }, [
        '[    400]  1000   400   900000   600000  5000000        0             0 mono'
      ])
    ).split('\n')
    const got: OomEvent[] = []
    for (const l of lines) got.push(...p.push(l))
    expect(got).toHaveLength(0)
    for (let i = 0; i < 100; i++) got.push(...p.push(`[  200.000000] eth0: link up ${i}`))
    expect(got).toHaveLength(1)
    expect(got[0]?.victim?.pid).toBe(400)
    expect(p.end()).toEqual([])
  })
})

describe('profile evidence', () => {
  it('a distro kernel whose lines show backports (RHEL 8 4.18 with 5.x kill lines) replays with the later rules', () => {
    const text = ts(
      v510Global('x', { pid: 301, comm: 'second' }, [
        '[    300]  1000   300    10000     5000    90112        0             0 first',
        '[    301]     0   301    10000     5000    90112        0             0 second'
      ]).map(l => l.replace('5.10.0-18-amd64 #1 Debian 5.10.140-1', '4.18.0-305.el8.x86_64 #1'))
    )
    const [r] = buildExplainModel(parseReports(text)).reports
    expect(r?.kernelRelease).toBe('4.18.0-305.el8.x86_64')
    expect(r?.profileReason).toMatch(/backports/)
    // No 3% root bonus and the last-scanned tie rule: the kernel's choice, 301, comes out.
    expect(r?.replay.victim?.pid).toBe(301)
    expect(r?.replay.agrees).toBe(true)
  })

  it('a long unreclaimable-slab dump does not cut the report', () => {
    const slab = ['Unreclaimable slab info:', 'Name                      Used          Total']
    for (let i = 0; i < 300; i++) slab.push(`kmalloc-${i}          ${i * 4}KB       ${i * 8}KB`)
    const lines = v510Global('x', { pid: 400, comm: 'mono' }, [
      '[    400]  1000   400   900000   600000  5000000        0             0 mono'
    ])
    const at = lines.indexOf('Tasks state (memory values in pages):')
    const [e, ...rest] = parseReports(ts([...lines.slice(0, at), ...slab, ...lines.slice(at)]))
    expect(rest).toEqual([])
    expect(e?.tasks).toHaveLength(1)
    expect(e?.warnings.map(w => w.code)).not.toContain('missing-header')
  })

  it('2.6.2x "score N and children" wording', () => {
    const e = one(
      ts([
        'Out of Memory: Kill process 812 (mysqld) score 4012 and children.',
        'Out of memory: Killed process 812 (mysqld).'
      ])
    )
    expect(e.sacrifice).toMatchObject({ pid: 812, comm: 'mysqld', score: 4012 })
    expect(e.victim).toMatchObject({ pid: 812, comm: 'mysqld', source: 'killed' })
  })
})

describe('real excerpts (LKML)', () => {
  it('2.6.30 syslog report without a table or kill line (oom_adj header, "Active_anon")', () => {
    const e = one(
      [
        'apt-check invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0',
        'apt-check cpuset=/ mems_allowed=0',
        'Pid: 23105, comm: apt-check Tainted: G    B   W  2.6.30 #11',
        'Call Trace:',
        ' [<ffffffff810861fd>] ? cpuset_print_task_mems_allowed+0x8d/0xa0',
        'Mem-Info:',
        'DMA per-cpu:',
        'CPU    0: hi:    0, btch:   1 usd:   0',
        'Active_anon:290797 active_file:28 inactive_anon:97034',
        ' inactive_file:61 unevictable:11322 dirty:0 writeback:0 unstable:0',
        ' free:3341 slab:13776 mapped:5880 pagetables:6851 bounce:0',
        'DMA free:7776kB min:40kB low:48kB high:60kB active_anon:556kB present:15340kB pages_scanned:30 all_unreclaimable? no',
        'lowmem_reserve[]: 0 1935 1935 1935',
        'DMA: 64*4kB 77*8kB 45*16kB 18*32kB 4*64kB 2*128kB 2*256kB 3*512kB 1*1024kB 1*2048kB 0*4096kB = 7800kB',
        'Total swap = 979956kB',
        '507136 pages RAM',
        '23325 pages reserved',
        '190892 pages shared'
      ]
        .map(
          (l, i) =>
            `Jun 18 07:44:52 jbarnes-g45 kernel: [${(64377.426677 + i / 1e5).toFixed(6)}] ${l}`
        )
        .join('\n')
    )
    expect(e.kernelRelease).toBe('2.6.30')
    expect(e.trigger).toMatchObject({ comm: 'apt-check', pid: 23105, order: 0, oomAdj: 0 })
    expect(e.showMem).toMatchObject({
      activeAnon: 290797,
      free: 3341,
      pagesRam: 507136,
      pagesReserved: 23325
    })
    expect(e.showMem?.zones?.[0]).toMatchObject({
      name: 'DMA',
      freeKb: 7776,
      lowmemReserve: [0, 1935, 1935, 1935]
    })
    expect(e.victim).toBeNull()
    expect(e.warnings.map(w => w.code)).toContain('no-kill-line')
  })

  it('2.6.33-mm with <snip> and kill lines wrapped by the mailer', () => {
    const e = one(
      [
        '[  739.620583] cat invoked oom-killer: gfp_mask=0xd4, order=3, oom_adj=0',
        '[  739.620591] Pid: 12875, comm: cat Tainted: P           2.6.33-rc4-mm1 #10',
        '<snip>',
        '[  739.739895] Out of memory: kill process 2716 (gnome-session)',
        'score 191570 or a child',
        '[  739.739901] Killed process 2726 (gnome-power-man) vsz:319232kB',
        'anon-rss:8156kB, file-rss:2764kB lowmem 0kB'
      ].join('\n')
    )
    expect(e.sacrifice).toMatchObject({ pid: 2716, comm: 'gnome-session', score: 191570 })
    expect(e.victim).toEqual({ pid: 2726, comm: 'gnome-power-man', source: 'killed' })
    expect(e.killedLines[0]).toMatchObject({ totalVmKb: 319232, anonRssKb: 8156, fileRssKb: 2764 })
    expect(e.warnings.map(w => w.code)).toEqual(
      expect.arrayContaining(['elided', 'line-wrapped', 'sacrifice-differs'])
    )
  })

  it('"(...snipped...)" elisions make the table partial', () => {
    const e = one(
      [
        '[  364.737486] oom02:4583 invoked oom-killer: gfp_mask=0x16080c0(GFP_KERNEL|__GFP_ZERO|__GFP_NOTRACK), nodemask=1,  order=0, oom_score_adj=0',
        '(...snipped...)',
        '[  365.036127] [ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name',
        '[  365.044691] [ 1905]     0  1905     3236     1714      10       4        0             0 systemd-journal',
        '[  365.062959] [ 2421]     0  2421     3241      878       9       3        0         -1000 systemd-udevd'
      ].join('\n')
    )
    expect(e.trigger).toMatchObject({ comm: 'oom02:4583', nodemask: [1] })
    expect(e.tableStatus).toBe('partial')
    expect(buildExplainModel([e]).reports[0]?.replay.agrees).toBeNull()
  })
})

describe('no killable task', () => {
  it('<= 4.18 panics "Out of memory and no killable processes..." when every task is -1000', () => {
    const e = one(
      ts([
        'resvtest invoked oom-killer: gfp_mask=0x280da, order=0, oom_score_adj=-1000',
        'CPU: 0 PID: 18317 Comm: resvtest Not tainted 3.19.0-rc1-dgc+ #650',
        '[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name',
        '[18113]     0 18113     2584        1       9      288         -1000 084',
        '[18317]     0 18317   316605   191037     623   121971         -1000 resvtest',
        'Kernel panic - not syncing: Out of memory and no killable processes...',
        '',
        'CPU: 0 PID: 18317 Comm: resvtest Not tainted 3.19.0-rc1-dgc+ #650',
        'Call Trace:',
        ' [<ffffffff81d87acb>] dump_stack+0x45/0x57',
        ' [<ffffffff81d813c1>] panic+0xc1/0x1eb'
      ])
    )
    expect(e.noKillable).toBe(true)
    expect(e.panic).toMatch(/no killable processes/)
    expect(e.tasks?.map(t => t.comm)).toEqual(['084', 'resvtest'])
    expect(e.tableStatus).toBe('full')
    const [r] = buildExplainModel([e]).reports
    expect(r?.killed).toBeNull()
    expect(r?.replay.victim).toBeNull()
    expect(r?.replay.agrees).toBe(true)
  })
})

describe('replay verdicts', () => {
  const rows = [
    '[    300]  1000   300    10000     5000    90112        0             0 small',
    '[    400]  1000   400   900000   600000  5000000        0             0 big'
  ]
  it('says NO when the kernel killed a task the engine would not choose', () => {
    const [r] = buildExplainModel(
      parseReports(ts(v510Global('x', { pid: 300, comm: 'small' }, rows)))
    ).reports
    expect(r?.killed?.pid).toBe(300)
    expect(r?.replay.victim?.pid).toBe(400)
    expect(r?.replay.agrees).toBe(false)
    expect(r?.replay.reason).toMatch(/engine picks 400 \(big\) but the kernel chose 300/)
  })
  it('vm.oom_kill_allocating_task kills without ranking: the replay picks the allocating task', () => {
    const lines = v510Global('small', { pid: 300, comm: 'small' }, rows).map(l =>
      l.replace('Out of memory: Killed', 'Out of memory (oom_kill_allocating_task): Killed')
    )
    const [r] = buildExplainModel(parseReports(ts(lines))).reports
    expect(r?.killed?.pid).toBe(300)
    // out_of_memory() kills current, not the badness winner (400): issue 16.
    expect(r?.replay.agrees).toBe(true)
    expect(r?.verdict.result).toBe('agrees')
    expect(r?.replay.reason).toMatch(/oom_kill_allocating_task/)
    expect(r?.replay.victim).toEqual({ pid: 4242, comm: 'small' })
    expect(r?.replay.whatIf).toBeNull()
  })
})
