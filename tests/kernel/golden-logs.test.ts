/**
 * Golden decisions from real reports with a full task table (tests/fixtures/oomlogs): rebuild
 * the state from the table and totals, run out_of_memory() with the report's profile, and
 * compare the kernel's victim, task rows, summary/sacrifice and Killed lines byte for byte.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { outOfMemory } from '../../src/kernel/oom-kill.ts'
import { profiles, variant } from '../../src/kernel/profiles.ts'
import type { OomControl } from '../../src/kernel/oom-kill.ts'
import { addTask, makeMemcg, makeState } from '../../src/kernel/state-builders.ts'
import type { OomState } from '../../src/kernel/types.ts'
import { ctxFor, prof } from './fixtures.ts'

const dir = join(import.meta.dirname, '..', 'fixtures', 'oomlogs')

/** The message part of each kernel line (after the `[ time]` stamp). */
function messages(file: string): string[] {
  return readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .map(l => /\[\s*\d+\.\d+\] (.*)$/.exec(l)?.[1])
    .filter((m): m is string => m !== undefined)
}

interface Row {
  line: string
  pid: number
  uid: number
  totalVm: number
  rss: number
  pt: number
  swap: number
  adj: number
  comm: string
}

/** dump_tasks rows in the 3.x (nr_ptes) or 4.19 (pgtables_bytes) layouts. */
function rows(msgs: string[]): Row[] {
  const out: Row[] = []
  for (const line of msgs) {
    const m = /^\[\s*(\d+)\]\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(-?\d+) (.*)$/.exec(
      line
    )
    if (m === null) continue
    out.push({
      line,
      pid: Number(m[1]),
      uid: Number(m[2]),
      totalVm: Number(m[4]),
      rss: Number(m[5]),
      pt: Number(m[6]),
      swap: Number(m[7]),
      adj: Number(m[8]),
      comm: m[9]!
    })
  }
  return out
}

function load(
  s: OomState,
  table: Row[],
  ptUnit: number,
  split: Record<number, { anon: number; file: number }> = {},
  memcg = '/'
): void {
  for (const r of table) {
    const sp = split[r.pid] ?? { anon: r.rss, file: 0 }
    addTask(s, {
      pid: r.pid,
      comm: r.comm,
      uid: r.uid,
      totalVm: r.totalVm,
      anon: sp.anon,
      file: sp.file,
      swapEnts: r.swap,
      pgtablesBytes: r.pt * ptUnit,
      oomScoreAdj: r.adj,
      memcg
    })
  }
}

const after = (msgs: string[], prefix: string): string => msgs.find(m => m.startsWith(prefix)) ?? ''

describe('parseoom_1.log (Debian 5.10.84, global OOM, 35 rows)', () => {
  const msgs = messages('parseoom_1.log')
  const table = rows(msgs)

  it('chooses clamd (517) and prints identical rows, summary and Killed lines', () => {
    expect(table).toHaveLength(35)
    // totalram = "5241540 pages RAM" - "16538 pages reserved"; swap 524284 kB.
    const s = makeState({ totalRamPages: 5241540 - 16538, totalSwapPages: 524284 / 4 })
    s.memcgs.set(
      '/system.slice/clamav-daemon.service',
      makeMemcg({ path: '/system.slice/clamav-daemon.service' })
    )
    addTask(s, { pid: 1, comm: 'systemd', anon: 2000 })
    load(s, table, 1, { 517: { anon: 422324, file: 0 } })
    s.processes.find(p => p.pid === 517)!.memcg = '/system.slice/clamav-daemon.service'
    addTask(s, { pid: 754, comm: 'f2b/f.postfix', anon: 10, uid: 0 })
    s.processes.pop() // current: a thread of fail2ban-server (590)
    s.processes
      .find(p => p.pid === 590)!
      .threads.push({
        tid: 754,
        comm: 'f2b/f.postfix',
        exiting: false,
        mmReleased: false,
        mempolicyNodes: null
      })
    const oc: OomControl = {
      kind: 'global',
      memcg: null,
      gfpMask: 0x100cca,
      order: 0,
      nodemask: null,
      currentPid: 754
    }
    const o = outOfMemory(s, oc, ctxFor(prof('5.10')))
    expect(o.victimPid).toBe(517)
    const out = o.printk.map(r => r.text)
    expect(out[0]).toBe(after(msgs, 'f2b/f.postfix invoked oom-killer'))
    expect(out.filter(l => /^\[\s*\d+\]/.test(l))).toEqual(table.map(r => r.line))
    expect(out).toContain(after(msgs, 'oom-kill:constraint='))
    expect(out.at(-1)).toBe(after(msgs, 'Out of memory: Killed process'))
  })
})

describe('cadvisor_2.log (Ubuntu 3.13, global OOM, nr_ptes table)', () => {
  const msgs = messages('cadvisor_2.log')
  const table = rows(msgs)

  it('chooses badsysprogram (1532): score 919 from managed pages, identical rows and kill lines', () => {
    expect(table).toHaveLength(28)
    // totalram_pages = managed (15908 + 1722912) kB / 4; no swap.
    const s = makeState({ totalRamPages: (15908 + 1722912) / 4, totalSwapPages: 0 })
    addTask(s, { pid: 1, comm: 'init', anon: 300 })
    load(s, table, 4096, { 1532: { anon: 1595164 / 4, file: 76 / 4 } })
    const oc: OomControl = {
      kind: 'global',
      memcg: null,
      gfpMask: 0x280da,
      order: 0,
      nodemask: null,
      currentPid: 1532
    }
    const o = outOfMemory(s, oc, ctxFor(prof('3.10')))
    expect(o.victimPid).toBe(1532)
    const out = o.printk.map(r => r.text)
    expect(out.filter(l => /^\[\s*\d+\]/.test(l))).toEqual(table.map(r => r.line))
    expect(out.slice(-2)).toEqual([
      after(msgs, 'Out of memory: Kill process'),
      after(msgs, 'Killed process')
    ])
  })
})

describe('monocular_1.log (CentOS 7 3.10, memcg v1, adj -998)', () => {
  const msgs = messages('monocular_1.log')
  const table = rows(msgs)

  it('score 54: memcg totalpages = limit 58368 pages, adj term -998 * (58368/1000) in integers', () => {
    const path = '/kubepods.slice/pod/docker.scope'
    const s = makeState({
      totalRamPages: 4_000_000,
      cgroupVersion: 1,
      memcgs: [makeMemcg({ path, limit: 233472 / 4, swapLimit: 2251799813685247 })]
    })
    addTask(s, { pid: 1, comm: 'systemd', anon: 1000 })
    load(s, table, 4096, { 24518: { anon: 232620 / 4, file: 11064 / 4 } }, path)
    const oc: OomControl = {
      kind: 'memcg',
      memcg: path,
      gfpMask: 0xd0,
      order: 0,
      nodemask: null,
      currentPid: 24518
    }
    // RHEL 7 backported the shmem-rss Killed line (4.5 form).
    const rhel7 = { ...prof('3.10'), format: { ...prof('3.10').format, killed: '4.5' as const } }
    const o = outOfMemory(s, oc, ctxFor(rhel7))
    expect(o.totalPages).toBe(58368)
    expect(o.victimPid).toBe(24518)
    const out = o.printk.map(r => r.text)
    expect(out.filter(l => /^\[\s*\d+\]/.test(l))).toEqual(table.map(r => r.line))
    // The kernel printed a non-leader thread (26074) in the score line; the score is what we check.
    expect(out.find(l => l.includes('or sacrifice child'))).toBe(
      'Memory cgroup out of memory: Kill process 24518 (monocular) score 54 or sacrifice child'
    )
    expect(out.at(-1)).toBe(after(msgs, 'Killed process'))
  })
})

describe('lkml_tejun_1.log (4.18-rc7, memcg v2, 3 rows)', () => {
  const msgs = messages('lkml_tejun_1.log')
  const table = rows(msgs)

  it('score 987 = 8086 pages * 1000 / memory.max 8192 pages (no swap); identical rows', () => {
    expect(table).toHaveLength(3)
    // 4.18: the narrow "[ pid ]" pgtables_bytes table without the "Tasks state" line.
    const p418 = variant(profiles['4.19']!, {
      name: '4.18',
      description: 'Linux 4.18 (4.15-4.18 task table)',
      format: { tasks: '4.15' }
    })
    const s = makeState({
      totalRamPages: 4_000_000,
      memcgs: [makeMemcg({ path: '/test-cgroup', limit: 33554432 / 4096, swapLimit: 0 })]
    })
    addTask(s, { pid: 1, comm: 'systemd', anon: 1000 })
    load(s, table, 1, { 1990: { anon: 32008 / 4, file: 212 / 4 } }, '/test-cgroup')
    const oc: OomControl = {
      kind: 'memcg',
      memcg: '/test-cgroup',
      gfpMask: 0x6000c0,
      order: 0,
      nodemask: null,
      currentPid: 1990
    }
    const o = outOfMemory(s, oc, ctxFor(p418))
    expect(o.totalPages).toBe(8192)
    expect(o.victimPid).toBe(1990)
    const out = o.printk.map(r => r.text)
    expect(out.filter(l => /^\[\s*\d+\]/.test(l))).toEqual(table.map(r => r.line))
    expect(out).toContain(after(msgs, 'Memory cgroup out of memory: Kill process'))
  })
})
