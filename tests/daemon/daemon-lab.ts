/**
 * The lab of a real-kernel daemon test, with its vitest hooks: a temp dir with the hog built,
 * and the cgroups, hogs and daemon a test makes, removed after each test. The kernel lock is
 * registered first, so it outlives the hogs and cgroups.
 */
import { rmSync } from 'node:fs'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { holdKernelLockPerTest } from '../kernel-lock.ts'
import { buildHog, removeCgroup, tempDir } from './cgroup-lab.ts'
import type { DaemonChild, Hog } from './cgroup-lab.ts'

export interface DaemonLab {
  /** The temp dir (configs, journals, reports). */
  work: string
  /** The built hog binary. */
  hogPath: string
  /** Cgroups to remove after the test. */
  cgroups: string[]
  /** Hogs to SIGKILL after the test. */
  hogs: Hog[]
  /** The daemon to stop after the test. */
  daemon: DaemonChild | null
}

/** Call inside a `describe`: the lab its tests share, cleaned up per test and at the end. */
export function useDaemonLab(prefix: string): DaemonLab {
  const lab: DaemonLab = { work: '', hogPath: '', cgroups: [], hogs: [], daemon: null }
  holdKernelLockPerTest()
  beforeAll(() => {
    lab.work = tempDir(prefix)
    lab.hogPath = buildHog(lab.work)
  })
  afterEach(async () => {
    await lab.daemon?.stop()
    lab.daemon = null
    for (const h of lab.hogs.splice(0)) if (h.alive()) h.child.kill('SIGKILL')
    for (const dir of lab.cgroups.splice(0)) await removeCgroup(dir)
  })
  afterAll(async () => {
    for (const dir of lab.cgroups.splice(0)) await removeCgroup(dir)
    if (lab.work) rmSync(lab.work, { recursive: true, force: true })
  })
  return lab
}
