/**
 * `oomkit snapshot`: mapped file and shmem pages a group's memory.stat does not hold are charged
 * to the root (mem_cgroup_charge() charges a folio once, to whoever brought it in). The tree is
 * the QEMU 6.1 guest's seed 31 in small: two hogs map the hog binary from the initramfs tmpfs
 * (210 pages of rss_shmem each, charged to the root when the initramfs was unpacked), one also a
 * 512-page shared segment its group holds; the group's memory.stat shows only the segment.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { LiveHostSource } from '../../src/adapters/proc/live-host-source.ts'
import { findProfile } from '../../src/kernel/profiles.ts'
import { scanHost } from '../../src/host/scan.ts'
import { snapshotScenario } from '../../src/host/snapshot.ts'
import { rootShare } from '../../src/host/snapshot-charges.ts'
import { loadScenario } from '../../src/sim/load.ts'
import { bootScenario } from '../../src/sim/build.ts'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/proc')
const root = mkdtempSync(join(tmpdir(), 'oomkit-seed31-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** The v2 synthetic tree plus group /oomkit-31 with two hogs. */
function seed31Tree(): string {
  cpSync(join(fixtures, 'cgroup-v2-6.8-synthetic'), root, { recursive: true })
  const g = join(root, 'sys/fs/cgroup/oomkit-31')
  mkdirSync(g)
  const files: Record<string, string> = {
    'memory.max': `${20 * 1024 * 1024}\n`,
    'memory.current': `${4000 * 4096}\n`,
    'memory.swap.max': '0\n',
    'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n',
    'cgroup.procs': '13104\n13112\n',
    'memory.stat': [
      `anon ${3400 * 4096}`,
      `file ${512 * 4096}`,
      `shmem ${512 * 4096}`,
      `file_mapped ${512 * 4096}`,
      `active_anon 0`,
      `inactive_anon ${3912 * 4096}`,
      'active_file 0',
      'inactive_file 0',
      'unevictable 0',
      ''
    ].join('\n')
  }
  for (const [f, text] of Object.entries(files)) writeFileSync(join(g, f), text)
  const template = join(root, 'proc/803')
  const hog = (pid: number, comm: string, anonKb: number, shmemKb: number): void => {
    const dir = join(root, `proc/${pid}`)
    cpSync(template, dir, { recursive: true })
    const status = readFileSync(join(dir, 'status'), 'utf8')
      .replace(/^Name:.*$/m, `Name:\t${comm}`)
      .replace(/^(Tgid|Pid):.*$/gm, (_, k: string) => `${k}:\t${pid}`)
      .replace(/^RssAnon:.*$/m, `RssAnon:\t${anonKb} kB`)
      .replace(/^RssFile:.*$/m, 'RssFile:\t       0 kB')
      .replace(/^RssShmem:.*$/m, `RssShmem:\t${shmemKb} kB`)
      .replace(/^VmRSS:.*$/m, `VmRSS:\t${anonKb + shmemKb} kB`)
    writeFileSync(join(dir, 'status'), status)
    writeFileSync(join(dir, 'cgroup'), '0::/oomkit-31\n')
    const stat = readFileSync(join(dir, 'stat'), 'utf8').replace(
      /^803 \(sshd\)/,
      `${pid} (${comm})`
    )
    writeFileSync(join(dir, 'stat'), stat)
  }
  hog(13104, 'hog31_0', 8000, 840)
  hog(13112, 'hog31_1c0', 5600, 840 + 2048)
  return root
}

describe('snapshot: mapped pages charged where memory.stat holds them', () => {
  it('rootShare: the smallest per-process root part that keeps the group within what it holds', () => {
    expect(rootShare([210, 722], 512)).toBe(210)
    expect(rootShare([210, 722], 10_000)).toBe(0)
    expect(rootShare([300, 300], 0)).toBe(300)
  })

  it('seed 31: the binary on the initramfs tmpfs maps a root-charged file; the group is charged only the segment', () => {
    const reading = scanHost(new LiveHostSource(seed31Tree()))
    const profile = findProfile('6.1')!
    const scenario = snapshotScenario(reading, profile, { cgroup: '/oomkit-31' })
    const byPid = new Map(scenario.processes.map(p => [p.pid, p]))
    expect(byPid.get(13104)?.rss?.shmem).toBe(0)
    expect(byPid.get(13112)?.rss?.shmem).toBe(512)
    for (const pid of [13104, 13112])
      expect(byPid.get(pid)?.vmas).toContainEqual(
        expect.objectContaining({ file: '/host/root-mapped/shmem', resident: 210 })
      )
    expect(scenario.files).toContainEqual(
      expect.objectContaining({ path: '/host/root-mapped/shmem', size: 210, fs: 'tmpfs' })
    )
    const booted = bootScenario(loadScenario(scenario), profile)
    const w = booted.world
    // The group holds the segment alone (as its memory.stat says); each process keeps its rss.
    expect(w.memcgUsage.get('/oomkit-31')?.shmem).toBe(512)
    expect(w.oom.mms.get(13104)?.shmem).toBe(210)
    expect(w.oom.mms.get(13112)?.shmem).toBe(722)
  })
})
