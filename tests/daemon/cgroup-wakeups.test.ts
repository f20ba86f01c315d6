/**
 * Event-driven waits for watched v1 cgroups: the wake levels (trigger-levels.ts
 * `cgroupWakeLevels`), the triggers leaving a calm cgroup unpolled, the sleeper keeping a wake-up
 * that came mid-tick, and against the real kernel (root, v1 memory controller; machine-wide lock):
 * a registered memory.usage_in_bytes threshold signals its crossing, and a daemon that would
 * otherwise sleep 20 s between samples SIGTERMs a hog at once when it crosses its term stage.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { registerUsageThresholds } from '../../src/adapters/cgroup/memcg-threshold.ts'
import { sharedFdWatch } from '../../src/adapters/pidfd/fd-watch.ts'
import { Sleeper } from '../../src/daemon/sleeper.ts'
import { cgroupWakeLevels } from '../../src/daemon/trigger-levels.ts'
import { evaluateTriggers, initialTriggerState } from '../../src/daemon/triggers.ts'
import { SKIP_REAL_KERNEL, SKIP_REAL_KERNEL_REASON } from '../real-kernel-skip.ts'
import { labUnavailable, makeCgroup, startDaemon, startHog, waitFor } from './cgroup-lab.ts'
import { useDaemonLab } from './daemon-lab.ts'
import { config, readings } from './fixtures.ts'

const MiB = 1024 * 1024

describe('cgroup wake levels', () => {
  it('puts the stage level where the first stage begins and the early one 10 % of the limit lower', () => {
    const stages = config({
      cgroups: [{ path: '/x', available: { warn: '30%', term: '20%', kill: '10%' } }]
    }).cgroups[0]!.available
    expect(cgroupWakeLevels(300 * MiB, stages)).toEqual([
      Math.floor(0.7 * 300 * MiB) - 30 * MiB,
      Math.floor(0.7 * 300 * MiB)
    ])
    // The margin is at most 512 MiB; a stage that holds at any usage needs no threshold.
    const big = config({ cgroups: [{ path: '/x', available: { term: '1G' } }] }).cgroups[0]!
    expect(cgroupWakeLevels(16384 * MiB, big.available)).toEqual([14848 * MiB, 15360 * MiB])
    expect(cgroupWakeLevels(512 * MiB, big.available)).toEqual([])
  })

  it('does not poll a cgroup whose usage is under a registered threshold', () => {
    const cfg = config({
      memory: { enabled: false },
      cgroups: [{ path: '/cg', available: { term: '20%', kill: '10%' } }]
    })
    const cg = {
      path: '/cg',
      version: 1 as const,
      usageBytes: 10 * MiB,
      inactiveFileBytes: 0,
      limitBytes: 300 * MiB,
      psi: null,
      oomKills: 0,
      canKill: false
    }
    const polled = evaluateTriggers(cfg, initialTriggerState(), readings(0, 0, { cgroups: [cg] }))
    expect(polled.intervalMs).toBe(cfg.interval.min)
    const calm = { '/cg': 210 * MiB }
    const r = readings(0, 0, { cgroups: [cg], calmBelow: calm })
    expect(evaluateTriggers(cfg, initialTriggerState(), r).intervalMs).toBe(cfg.interval.max)
    // At or over the early level the cgroup is paced as before.
    const near = readings(0, 0, { cgroups: [{ ...cg, usageBytes: 210 * MiB }], calmBelow: calm })
    expect(evaluateTriggers(cfg, initialTriggerState(), near).intervalMs).toBe(cfg.interval.min)
  })

  it('keeps a wake-up that comes between two sleeps', async () => {
    const s = new Sleeper()
    s.wakeUp()
    const t0 = performance.now()
    await s.sleep(10_000)
    expect(performance.now() - t0).toBeLessThan(1000)
  })
})

const reason = SKIP_REAL_KERNEL ? SKIP_REAL_KERNEL_REASON : labUnavailable()
if (reason) process.stderr.write(`tests/daemon/cgroup-wakeups: real kernel skipped (${reason})\n`)

describe.skipIf(reason !== null)('memory thresholds on the real kernel', () => {
  const lab = useDaemonLab('oomkit-wakeups-')

  it('signals a crossing of memory.usage_in_bytes, up and down', async () => {
    const dir = makeCgroup(`oomkit-wakeups-${process.pid}-thr`, 256 * MiB)
    lab.cgroups.push(dir)
    const watch = await sharedFdWatch()
    expect(watch).not.toBeNull()
    let crossings = 0
    const t = registerUsageThresholds(watch!, dir, [32 * MiB], {
      onCross: () => crossings++,
      onGone: () => undefined
    })
    if ('error' in t) throw new Error(t.error)
    try {
      const hog = await startHog(lab.hogPath, dir, ['8', '5', '64'], { wait: true })
      lab.hogs.push(hog)
      hog.go()
      expect(await waitFor(() => (crossings >= 1 ? crossings : undefined), 5000)).toBe(1)
      hog.child.kill('SIGKILL')
      await hog.exited
      expect(await waitFor(() => (crossings >= 2 ? crossings : undefined), 5000)).toBe(2)
    } finally {
      t.close()
    }
  })

  it('wakes a daemon that sleeps 20 s between samples when a hog crosses the term stage', async () => {
    const dir = makeCgroup(`oomkit-wakeups-${process.pid}-daemon`, 256 * MiB)
    lab.cgroups.push(dir)
    const cfg = join(lab.work, 'slow.yaml')
    writeFileSync(
      cfg,
      [
        'interval: { min: 20s, max: 30s }',
        'memory: { enabled: false }',
        'cgroups:',
        `  - path: ${dir}`,
        '    available: { term: 20% }',
        'selfProtect: { watchdog: { enabled: false } }'
      ].join('\n') + '\n'
    )
    lab.daemon = await startDaemon(['-c', cfg])
    const report = join(lab.work, 'hog.txt')
    // 8 MiB every 20 ms up to 240 MiB: past the term line (~205 MiB of 256), under the limit.
    const args = ['8', '20', '240', report, 'cgroup', dir, String(Math.floor(0.2 * 256 * MiB))]
    const hog = await startHog(lab.hogPath, dir, args, { wait: true })
    lab.hogs.push(hog)
    hog.go()
    const done = await waitFor(
      () => (existsSync(report) && readFileSync(report, 'utf8').endsWith('\n') ? true : undefined),
      5000
    )
    expect(done, lab.daemon.stderr()).toBe(true)
    const [crossed, term] = readFileSync(report, 'utf8').trim().split(' ').map(Number)
    expect(crossed).toBeGreaterThan(0)
    // Woken by the kernel at the crossing, not by its 20 s timer.
    expect((term! - crossed!) / 1e6).toBeLessThan(1000)
  })
})
