/**
 * Real memory pressure on a v1 memory cgroup: the daemon must kill the growing hog before the
 * kernel's memcg OOM killer fires, leave the other hog alone, run its hooks and journal the kill;
 * with --dry-run it must kill nothing and journal what it would have done.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  kernelLogSince,
  kmsgMarker,
  labUnavailable,
  makeCgroup,
  oomKills,
  readJournal,
  startDaemon,
  startHog,
  waitFor
} from './cgroup-lab.ts'
import { useDaemonLab } from './daemon-lab.ts'
import { loadProcessControl } from '../../src/adapters/pidfd/process-control.ts'
import { SKIP_REAL_KERNEL, SKIP_REAL_KERNEL_REASON } from '../real-kernel-skip.ts'

const reason = SKIP_REAL_KERNEL ? SKIP_REAL_KERNEL_REASON : labUnavailable()
if (reason) process.stderr.write(`tests/daemon/integration: skipped (${reason})\n`)

const MiB = 1024 * 1024

function envFile(path: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

describe.skipIf(reason !== null)('oomkit daemon under real cgroup pressure', () => {
  const lab = useDaemonLab('oomkit-daemon-it-')

  it('kills the growing hog before the kernel memcg OOM, runs hooks, journals, spares the other', async () => {
    const name = `oomkit-it-${process.pid}-kill`
    const dir = makeCgroup(name, 256 * MiB)
    lab.cgroups.push(dir)
    const journal = join(lab.work, 'kill.jsonl')
    const pre = join(lab.work, 'pre.env')
    const post = join(lab.work, 'post.env')
    lab.daemon = await startDaemon([
      '--cgroup',
      `${dir}=20%,8%`,
      '--journal',
      journal,
      '--pre-kill',
      `env | grep ^OOMKIT_ > ${pre}`,
      '--post-kill',
      `env | grep ^OOMKIT_ > ${post}`
    ])
    const marker = kmsgMarker(name)
    const steady = await startHog(lab.hogPath, dir, ['16', '10', '48'])
    lab.hogs.push(steady)
    await new Promise(r => setTimeout(r, 300))
    // Grows 8 MiB every 40 ms toward 400 MiB: far past the 256 MiB limit if nobody acts.
    const grower = await startHog(lab.hogPath, dir, ['8', '40', '400'])
    lab.hogs.push(grower)

    const entry = await waitFor(() => readJournal(journal).find(e => e.event === 'kill'), 30_000)
    expect(entry, lab.daemon.stderr()).toBeDefined()
    const exit = await grower.exited
    expect(exit.code).toBe(0) // the hog exits 0 on SIGTERM: it was asked, not shot

    // The right victim, for the right reason, with the record the docs promise.
    expect(entry!.victim.pid).toBe(grower.pid)
    expect(entry!.victim.comm).toBe('hog')
    expect(entry!.reason).toMatch(/^cgroup-(term|kill)$/)
    expect(entry!.trigger.hits[0].scope).toBe(dir)
    expect(entry!.signals[0].signal).toBe('SIGTERM')
    expect(entry!.timeToExitMs).toBeGreaterThanOrEqual(0)
    expect(entry!.memoryFreedKb).toBeGreaterThan(0)
    expect(entry!.victim.rssKb).toBeGreaterThan(
      (entry!.ranking as { pid: number; rssKb: number }[]).find(r => r.pid === steady.pid)!.rssKb
    )
    expect(entry!.ranking[0].pid).toBe(grower.pid)
    expect(entry!.ranking[0].badness.parts.rss).toBeGreaterThan(0)

    // The other process survives; the kernel never OOM-killed in this cgroup.
    expect(steady.alive()).toBe(true)
    expect(oomKills(dir)).toBe(0)
    const log = kernelLogSince(marker)
    expect(
      log.filter(l => l.includes(`oom_memcg=/${name}`) || l.includes(`Task in /${name}`))
    ).toEqual([])
    expect(log.filter(l => l.includes(`Killed process ${grower.pid} `))).toEqual([])

    // Hooks ran with the victim in their environment.
    const preEnv = await waitFor(() => {
      try {
        return envFile(pre)
      } catch {
        return undefined
      }
    }, 5000)
    expect(preEnv?.OOMKIT_PID).toBe(String(grower.pid))
    expect(preEnv?.OOMKIT_NAME).toBe('hog')
    expect(preEnv?.OOMKIT_SIGNAL).toBe('SIGTERM')
    expect(preEnv?.OOMKIT_HOOK).toBe('pre-kill')
    const postEnv = await waitFor(() => {
      try {
        return envFile(post)
      } catch {
        return undefined
      }
    }, 5000)
    expect(postEnv?.OOMKIT_HOOK).toBe('post-kill')
    expect(postEnv?.OOMKIT_PID).toBe(String(grower.pid))
    expect(Number(postEnv?.OOMKIT_FREED_KB)).toBeGreaterThan(0)

    expect(await lab.daemon.stop()).toBe(0)
  })

  it('escalates to SIGKILL through the pidfd and reaps with process_mrelease when SIGTERM is ignored', async () => {
    const name = `oomkit-it-${process.pid}-stubborn`
    const dir = makeCgroup(name, 256 * MiB)
    lab.cgroups.push(dir)
    const journal = join(lab.work, 'stubborn.jsonl')
    const config = join(lab.work, 'stubborn.yaml')
    writeFileSync(
      config,
      [
        'memory: { enabled: false }',
        'cgroups:',
        `  - { path: ${dir}, available: { term: 40%, kill: 10% } }`,
        'kill: { grace: 300ms }',
        `journal: ${journal}`
      ].join('\n') + '\n'
    )
    lab.daemon = await startDaemon(['-c', config])
    const marker = kmsgMarker(name)
    const stubborn = await startHog(lab.hogPath, dir, ['8', '40', '400'], { ignoreTerm: true })
    lab.hogs.push(stubborn)
    const entry = await waitFor(() => readJournal(journal).find(e => e.event === 'kill'), 30_000)
    expect(entry, lab.daemon.stderr()).toBeDefined()
    expect(await stubborn.exited).toEqual({ code: null, signal: 'SIGKILL' })
    expect(entry!.victim.pid).toBe(stubborn.pid)
    const signals = entry!.signals as { signal: string }[]
    expect(signals.map(s => s.signal)).toEqual(['SIGTERM', 'SIGKILL'])
    expect(['grace-expired', 'cgroup-kill']).toContain(entry!.reason)
    // With koffi (an optional dependency) the kill went through a pidfd and was reaped.
    const control = await loadProcessControl()
    expect(entry!.backend).toBe(control.features.backend)
    // process_mrelease either reaped the mm or found the victim already gone (it races the exit).
    if (control.features.mrelease) expect(['ok', 'already-exited']).toContain(entry!.mrelease)
    else expect(entry!.mrelease).toBe('unavailable')
    expect(oomKills(dir)).toBe(0)
    expect(kernelLogSince(marker).filter(l => l.includes(`oom_memcg=/${name}`))).toEqual([])
  })

  it('a daemon SIGKILLed between the signal and the judgment leaves the `signal` record', async () => {
    const name = `oomkit-it-${process.pid}-crash`
    const dir = makeCgroup(name, 256 * MiB)
    lab.cgroups.push(dir)
    const journal = join(lab.work, 'crash.jsonl')
    const config = join(lab.work, 'crash.yaml')
    // A long grace: the stubborn victim ignores SIGTERM, so the kill stays unjudged.
    writeFileSync(
      config,
      [
        'memory: { enabled: false }',
        'cgroups:',
        `  - { path: ${dir}, available: { term: 40%, kill: 1% } }`,
        'kill: { grace: 60s }',
        `journal: ${journal}`
      ].join('\n') + '\n'
    )
    lab.daemon = await startDaemon(['-c', config])
    const stubborn = await startHog(lab.hogPath, dir, ['8', '40', '180'], { ignoreTerm: true })
    lab.hogs.push(stubborn)
    const sent = await waitFor(
      () => (lab.daemon!.stderr().includes('sent SIGTERM') ? true : undefined),
      30_000
    )
    expect(sent, lab.daemon.stderr()).toBe(true)
    lab.daemon.child.kill('SIGKILL')
    await lab.daemon.exited
    const records = readJournal(journal)
    expect(records.map(r => String(r.event))).toEqual(['signal'])
    expect(records[0]!.victim.pid).toBe(stubborn.pid)
    expect(records[0]!.id).toBe(`${stubborn.pid}:${records[0]!.ranking[0].startTime}`)
    expect(records[0]!.signals).toEqual([{ signal: 'SIGTERM', atMs: 0 }])
  })

  it('--dry-run kills nothing and journals "would-kill"', async () => {
    const name = `oomkit-it-${process.pid}-dry`
    const dir = makeCgroup(name, 256 * MiB)
    lab.cgroups.push(dir)
    const journal = join(lab.work, 'dry.jsonl')
    lab.daemon = await startDaemon(['--dry-run', '--cgroup', `${dir}=20%,8%`, '--journal', journal])
    const steady = await startHog(lab.hogPath, dir, ['16', '10', '32'])
    lab.hogs.push(steady)
    // Grows into the term stage (headroom under 20%) but stays below the limit.
    const grower = await startHog(lab.hogPath, dir, ['8', '40', '200'])
    lab.hogs.push(grower)
    const entry = await waitFor(
      () => readJournal(journal).find(e => e.event === 'would-kill'),
      30_000
    )
    expect(entry, lab.daemon.stderr()).toBeDefined()
    expect(entry!.dryRun).toBe(true)
    expect(entry!.victim.pid).toBe(grower.pid)
    await new Promise(r => setTimeout(r, 500))
    expect(grower.alive()).toBe(true)
    expect(steady.alive()).toBe(true)
    expect(readJournal(journal).filter(e => e.event === 'kill')).toEqual([])
    expect(oomKills(dir)).toBe(0)
    expect(lab.daemon.stderr()).toContain('dry run: would send SIGTERM to hog')
  })
})
