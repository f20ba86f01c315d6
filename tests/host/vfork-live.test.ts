/**
 * A real vfork child parked before exec (conformance/hog.c -V: a helper thread vforks, the child
 * sleeps): `scores` must print the kernel's oom_score 0 for it (oom_badness() skips in_vfork()
 * tasks, >= 4.9) and `snapshot` must write it as a vfork child of its parent, with no memory of
 * its own, so the simulator neither charges the memory twice nor chooses the child.
 */
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildHog } from '../../conformance/hog-build.ts'
import { Hog, type HogPids } from '../../conformance/hog-process.ts'
import { LiveHostSource } from '../../src/adapters/proc/live-host-source.ts'
import { procOomScore } from '../../src/kernel/oom-badness.ts'
import { findProfile } from '../../src/kernel/profiles.ts'
import { chooseProfile, rankHost } from '../../src/host/ranking.ts'
import { scanHost } from '../../src/host/scan.ts'
import { snapshotScenario } from '../../src/host/snapshot.ts'
import { loadScenario } from '../../src/sim/load.ts'
import { bootScenario } from '../../src/sim/build.ts'

const hasCc = spawnSync(process.env.CC ?? 'cc', ['--version']).status === 0
const linux = process.platform === 'linux'

describe.runIf(hasCc && linux)('a live vfork child', () => {
  let hog: Hog
  let pids: HogPids
  beforeAll(async () => {
    const shape = { name: 'vfhog', privateKb: 8192, sharedKb: 0, forks: 0, childKb: 0 }
    hog = await Hog.start(buildHog(), { ...shape, threads: 1, cloneVm: false, vfork: true })
    pids = await hog.go()
  }, 60_000)
  afterAll(() => hog.killGroup())

  it('is found (its parent waits in vfork, they share the mm) and scores 0 as the kernel says', () => {
    const reading = scanHost(new LiveHostSource('/'))
    const child = reading.processes.find(p => p.pid === pids.vfork)!
    expect(child.vforkParent).toBe(pids.pid)
    expect(reading.processes.find(p => p.pid === pids.pid)!.vforkParent).toBeNull()
    const ranking = rankHost(reading, chooseProfile(reading)!)
    const ranked = ranking.processes.find(p => p.pid === pids.vfork)!
    expect(ranked.kernelOomScore).toBe(0)
    expect(ranked.predictedOomScore).toBe(0)
    const parent = ranking.processes.find(p => p.pid === pids.pid)!
    expect(parent.kernelOomScore).toBeGreaterThan(0)
    expect(Math.abs(parent.predictedOomScore - parent.kernelOomScore!)).toBeLessThanOrEqual(1)
  })

  it("is found by scores' scan too, which reads the threads of possible vfork parents only", () => {
    const reading = scanHost(new LiveHostSource('/'), { threads: 'vfork-parents' })
    expect(reading.processes.find(p => p.pid === pids.vfork)!.vforkParent).toBe(pids.pid)
    expect(reading.processes.find(p => p.pid === pids.pid)!.tasks?.length).toBe(3)
  })

  it('is written as a vfork child with its threads; the simulator shares the mm', () => {
    const reading = scanHost(new LiveHostSource('/'))
    const profile = chooseProfile(reading)!
    const scenario = snapshotScenario(reading, profile)
    scenario.processes = scenario.processes.filter(p => p.pid === pids.pid || p.pid === pids.vfork)
    const [parent, child] = scenario.processes
    parent!.ppid = 1
    expect(child).toMatchObject({ pid: pids.vfork, ppid: pids.pid, vfork: true, comm: 'vfhogf' })
    expect(child?.rss).toBeUndefined()
    // The leader, the thread waiting for the vfork child and the -t thread.
    expect(Array.isArray(parent?.threads) ? parent.threads.length : 0).toBe(3)
    const booted = bootScenario(loadScenario(scenario), findProfile(scenario.profile)!)
    const oom = booted.world.oom
    const p = oom.processes.find(x => x.pid === pids.pid)!
    const c = oom.processes.find(x => x.pid === pids.vfork)!
    expect(c.mmId).toBe(p.mmId)
    expect(c.inVfork).toBe(true)
    expect(procOomScore(c, oom, findProfile(scenario.profile)!)).toBe(0)
  })
})
