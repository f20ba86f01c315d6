/**
 * Issue 20: koffi is loaded only when a kill is near. The wrapper signals by pid until loaded,
 * then through the loaded backend; the rule loads it at a stage, a near ETA, or within twice the
 * first line. The real daemon: idle without koffi's addon mapped, and with it once a line is near.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createLazyControl } from '../../src/adapters/pidfd/lazy-control.ts'
import type { ProcessControl } from '../../src/adapters/pidfd/process-control.ts'
import { killPathNear } from '../../src/daemon/kill-path-warmup.ts'
import type { Evaluation } from '../../src/daemon/triggers.ts'
import { GiB_KB, config, readings } from './fixtures.ts'

const calm = { level: 0, etaMs: Number.POSITIVE_INFINITY, hits: [] } as unknown as Evaluation

describe('lazy koffi backend', () => {
  it('uses kill(2) until prepared, then the loaded backend, loading once', async () => {
    let loads = 0
    const full = {
      features: { backend: 'koffi', pidfd: true, mrelease: true, mlockall: true, notes: [] },
      open: (pid: number) => ({ ok: true, handle: { pid, fd: 99 } }),
      lockMemory: () => ({ ok: true })
    } as unknown as ProcessControl
    const seen: number[] = []
    const lazy = createLazyControl(
      () => {
        loads++
        return Promise.resolve(full)
      },
      (_c, ms) => seen.push(ms)
    )
    expect(lazy.ready).toBe(false)
    expect(lazy.features.backend).toBe('fallback')
    const before = lazy.open(process.pid)
    expect(before.ok && before.handle.fd).toBe(-1)
    await Promise.all([lazy.prepare(), lazy.prepare()])
    expect(loads).toBe(1)
    expect(seen).toHaveLength(1)
    expect(lazy.ready).toBe(true)
    expect(lazy.features.backend).toBe('koffi')
    const after = lazy.open(process.pid)
    expect(after.ok && after.handle.fd).toBe(99)
  })

  it('stays on kill(2) when koffi cannot load', async () => {
    const lazy = createLazyControl(() => Promise.resolve(null))
    expect(await lazy.prepare()).toBe(false)
    expect(lazy.features.backend).toBe('fallback')
  })
})

describe('when the kill path is loaded', () => {
  const c = config({ memory: { available: { term: '10%', kill: '5%' } } })
  it('not with plenty of memory and no growth', () => {
    expect(killPathNear(c, calm, readings(0, 6 * GiB_KB))).toBe(false)
  })
  it('within twice the first line (8 GiB host, term 10%: under 1.6 GiB)', () => {
    expect(killPathNear(c, calm, readings(0, 1.7 * GiB_KB))).toBe(false)
    expect(killPathNear(c, calm, readings(0, 1.5 * GiB_KB))).toBe(true)
  })
  it('at any stage, or a crossing predicted within 10 s', () => {
    expect(killPathNear(c, { ...calm, level: 1 }, readings(0, 6 * GiB_KB))).toBe(true)
    expect(killPathNear(c, { ...calm, etaMs: 9000 }, readings(0, 6 * GiB_KB))).toBe(true)
  })
})

const BIN = new URL('../../bin/oomkit.js', import.meta.url).pathname

function koffiMapped(pid: number): boolean {
  return readFileSync(`/proc/${pid}/maps`, 'utf8').includes('koffi')
}

async function daemonMaps(args: string[]): Promise<boolean> {
  const child = spawn(process.execPath, [BIN, 'daemon', ...args], { stdio: 'ignore' })
  try {
    await new Promise(r => setTimeout(r, 3000))
    return koffiMapped(child.pid ?? 0)
  } finally {
    child.kill('SIGTERM')
    await new Promise(r => child.once('exit', r))
  }
}

function availablePercent(): number {
  const m = readFileSync('/proc/meminfo', 'utf8')
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(m)?.[1] ?? 0)
  return (100 * kb('MemAvailable')) / kb('MemTotal')
}

describe('the real daemon (bin/oomkit.js, dist/)', () => {
  it('idles without koffi loaded', async () => {
    expect(await daemonMaps([])).toBe(false)
  }, 15_000)
  it('loads koffi once MemAvailable is within twice the term line', async () => {
    // A term line at half of what is available now: near (2x), not crossed.
    const term = Math.floor(availablePercent() / 2 + 1)
    expect(await daemonMaps(['-m', `${term}%,${Math.max(1, term - 5)}%`])).toBe(true)
  }, 15_000)
})
