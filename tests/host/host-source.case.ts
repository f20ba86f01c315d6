/**
 * The HostSource contract: what every source (the live host, each captured or synthetic tree)
 * must give. `hostSourceContract(name, target)` registers a describe block; contract.test.ts
 * runs it for every target.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { HostSource } from '../../src/adapters/proc/host-source.ts'
import { LiveHostSource } from '../../src/adapters/proc/live-host-source.ts'
import { chooseProfile, rankHost } from '../../src/host/ranking.ts'
import { scanHost } from '../../src/host/scan.ts'
import { vanishingSource } from './vanishing-source.ts'

/** A source under test. */
export interface ContractTarget {
  /** The directory the source reads ('/' for the live host). */
  root: string
  /** A tree on disk that may be copied and mutated (fixtures), false for the live host. */
  copyable: boolean
  /** Expected kernel release prefix, when known. */
  release?: RegExp
  /** Expected memory cgroup version, when known. */
  cgroupVersion?: 1 | 2
  /** The host has swap. */
  swap?: boolean
}

const STATES = new Set(['R', 'S', 'D', 'Z', 'T', 't', 'X', 'I', 'P', 'W', 'K'])

export function hostSourceContract(name: string, target: ContractTarget): void {
  const make = (): HostSource => new LiveHostSource(target.root)

  describe(`HostSource contract: ${name}`, () => {
    it('lists processes: ascending unique pids including init', () => {
      const pids = make().listPids()
      expect(pids.length).toBeGreaterThan(3)
      expect(pids[0]).toBe(1)
      for (let i = 1; i < pids.length; i++) expect(pids[i]!).toBeGreaterThan(pids[i - 1]!)
    })

    it('reads the threads of a process (ascending tids, blocked details only for state D), or says why not', () => {
      const s = make()
      let read = 0
      for (const pid of s.listPids().slice(0, 200)) {
        const tasks = s.procTasks(pid)
        if (!tasks.ok) {
          expect(['gone', 'denied', 'absent']).toContain(tasks.why)
          continue
        }
        if (tasks.value.length === 0) continue // a zombie leader whose threads are gone
        read++
        const tids = tasks.value.map(t => t.tid)
        expect(tids).toEqual([...tids].sort((a, b) => a - b))
        for (const t of tasks.value) {
          expect(STATES.has(t.state)).toBe(true)
          expect(t.blocked === null).toBe(t.state !== 'D')
        }
      }
      if (target.copyable === false) expect(read).toBeGreaterThan(0)
    })

    it('reads every process status with sane fields, or reports it gone', () => {
      const s = make()
      let read = 0
      for (const pid of s.listPids()) {
        const st = s.procStatus(pid)
        if (!st.ok) {
          expect(['gone', 'denied']).toContain(st.why)
          continue
        }
        read++
        const v = st.value
        expect(v.tgid).toBe(pid)
        expect(v.name.length).toBeGreaterThan(0)
        expect(STATES.has(v.state)).toBe(true)
        expect(v.threads).toBeGreaterThanOrEqual(v.state === 'Z' ? 0 : 1)
        if (v.kthread === true || v.state === 'Z') expect(v.vmSizeKb).toBeNull()
        if (v.vmSizeKb !== null) {
          expect(v.vmPteKb).not.toBeNull()
          expect(v.vmPteKb! % 4).toBe(0) // whole page-table pages
        }
        const stat = s.procStat(pid)
        if (stat.ok) {
          expect(stat.value.pid).toBe(pid)
          expect(stat.value.ppid).toBe(v.ppid)
          expect(stat.value.rssPages).toBeGreaterThanOrEqual(0)
        }
      }
      expect(read).toBeGreaterThan(3)
    })

    it('reads oom_score, oom_score_adj and cgroup membership in range', () => {
      const s = make()
      for (const pid of s.listPids()) {
        const score = s.procOomScore(pid)
        const adj = s.procOomScoreAdj(pid)
        const cg = s.procCgroup(pid)
        if (score.ok) expect(score.value).toBeGreaterThanOrEqual(0)
        if (score.ok) expect(score.value).toBeLessThanOrEqual(2000)
        if (adj.ok) expect(Math.abs(adj.value)).toBeLessThanOrEqual(1000)
        if (cg.ok) {
          expect(cg.value.length).toBeGreaterThan(0)
          for (const l of cg.value) expect(l.path.startsWith('/')).toBe(true)
        }
      }
    })

    it('reads system totals, zones, sysctls and the release', () => {
      const s = make()
      const mem = s.meminfo()
      expect(mem.ok).toBe(true)
      if (!mem.ok) return
      expect(mem.value.MemTotal).toBeGreaterThan(0)
      expect(mem.value.SwapTotal).toBeDefined()
      if (target.swap !== undefined) expect(mem.value.SwapTotal! > 0).toBe(target.swap)
      const zones = s.zoneinfo()
      expect(zones.ok).toBe(true)
      if (zones.ok) {
        expect(zones.value.length).toBeGreaterThan(0)
        const perNode = new Map<number, number>()
        for (const z of zones.value) {
          const index = perNode.get(z.node) ?? 0
          perNode.set(z.node, index + 1)
          expect(z.min).toBeLessThanOrEqual(z.low)
          expect(z.low).toBeLessThanOrEqual(z.high)
          expect(z.managed).toBeLessThanOrEqual(z.present)
          expect(z.present).toBeLessThanOrEqual(z.spanned)
          // lowmem_reserve[] of a zone against itself is always 0.
          expect(z.protection[index]).toBe(0)
        }
      }
      const sys = s.sysctls()
      expect([0, 1, 2]).toContain(sys.overcommitMemory)
      expect([0, 1, 2]).toContain(sys.panicOnOom)
      expect(sys.minFreeKbytes).toBeGreaterThan(0)
      const rel = s.release()
      expect(rel.ok).toBe(true)
      if (rel.ok) {
        expect(rel.value).toMatch(/^\d+\.\d+/)
        if (target.release) expect(rel.value).toMatch(target.release)
      }
      const psi = s.pressure()
      if (psi.ok) expect(psi.value.some.avg10).toBeGreaterThanOrEqual(0)
      else expect(psi.why).toBe('absent')
      const vm = s.vmstat()
      if (vm.ok) expect(vm.value.oom_kill ?? 0).toBeGreaterThanOrEqual(0)
    })

    it('reads the memory cgroup hierarchy, parents first, with sane limits', () => {
      const tree = make().memcgs()
      expect(tree.ok).toBe(true)
      if (!tree.ok) return
      if (target.cgroupVersion) expect(tree.value.version).toBe(target.cgroupVersion)
      const groups = tree.value.groups
      expect(groups[0]?.path).toBe('/')
      const seen = new Set<string>()
      for (const g of groups) {
        if (g.path !== '/') {
          const parent = g.path.slice(0, g.path.lastIndexOf('/')) || '/'
          expect(seen.has(parent)).toBe(true)
        }
        seen.add(g.path)
        if (g.limitBytes !== null) expect(g.limitBytes).toBeGreaterThan(0)
        expect(g.usageBytes).toBeGreaterThanOrEqual(0)
      }
    })

    it("scores every process and predicts the kernel's oom_score for each", () => {
      const reading = scanHost(make())
      const profile = chooseProfile(reading)!
      const ranking = rankHost(reading, profile)
      const compared = ranking.processes.filter(p => p.kernelOomScore !== null)
      expect(compared.length).toBeGreaterThan(3)
      const wrong = compared
        .filter(p => p.predictedOomScore !== p.kernelOomScore)
        .map(
          p => `${p.pid} ${p.comm}: predicted ${p.predictedOomScore}, kernel ${p.kernelOomScore}`
        )
      expect(wrong).toEqual([])
      // Kernel threads and zombies are listed, scored 0 and never chosen.
      for (const p of ranking.processes.filter(x => x.kthread || x.state === 'Z')) {
        expect(p.badness.eligible).toBe(false)
        expect(p.predictedOomScore).toBe(0)
      }
      if (ranking.global.victim) {
        const top = ranking.processes[0]!
        expect(ranking.global.victim.pid).toBe(top.pid)
      }
    })

    it('survives processes vanishing mid-scan (ESRCH from the reader)', () => {
      const inner = make()
      const pids = inner.listPids().filter(p => p > 2)
      const victims = new Set([pids[0]!, pids[Math.floor(pids.length / 2)]!, pids.at(-1)!])
      const src = vanishingSource(inner, victims, 'esrch')
      const reading = scanHost(src)
      for (const v of victims) {
        expect(reading.vanished).toContain(v)
        expect(reading.processes.some(p => p.pid === v)).toBe(false)
      }
      expect(reading.processes.length).toBeGreaterThan(3)
    })

    it('lists processes it may not read as denied, not as errors (EACCES)', () => {
      const inner = make()
      const victim = inner.listPids().filter(p => p > 2)[0]!
      const reading = scanHost(vanishingSource(inner, new Set([victim]), 'eacces'))
      expect(reading.denied).toEqual([victim])
      expect(reading.processes.some(p => p.pid === victim)).toBe(false)
    })

    if (target.copyable) {
      it('survives process directories deleted mid-scan (ENOENT on the real files)', () => {
        const copy = mkdtempSync(join(tmpdir(), 'oomkit-host-'))
        try {
          cpSync(target.root, copy, { recursive: true })
          const inner = new LiveHostSource(copy)
          const all = inner.listPids()
          const pids = all.filter(p => p > 2)
          const victims = new Set([pids[1]!, pids.at(-2)!])
          const reading = scanHost(vanishingSource(inner, victims, 'delete', copy))
          expect(reading.vanished.sort()).toEqual([...victims].sort())
          expect(reading.processes.length).toBe(all.length - victims.size)
          expect(inner.procOomScore(pids[1]!)).toEqual({ ok: false, why: 'gone' })
        } finally {
          rmSync(copy, { recursive: true, force: true })
        }
      })
    }
  })
}
