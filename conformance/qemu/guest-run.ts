/**
 * @module What one guest case brought back, read from the script's output: the hogs' pids, the
 * pre-trigger snapshot (a base64 tar of the guest's /proc and cgroup tree in the layout
 * `oomkit scores --root` reads, unpacked into a temporary directory), the growth, the cgroup
 * counters, and the kernel log (`dmesg -c`, or the console lines of a panic) split into kills.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { killedCount, splitKills, type KernelKill } from '../kernel-report.ts'
import type { KmsgRecord } from '../kmsg.ts'
import type { GuestCase } from './guest-cases.ts'

/** One executed guest case. */
export interface GuestRun {
  spec: GuestCase
  release: string
  /** The unpacked snapshot (proc/, sys/fs/cgroup/, etc/), null when none came back. */
  snapshotDir: string | null
  /** pid -> [hog index, role] from the hogs' ready lines. */
  roles: Map<number, { hog: number; role: 'parent' | 'child' | 'clone-vm' }>
  growerPid: number
  /** KiB the grower had grown when it was killed (its last "ok") or stopped. */
  grownKb: number
  /** The grower stopped by itself (enough kills) instead of being killed. */
  growerStopped: boolean
  kills: KernelKill[]
  logLines: string[]
  /** memory.events of every case cgroup (v2), by path. */
  events: Map<string, Record<string, number>>
  /** /proc/vmstat oom_kill: the case's kills (after minus before). */
  vmstatOomKill: number | null
  /**
   * Global cases: when each kswapd balance_pgdat() pass started (µs, the dmesg clock), from the
   * go to the end of the case (vmscan:mm_vmscan_kswapd_wake); null when not traced.
   */
  kswapdWakesUsec: number[] | null
  /** Global cases: when kswapd went to sleep (vmscan:mm_vmscan_kswapd_sleep), µs; null: untraced. */
  kswapdSleepsUsec: number[] | null
  /** Global cases: reclaim counters of /proc/vmstat at the end (pgsteal_*, slabs_scanned, pageoutrun). */
  vmstatEnd: Record<string, number> | null
  /** Global cases: direct reclaims that made progress (µs stamp, pages; slab included). */
  reclaimProgress: { usec: number; pages: number }[] | null
  /** zoneinfo's node_unreclaimable at the end of the case (null: not read). */
  nodeUnreclaimableAfter: boolean | null
  /** The guest panicked (panic_on_oom): the log came from the console. */
  panicked: boolean
  errors: string[]
  durationMs: number
}

const STAMP = /^\[\s*(\d+)\.(\d{6})\] ?(.*)$/

/** dmesg (or console) lines as kernel log records; untimed lines continue the previous one. */
export function parseDmesg(lines: readonly string[]): KmsgRecord[] {
  const out: KmsgRecord[] = []
  let usec = 0
  for (const l of lines) {
    const m = STAMP.exec(l)
    if (m !== null) usec = Number(m[1]) * 1e6 + Number(m[2])
    out.push({ seq: out.length, usec, level: 6, text: m !== null ? m[3]! : l })
  }
  return out
}

/** Unpack the base64 tar.gz between `@@snap-begin` and `@@snap-end` into a temporary directory. */
function unpackSnapshot(b64: string[], errors: string[]): string | null {
  if (b64.length === 0) return null
  const dir = mkdtempSync(join(tmpdir(), 'oomkit-guest-snap-'))
  const r = spawnSync('tar', ['-xz', '-C', dir], { input: Buffer.from(b64.join(''), 'base64') })
  if (r.status !== 0) {
    errors.push(`cannot unpack the guest snapshot: ${r.stderr.toString().trim()}`)
    rmSync(dir, { recursive: true, force: true })
    return null
  }
  return dir
}

/** Remove a run's snapshot directory. */
export function disposeRun(run: GuestRun): void {
  if (run.snapshotDir !== null) rmSync(run.snapshotDir, { recursive: true, force: true })
  run.snapshotDir = null
}

function readyRoles(run: GuestRun, hog: number, ready: string): void {
  const parts = ready.split(' ').slice(1)
  parts.forEach((p, i) => {
    if (i === 0) run.roles.set(Number(p), { hog, role: 'parent' })
    else if (p.startsWith('c')) run.roles.set(Number(p.slice(1)), { hog, role: 'child' })
    else if (p.startsWith('v')) run.roles.set(Number(p.slice(1)), { hog, role: 'clone-vm' })
  })
  if (hog === run.spec.grower) run.growerPid = Number(parts[0])
}

/** "@@kswapd-wakes 5.123456 5.200001 ..." (or sleeps) as µs stamps. */
function wakeStamps(l: string): number[] {
  return l
    .split(' ')
    .slice(1)
    .filter(t => /^\d+\.\d{6}$/.test(t))
    .map(t => Number(t.replace('.', '')))
}

/** "@@reclaim-progress 5.123456:12 ..." as µs stamps and pages. */
function progressStamps(l: string): { usec: number; pages: number }[] {
  return l
    .split(' ')
    .slice(1)
    .map(t => /^(\d+)\.(\d{6}):(\d+)$/.exec(t))
    .filter(m => m !== null)
    .map(m => ({ usec: Number(m[1]) * 1e6 + Number(m[2]), pages: Number(m[3]) }))
}

/** "@@vmstat-end name value name value ..." as a record. */
function counters(l: string): Record<string, number> {
  const kv = l
    .split(' ')
    .filter(x => x !== '')
    .slice(1)
  const out: Record<string, number> = {}
  for (let i = 0; i + 1 < kv.length; i += 2) out[kv[i]!] = Number(kv[i + 1])
  return out
}

/** Read a case's output lines into a run. */
export function collectRun(spec: GuestCase, release: string, lines: readonly string[]): GuestRun {
  const run: GuestRun = {
    spec,
    release,
    snapshotDir: null,
    roles: new Map(),
    growerPid: -1,
    grownKb: 0,
    growerStopped: false,
    kills: [],
    logLines: [],
    events: new Map(),
    vmstatOomKill: null,
    kswapdWakesUsec: null,
    kswapdSleepsUsec: null,
    vmstatEnd: null,
    reclaimProgress: null,
    nodeUnreclaimableAfter: null,
    panicked: false,
    errors: [],
    durationMs: 0
  }
  let section: 'snap' | 'dmesg' | 'console' | null = null
  const b64: string[] = []
  const log: string[] = []
  let vmstat0 = 0
  for (const l of lines) {
    if (l === '@@snap-begin' || l === '@@dmesg-begin')
      section = l === '@@snap-begin' ? 'snap' : 'dmesg'
    else if (l === '@@snap-end') section = 'console'
    else if (l === '@@dmesg-end') section = null
    else if (section === 'snap') b64.push(l)
    else if (section === 'dmesg' || (section === 'console' && STAMP.test(l))) log.push(l)
    else if (l.startsWith('@@hog ')) {
      const m = /^@@hog (\d+) (ready .*)$/.exec(l)
      if (m !== null) readyRoles(run, Number(m[1]), m[2]!)
    } else if (l.startsWith('@@grown ')) {
      const m = /^@@grown (ok|stop) (\d+)$/.exec(l)
      run.grownKb = m !== null ? Number(m[2]) : 0
      run.growerStopped = m?.[1] === 'stop'
    } else if (l.startsWith('@@events ')) {
      const [, path, ...kv] = l.split(' ').filter(x => x !== '')
      const ev: Record<string, number> = {}
      for (let i = 0; i + 1 < kv.length; i += 2) ev[kv[i]!] = Number(kv[i + 1])
      run.events.set(path!, ev)
    } else if (l.startsWith('@@vmstat0 oom_kill ')) vmstat0 = Number(l.split(' ')[2])
    else if (l.startsWith('@@vmstat oom_kill '))
      run.vmstatOomKill = Number(l.split(' ')[2]) - vmstat0
    else if (l.startsWith('@@kswapd-wakes')) run.kswapdWakesUsec = wakeStamps(l)
    else if (l.startsWith('@@reclaim-progress')) run.reclaimProgress = progressStamps(l)
    else if (l.startsWith('@@kswapd-sleeps')) run.kswapdSleepsUsec = wakeStamps(l)
    else if (l.startsWith('@@vmstat-end')) run.vmstatEnd = counters(l)
    else if (l.startsWith('@@node-unreclaimable '))
      run.nodeUnreclaimableAfter = l.endsWith(' 1') ? true : l.endsWith(' 0') ? false : null
    else if (l.startsWith('@@error ')) run.errors.push(l.slice(8))
  }
  run.panicked = log.some(l => l.includes('Kernel panic - not syncing'))
  run.logLines = log
  run.kills = splitKills(parseDmesg(log))
  run.snapshotDir = unpackSnapshot(b64, run.errors)
  if (run.snapshotDir === null && run.errors.length === 0) run.errors.push('no snapshot came back')
  if (run.growerPid < 0) run.errors.push('the grower never reported ready')
  crossCheckCounters(run)
  return run
}

/** The kernel's own counters must agree with the Killed lines. */
function crossCheckCounters(run: GuestRun): void {
  const logged = killedCount(run.kills)
  if (run.spec.counterCgroup !== null && run.spec.kind !== 'v1') {
    const ev = run.events.get(run.spec.counterCgroup)
    if (ev !== undefined && ev.oom_kill !== logged)
      run.errors.push(
        `memory.events oom_kill is ${ev.oom_kill}, the log has ${logged} Killed lines`
      )
    const groups = run.kills.filter(k => k.oomGroupText !== null).length
    if (ev !== undefined && (ev.oom_group_kill ?? 0) !== groups)
      run.errors.push(`memory.events oom_group_kill is ${ev.oom_group_kill}, the log has ${groups}`)
  } else if (!run.panicked && run.vmstatOomKill !== null && run.vmstatOomKill !== logged) {
    run.errors.push(`vmstat oom_kill is ${run.vmstatOomKill}, the log has ${logged} Killed lines`)
  }
}
