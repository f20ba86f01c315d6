/**
 * The MemorySource implementations (src/adapters/proc) on a fixture /proc + cgroup v2 tree, and the
 * HostSource-backed one agreeing with the daemon's own reader on it and on the live host.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LiveHostSource } from '../../../src/adapters/proc/live-host-source.ts'
import { createHostMemorySource } from '../../../src/adapters/proc/host-memory-source.ts'
import { createLiveSource } from '../../../src/adapters/proc/live-memory-source.ts'

function fixtureHost(): string {
  const root = mkdtempSync(join(tmpdir(), 'oomkit-daemon-fixture-'))
  const put = (path: string, text: string): void => {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  put(
    'proc/meminfo',
    'MemTotal:        8000000 kB\nMemFree:         1000000 kB\nMemAvailable:     700000 kB\nSwapTotal:       1000000 kB\nSwapFree:         900000 kB\nAnonPages:       5000000 kB\n'
  )
  put(
    'proc/pressure/memory',
    'some avg10=12.50 avg60=3.00 avg300=1.00 total=99\nfull avg10=4.00 avg60=1.00 avg300=0.00 total=50\n'
  )
  put(
    'proc/4321/stat',
    '4321 (web (content)) S 1 4321 4321 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 12 0 777 1000000 51200 18446744073709551615\n'
  )
  put(
    'proc/4321/status',
    'Name:\tweb (content)\nState:\tS (sleeping)\nTgid:\t4321\nPid:\t4321\nPPid:\t1\nUid:\t1000\t1000\t1000\t1000\nThreads:\t12\nVmSize:\t  900000 kB\nVmPTE:\t     400 kB\nVmSwap:\t    2048 kB\nRssAnon:\t  200000 kB\nRssFile:\t    4800 kB\nRssShmem:\t       0 kB\nCapEff:\t0000000000000000\n'
  )
  put('proc/4321/oom_score_adj', '300\n')
  put('proc/4321/cmdline', '/opt/web/content\0--tab\0' + '7\0')
  put('proc/4321/cgroup', '0::/user.slice/app.scope\n')
  symlinkSync('/opt/web/content', join(root, 'proc/4321/exe'))
  put(
    'proc/2/stat',
    '2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 7 0 0 18446744073709551615\n'
  )
  put(
    'proc/2/status',
    'Name:\tkthreadd\nState:\tS (sleeping)\nTgid:\t2\nPid:\t2\nPPid:\t0\nUid:\t0\t0\t0\t0\nThreads:\t1\nCapEff:\t000001ffffffffff\nKthread:\t1\n'
  )
  put('proc/2/oom_score_adj', '0\n')
  put('proc/2/cgroup', '0::/\n')
  put('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n')
  const cg = 'sys/fs/cgroup/user.slice/app.scope'
  put(`${cg}/memory.current`, '268435456\n')
  put(`${cg}/memory.max`, '536870912\n')
  put(
    `${cg}/memory.stat`,
    'anon 200000000\nfile 60000000\ninactive_file 50000000\nactive_file 10000000\n'
  )
  put(`${cg}/memory.events`, 'low 0\nhigh 3\nmax 7\noom 1\noom_kill 1\noom_group_kill 0\n')
  put(
    `${cg}/memory.pressure`,
    'some avg10=30.00 avg60=5.00 avg300=1.00 total=1\nfull avg10=20.00 avg60=2.00 avg300=0.00 total=1\n'
  )
  put(`${cg}/memory.swap.max`, '134217728\n')
  put('proc/sys/vm/swappiness', '60\n')
  put(`${cg}/cgroup.procs`, '4321\n')
  put(`${cg}/cgroup.kill`, '')
  put(`${cg}/tab/cgroup.procs`, '4400\n')
  return root
}

describe('MemorySource on a fixture tree', () => {
  const root = fixtureHost()
  const own = createLiveSource(join(root, 'proc'), join(root, 'sys/fs/cgroup'))

  it('reads meminfo, PSI and a process with its memory, identity and cgroup', () => {
    expect(own.meminfo()).toEqual({
      memTotalKb: 8000000,
      memAvailableKb: 700000,
      swapTotalKb: 1000000,
      swapFreeKb: 900000,
      anonPagesKb: 5000000
    })
    expect(own.psi()?.some.avg10).toBe(12.5)
    expect(own.process(4321)).toMatchObject({
      pid: 4321,
      comm: 'web (content)',
      cmdline: '/opt/web/content --tab 7',
      exe: '/opt/web/content',
      uid: 1000,
      startTime: 777,
      rssPages: 51200,
      oomScoreAdj: 300,
      rssAnonKb: 200000,
      swapKb: 2048,
      pteKb: 400,
      memcg: '/user.slice/app.scope',
      kthread: false
    })
    expect(own.process(2)).toMatchObject({ kthread: true, exe: '', cmdline: '' })
    expect(own.process(999)).toBeNull()
  })

  it('reads a v2 cgroup: working set, limit, PSI, oom kills, cgroup.kill, pids recursively', () => {
    const dir = join(root, 'sys/fs/cgroup/user.slice/app.scope')
    expect(own.cgroup(dir)).toMatchObject({
      version: 2,
      usageBytes: 268435456,
      inactiveFileBytes: 50000000,
      limitBytes: 536870912,
      swapLimitBytes: 134217728,
      swappiness: null,
      oomKills: 1,
      canKill: true
    })
    expect(own.cgroup(dir)?.psi?.full?.avg10).toBe(20)
    expect(own.cgroupPids(dir).sort()).toEqual([4321, 4400])
    expect(own.cgroupDir('/user.slice/app.scope')).toBe(dir)
    expect(own.cgroup(join(root, 'nope'))).toBeNull()
  })

  it('the HostSource-backed source agrees with the daemon reader', () => {
    const viaHost = createHostMemorySource(
      new LiveHostSource(root),
      join(root, 'proc'),
      join(root, 'sys/fs/cgroup')
    )
    expect(viaHost.meminfo()).toEqual(own.meminfo())
    expect(viaHost.psi()).toEqual(own.psi())
    expect(own.vmSwappiness()).toBe(60)
    expect(viaHost.vmSwappiness()).toBe(60)
    const a = own.processes().sort((x, y) => x.pid - y.pid)
    const b = viaHost.processes().sort((x, y) => x.pid - y.pid)
    expect(b.map(p => p.pid)).toEqual([2, 4321])
    expect(b).toEqual(a.map(p => ({ ...p, user: p.pid === 4321 ? 'alice' : 'root' })))
  })
})

describe('MemorySource on the live host', () => {
  it('the HostSource-backed source and the daemon reader see the same process the same way', () => {
    const own = createLiveSource()
    const viaHost = createHostMemorySource(new LiveHostSource('/'))
    const a = own.process(process.pid)!
    const b = viaHost.process(process.pid)!
    expect(b.startTime).toBe(a.startTime)
    expect(b.memcg).toBe(a.memcg)
    expect(b.uid).toBe(a.uid)
    expect(Math.abs(b.rssAnonKb - a.rssAnonKb)).toBeLessThan(64 * 1024)
    expect(viaHost.meminfo().memTotalKb).toBe(own.meminfo().memTotalKb)
  })
})
