/**
 * The daemon loop in-process on a scripted host: a fake MemorySource and a fake ProcessControl
 * that records signals. Checks the sequence a user would see in the journal and the signals sent.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import type { ControlFeatures, ProcessControl } from '../../src/adapters/pidfd/process-control.ts'
import { Daemon } from '../../src/daemon/daemon.ts'
import { Journal } from '../../src/daemon/journal.ts'
import type { MemorySource } from '../../src/adapters/proc/memory-source.ts'
import type { ProcReading } from '../../src/daemon/readings.ts'
import { profiles } from '../../src/kernel/profiles.ts'
import { GiB_KB, config, meminfo, proc } from './fixtures.ts'
import { fullDisk } from './full-disk.ts'

class Host {
  now = 0
  availKb = 4 * GiB_KB
  procs = new Map<number, ProcReading>()
  signals: { pid: number; signal: string; at: number }[] = []
  mreleased: number[] = []
  /** What process_mrelease answers (ESRCH when the victim already finished exiting). */
  mreleaseResult: { ok: true } | { ok: false; errno: string; message: string } = { ok: true }
  /** pids that die (and give their memory back) on this signal. */
  diesOn = new Map<number, 'SIGTERM' | 'SIGKILL'>()

  source(): MemorySource {
    return {
      selfPid: 4242,
      meminfo: () => meminfo(this.availKb),
      psi: () => null,
      vmSwappiness: () => 60,
      cgroup: () => null,
      processes: () => [...this.procs.values()],
      process: pid => this.procs.get(pid) ?? null,
      cgroupPids: () => [],
      cgroupDir: () => null
    }
  }

  control(): ProcessControl {
    const features: ControlFeatures = {
      backend: 'koffi',
      pidfd: true,
      mrelease: true,
      mlockall: false,
      notes: []
    }
    return {
      features,
      open: pid =>
        this.procs.has(pid)
          ? { ok: true, handle: { pid, fd: 100 + pid } }
          : { ok: false, errno: 'ESRCH', message: 'gone' },
      signal: (h, signal) => {
        this.signals.push({ pid: h.pid, signal, at: this.now })
        const p = this.procs.get(h.pid)
        if (p && (this.diesOn.get(h.pid) === signal || signal === 'SIGKILL')) {
          this.procs.delete(h.pid)
          this.availKb += p.rssAnonKb
        }
        return { ok: true }
      },
      mrelease: h => {
        this.mreleased.push(h.pid)
        return this.mreleaseResult
      },
      close: () => undefined,
      killCgroup: () => ({ ok: false, errno: 'ENOENT', message: 'no cgroup.kill' }),
      lockMemory: () => ({ ok: true }),
      unlockMemory: () => undefined,
      setName: () => ({ ok: true })
    }
  }
}

function setup(raw: unknown, journal = new Journal(null, 100)) {
  const host = new Host()
  const logs: string[] = []
  const daemon = new Daemon(config(raw), {
    source: host.source(),
    control: host.control(),
    logger: pino({ level: 'debug' }, { write: (s: string) => logs.push(s) }),
    journal,
    metrics: null,
    notifier: { enabled: false, why: 'test', send: () => undefined },
    profile: profiles['6.18']!,
    env: {},
    clock: () => host.now
  })
  const run = async (untilMs: number): Promise<void> => {
    while (host.now < untilMs) {
      const interval = await daemon.tick()
      host.now += interval
    }
  }
  return { host, journal, logs, daemon, run }
}

const MEM = { memory: { available: { term: '10%', kill: '2%' } } }

describe('daemon loop on a scripted host', () => {
  it('SIGTERMs the worst process, escalates to SIGKILL after the grace period, reaps, journals', async () => {
    const { host, journal, run } = setup({ ...MEM, kill: { grace: '2s' } })
    host.procs.set(10, proc({ pid: 10, comm: 'stubborn', rssAnonKb: 600_000 }))
    host.procs.set(11, proc({ pid: 11, comm: 'small', rssAnonKb: 50_000 }))
    host.availKb = 0.08 * 8 * GiB_KB // term stage
    await run(4000)
    expect(host.signals.map(s => [s.pid, s.signal])).toEqual([
      [10, 'SIGTERM'],
      [10, 'SIGKILL']
    ])
    expect(host.signals[1]!.at - host.signals[0]!.at).toBeGreaterThanOrEqual(2000)
    expect(host.signals[1]!.at - host.signals[0]!.at).toBeLessThan(2100)
    expect(host.mreleased).toEqual([10])
    expect(host.procs.has(11)).toBe(true)
    const [entry] = journal.entries
    expect(journal.entries).toHaveLength(1)
    expect(entry).toMatchObject({
      event: 'kill',
      reason: 'grace-expired',
      mrelease: 'ok',
      backend: 'koffi',
      memoryFreedKb: 600_000
    })
    expect(entry!.signals.map(s => s.signal)).toEqual(['SIGTERM', 'SIGKILL'])
    expect(entry!.victim).toMatchObject({ pid: 10, comm: 'stubborn', rssKb: 600_000 })
    expect(entry!.timeToExitMs).toBeGreaterThanOrEqual(2000)
    expect(entry!.ranking.map(r => r.pid)).toEqual([10, 11])
  })

  it('journals "already-exited" when the victim freed its mm before process_mrelease (ESRCH)', async () => {
    const { host, journal, run } = setup(MEM)
    host.procs.set(21, proc({ pid: 21, comm: 'quick', rssAnonKb: 900_000 }))
    host.mreleaseResult = { ok: false, errno: 'ESRCH', message: 'No such process' }
    host.availKb = 0.01 * 8 * GiB_KB
    await run(500)
    expect(host.mreleased).toEqual([21])
    expect(journal.entries[0]).toMatchObject({ reason: 'memory-kill', mrelease: 'already-exited' })
  })

  it('at the kill stage sends SIGKILL at once and process_mreleases the victim', async () => {
    const { host, journal, run } = setup(MEM)
    host.procs.set(20, proc({ pid: 20, comm: 'hog', rssAnonKb: 900_000 }))
    host.availKb = 0.01 * 8 * GiB_KB
    await run(500)
    expect(host.signals).toEqual([{ pid: 20, signal: 'SIGKILL', at: 0 }])
    expect(host.mreleased).toEqual([20])
    expect(journal.entries[0]).toMatchObject({
      reason: 'memory-kill',
      timeToExitMs: expect.any(Number)
    })
  })

  it('stops at the kill budget', async () => {
    const { host, journal, logs, run } = setup({
      ...MEM,
      kill: { budget: { kills: 2, window: '60s' } }
    })
    for (let pid = 30; pid < 35; pid++) {
      host.procs.set(pid, proc({ pid, comm: `w${pid}`, rssAnonKb: 10_000 }))
      host.diesOn.set(pid, 'SIGTERM')
    }
    host.availKb = 0.05 * 8 * GiB_KB // each victim frees too little: pressure stays
    await run(20_000)
    expect(host.signals).toHaveLength(2)
    expect(journal.entries.filter(e => e.event === 'kill')).toHaveLength(2)
    expect(logs.some(l => l.includes('kill budget exhausted'))).toBe(true)
  })

  it('--dry-run journals "would-kill" and signals nothing', async () => {
    const { host, journal, run } = setup({ ...MEM, kill: { dryRun: true, waitMemory: '3s' } })
    host.procs.set(40, proc({ pid: 40, comm: 'hog', rssAnonKb: 900_000 }))
    host.availKb = 0.01 * 8 * GiB_KB
    await run(5000)
    expect(host.signals).toEqual([])
    // One "would kill" per waitMemory hold, not one per 100 ms sample.
    expect(journal.entries.map(e => e.event)).toEqual(['would-kill', 'would-kill'])
    expect(journal.entries[0]).toMatchObject({ dryRun: true, victim: { pid: 40 }, signals: [] })
  })

  it('re-checks memory before acting and does nothing when it has recovered', async () => {
    const { host, journal, run, daemon } = setup(MEM)
    host.procs.set(50, proc({ pid: 50, comm: 'hog', rssAnonKb: 900_000 }))
    host.availKb = 0.08 * 8 * GiB_KB
    // The source recovers between the trigger sample and the re-check sample.
    const source = host.source()
    let calls = 0
    const orig = (): ReturnType<MemorySource['meminfo']> => meminfo(host.availKb)
    source.meminfo = () => (++calls === 2 ? meminfo(0.5 * 8 * GiB_KB) : orig())
    ;(daemon as unknown as { deps: { source: MemorySource } }).deps.source = source
    await run(1)
    expect(host.signals).toEqual([])
    expect(journal.entries).toEqual([])
  })
})

describe('log lines', () => {
  it("say loudly when /proc/meminfo cannot be read, and never repeat pino's `level` key", async () => {
    const { host, logs, run } = setup(MEM)
    host.procs.set(90, proc({ pid: 90, comm: 'hog', rssAnonKb: 900_000 }))
    host.availKb = 0.08 * 8 * GiB_KB
    await run(50)
    const blind = setup(MEM)
    const source = blind.host.source()
    source.meminfo = () => meminfo(0, { memTotalKb: 0 })
    ;(blind.daemon as unknown as { deps: { source: MemorySource } }).deps.source = source
    await blind.run(500)
    const errors = blind.logs.filter(l => l.includes('meminfo-unreadable'))
    expect(errors).toHaveLength(1)
    expect(JSON.parse(errors[0]!)).toMatchObject({ level: 50 })
    for (const line of [...logs, ...blind.logs]) {
      const top = line.replace(/"hits":\[[^\]]*\]/, '')
      expect(top.match(/"level":/g), line).toHaveLength(1)
    }
  })
})

describe('a journal on a full disk', () => {
  it.skipIf(process.getuid?.() !== 0)('loses no kill and skips no hook', async () => {
    const disk = fullDisk()!
    const hookOut = join(mkdtempSync(join(tmpdir(), 'oomkit-hook-')), 'post.env')
    const journal = new Journal(join(disk.dir, 'kills.jsonl'), 100)
    try {
      disk.fill()
      const errors: string[] = []
      journal.onError = code => errors.push(code)
      const { host, run } = setup(
        { ...MEM, hooks: { postKill: `echo "$OOMKIT_PID" > ${hookOut}` } },
        journal
      )
      host.procs.set(
        80,
        proc({ pid: 80, comm: 'hog', rssAnonKb: 900_000, cmdline: 'x'.repeat(9000) })
      )
      host.procs.set(81, proc({ pid: 81, comm: 'next', rssAnonKb: 800_000 }))
      host.availKb = 0.01 * 8 * GiB_KB
      await run(300)
      // Both kills happened (pressure stayed: each frees less than the stage needs).
      expect(host.signals.map(s => s.pid)).toEqual([80, 81])
      expect(errors[0]).toBe('ENOSPC')
      await new Promise(r => setTimeout(r, 300))
      expect(readFileSync(hookOut, 'utf8').trim()).toMatch(/^8[01]$/)
    } finally {
      journal.close()
      disk.remove()
    }
  })
})

describe('cgroup-aware mode on a scripted host', () => {
  it('kills the largest process of the worst cgroup, then the whole cgroup when that did not help', async () => {
    const { host, journal, daemon, run } = setup({
      ...MEM,
      choose: { mode: 'cgroup' },
      kill: { waitMemory: '200ms', escalateAfter: '10s' }
    })
    const app = '/user.slice/app.scope'
    host.procs.set(60, proc({ pid: 60, comm: 'shell', rssAnonKb: 5_000, memcg: app }))
    host.procs.set(61, proc({ pid: 61, comm: 'job', rssAnonKb: 300_000, memcg: app }))
    host.procs.set(62, proc({ pid: 62, comm: 'worker', rssAnonKb: 200_000, memcg: app }))
    host.procs.set(
      70,
      proc({ pid: 70, comm: 'db', rssAnonKb: 400_000, memcg: '/system.slice/db.service' })
    )
    for (const pid of [60, 61, 62]) host.diesOn.set(pid, 'SIGTERM')
    const source = host.source()
    source.cgroupDir = memcg => (memcg === app ? '/fake/cgroup/app.scope' : null)
    source.cgroupPids = () => [...host.procs.values()].filter(p => p.memcg === app).map(p => p.pid)
    ;(daemon as unknown as { deps: { source: MemorySource } }).deps.source = source
    host.availKb = 0.05 * 8 * GiB_KB // stays low: each kill frees too little
    await run(3000)
    // First the largest process of the cgroup with the most memory (app: 505 MB vs db: 400 MB),
    // not the single largest process (db).
    expect(host.signals[0]).toMatchObject({ pid: 61, signal: 'SIGTERM' })
    // Then, pressure persisting, every remaining process of that cgroup; only after that does
    // the next cgroup (db) get its turn.
    expect(
      host.signals
        .slice(1, 3)
        .map(s => [s.pid, s.signal])
        .sort()
    ).toEqual([
      [60, 'SIGKILL'],
      [62, 'SIGKILL']
    ])
    expect(host.signals[3]).toMatchObject({ pid: 70, signal: 'SIGTERM' })
    expect(journal.entries.map(e => e.event).slice(0, 2)).toEqual(['kill', 'kill-cgroup'])
    expect(journal.entries[1]).toMatchObject({
      cgroup: { path: '/fake/cgroup/app.scope', method: 'signal-each', processes: 2 }
    })
    expect(journal.entries[1]!.reason).toMatch(/-escalated$/)
  })
})
