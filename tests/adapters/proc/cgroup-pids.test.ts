/**
 * The memory-hierarchy path of each process from the groups' cgroup.procs files (what `scores`
 * reads instead of one /proc/<pid>/cgroup per process) says what /proc/<pid>/cgroup says, on the
 * captured v1 tree and on the live host; a pid listed by two groups is left to its own file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readCgroupPids } from '../../../src/adapters/proc/cgroup-pids.ts'
import { LiveHostSource } from '../../../src/adapters/proc/live-host-source.ts'
import { memcgPathOf, scanHost } from '../../../src/host/scan.ts'

const V1 = 'tests/fixtures/proc/cgroup-v1-6.18'

/** Every pid the map names, compared with its own /proc/<pid>/cgroup line (still running). */
function compareWithProcFiles(root: string): { compared: number; differ: number[] } {
  const source = new LiveHostSource(root)
  const tree = source.memcgs()
  if (!tree.ok) throw new Error('no memory cgroup hierarchy')
  const paths = source.memcgPids(tree.value)
  if (!paths.ok) throw new Error(paths.why)
  let compared = 0
  const differ: number[] = []
  for (const [pid, path] of paths.value) {
    const own = source.procCgroup(pid)
    if (!own.ok) continue
    if (memcgPathOf(own.value, tree.value.version) !== path) differ.push(pid)
    compared++
  }
  return { compared, differ }
}

describe('readCgroupPids', () => {
  it('gives every process of the captured v1 tree the path its /proc/<pid>/cgroup names', () => {
    const r = compareWithProcFiles(V1)
    expect(r.compared).toBeGreaterThan(50)
    expect(r.differ).toEqual([])
  })

  it('agrees with /proc/<pid>/cgroup on the live host', () => {
    const tree = new LiveHostSource('/').memcgs()
    if (!tree.ok) return
    // Other tests on a shared machine move processes between cgroups: one moved between the two
    // reads differs, so a few may.
    const r = compareWithProcFiles('/')
    expect(r.compared).toBeGreaterThan(0)
    expect(r.differ.length).toBeLessThanOrEqual(Math.max(2, r.compared / 100))
  })

  it('leaves out a pid listed by two groups and fails without the mount', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oomkit-cgpids-'))
    try {
      writeFileSync(join(dir, 'cgroup.procs'), '1\n2\n')
      mkdirSync(join(dir, 'a'))
      writeFileSync(join(dir, 'a', 'cgroup.procs'), '2\n3\n')
      const r = readCgroupPids(dir)
      expect(r.ok && [...r.value]).toEqual([
        [1, '/'],
        [3, '/a']
      ])
      expect(readCgroupPids(join(dir, 'missing')).ok).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('scanHost gives the same memory cgroups with and without it', () => {
    const source = new LiveHostSource(V1)
    const perProcess = Object.assign(Object.create(source) as LiveHostSource, {
      memcgPids: undefined
    })
    const key = (s: LiveHostSource): string[] =>
      scanHost(s).processes.map(p => `${p.pid} ${p.memcg} ${p.memcgRaw}`)
    expect(key(source)).toEqual(key(perProcess))
  })
})
