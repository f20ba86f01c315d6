/**
 * `scores` scans with `threads: 'vfork-parents'`: the task directories of possible vfork parents
 * only, and no /proc/<pid>/stat for a process whose status already says kernel thread or zombie
 * (`Kthread:` line, no Vm lines). The ranking must be the full scan's, on every captured tree.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { HostSource } from '../../src/adapters/proc/host-source.ts'
import { LiveHostSource } from '../../src/adapters/proc/live-host-source.ts'
import { chooseProfile, rankHost } from '../../src/host/ranking.ts'
import { scanHost } from '../../src/host/scan.ts'
import { vforkParentCandidates } from '../../src/host/vfork.ts'

const fixtures = join(import.meta.dirname, '../fixtures/proc')
const trees = readdirSync(fixtures, { withFileTypes: true })
  .filter(d => d.isDirectory())
  .map(d => d.name)

/** `inner`, counting the reads of each kind. */
function counting(inner: HostSource): HostSource & { calls: Map<string, number> } {
  const calls = new Map<string, number>()
  const count = (k: string): void => void calls.set(k, (calls.get(k) ?? 0) + 1)
  return Object.assign(Object.create(inner) as HostSource, {
    calls,
    procStat: (pid: number) => (count('stat'), inner.procStat(pid)),
    procTasks: (pid: number) => (count('tasks'), inner.procTasks(pid))
  })
}

describe.each(trees)('scan of %s with threads of vfork parents only', tree => {
  const root = join(fixtures, tree)

  it('ranks, scores and finds vfork children exactly as the full scan', () => {
    const full = scanHost(new LiveHostSource(root))
    const lean = scanHost(new LiveHostSource(root), { threads: 'vfork-parents' })
    const profile = chooseProfile(full)!
    expect(rankHost(lean, profile)).toEqual(rankHost(full, profile))
    const strip = (r: typeof full) => r.processes.map(p => ({ ...p, tasks: null }))
    expect(strip(lean)).toEqual(strip(full))
    const parents = new Set(vforkParentCandidates(full.processes).map(p => p.pid))
    for (const p of lean.processes)
      if (!parents.has(p.pid)) expect(p.tasks, `pid ${p.pid}`).toBeNull()
  })

  it('reads the threads of vfork parents only, and stat only where status leaves a question', () => {
    const full = counting(new LiveHostSource(root))
    const lean = counting(new LiveHostSource(root))
    const reading = scanHost(full)
    scanHost(lean, { threads: 'vfork-parents' })
    const parents = vforkParentCandidates(reading.processes)
    expect(lean.calls.get('tasks') ?? 0).toBeLessThanOrEqual(parents.length)
    expect(lean.calls.get('tasks') ?? 0).toBeLessThanOrEqual(full.calls.get('tasks') ?? 0)
    // A status with the `Kthread:` line and no Vm lines (kernel thread, zombie) needs no stat.
    const statuses = full.listPids().map(pid => full.procStatus(pid))
    const settled = statuses.filter(
      r => r.ok && r.value.kthread !== null && r.value.vmSizeKb === null
    )
    expect(full.calls.get('stat') ?? 0).toBe(statuses.filter(r => r.ok).length - settled.length)
    if (tree.includes('6.18')) expect(settled.length).toBeGreaterThan(0)
  })
})
