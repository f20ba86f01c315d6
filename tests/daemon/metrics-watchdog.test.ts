import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { DaemonMetrics, parseListen, serveMetrics } from '../../src/daemon/metrics.ts'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWatchdog } from '../../src/daemon/watchdog.ts'
import { watchdogConfig } from '../../src/daemon/services.ts'
import { config } from './fixtures.ts'

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, res => {
      let body = ''
      res.on('data', (b: Buffer) => (body += b.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('metrics endpoint', () => {
  it('serves the daemon metrics in Prometheus text format on loopback', async () => {
    const m = new DaemonMetrics()
    m.kills.inc({ reason: 'memory-term', signal: 'SIGTERM', dry_run: 'false' })
    m.memAvailable.set(123456789)
    const server = await serveMetrics(m, '127.0.0.1:0', false)
    try {
      const port = (server.address() as AddressInfo).port
      const r = await get(port, '/metrics')
      expect(r.status).toBe(200)
      expect(r.body).toContain(
        'oomkit_daemon_kills_total{reason="memory-term",signal="SIGTERM",dry_run="false"} 1'
      )
      expect(r.body).toContain('oomkit_daemon_mem_available_bytes 123456789')
      expect(r.body).toMatch(/oomkit_daemon_resident_memory_bytes \d+/)
      expect((await get(port, '/nope')).status).toBe(404)
    } finally {
      await new Promise(resolve => server.close(resolve))
    }
  })

  it('refuses a non-loopback address unless asked', async () => {
    await expect(serveMetrics(new DaemonMetrics(), '0.0.0.0:0', false)).rejects.toThrow(
      'not a loopback address'
    )
    expect(parseListen('[::1]:9464')).toEqual({ host: '::1', port: 9464 })
    expect(() => parseListen('localhost')).toThrow('expected host:port')
  })
})

describe('watchdog', () => {
  it('fires when the main loop stalls while memory is below the kill stage', async () => {
    const wd = startWatchdog({
      timeoutMs: 300,
      action: 'log',
      killBelowBytes: Number.MAX_SAFE_INTEGER,
      meminfo: '/proc/meminfo',
      sysrq: '/dev/null'
    })
    const fired: { stale: number }[] = []
    wd.onFire(info => fired.push(info))
    wd.beat(Date.now())
    await new Promise(r => setTimeout(r, 200))
    expect(fired).toEqual([])
    // Stall the main thread: no heartbeat for 1.2 s.
    const end = Date.now() + 1200
    while (Date.now() < end) {
      /* busy */
    }
    await new Promise(r => setTimeout(r, 100))
    expect(fired.length).toBeGreaterThanOrEqual(1)
    expect(fired[0]!.stale).toBeGreaterThanOrEqual(300)
    await wd.stop()
  })

  it('stays quiet on a stall while memory is plentiful', async () => {
    const wd = startWatchdog({
      timeoutMs: 300,
      action: 'log',
      killBelowBytes: 0,
      meminfo: '/proc/meminfo',
      sysrq: '/dev/null'
    })
    const fired: unknown[] = []
    wd.onFire(info => fired.push(info))
    wd.beat(Date.now())
    const end = Date.now() + 1000
    while (Date.now() < end) {
      /* busy */
    }
    await new Promise(r => setTimeout(r, 100))
    expect(fired).toEqual([])
    await wd.stop()
  })

  const stall = (ms: number): void => {
    const end = Date.now() + ms
    while (Date.now() < end) {
      /* busy */
    }
  }
  const settle = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

  it("does not take the loop's own announced wait (the pre-kill hook) for a stall", async () => {
    const wd = startWatchdog({
      timeoutMs: 300,
      action: 'log',
      killBelowBytes: Number.MAX_SAFE_INTEGER,
      meminfo: '/proc/meminfo',
      sysrq: '/dev/null'
    })
    const fired: unknown[] = []
    wd.onFire(info => fired.push(info))
    wd.beat(Date.now() + 1500)
    stall(1000)
    await settle(100)
    expect(fired).toEqual([])
    await wd.stop()
  })

  it('acts in a watched cgroup past its kill stage: cgroup.kill, else its largest process', async () => {
    const root = mkdtempSync(join(tmpdir(), 'oomkit-wd-'))
    const v2 = join(root, 'v2')
    const v1 = join(root, 'v1')
    mkdirSync(v2)
    mkdirSync(v1)
    // v2: 95 MiB used of 100 MiB, kill stage 10 %: past it; cgroup.kill exists.
    writeFileSync(join(v2, 'memory.current'), String(95 * 2 ** 20))
    writeFileSync(join(v2, 'memory.max'), String(100 * 2 ** 20))
    writeFileSync(join(v2, 'memory.stat'), 'inactive_file 0\n')
    writeFileSync(join(v2, 'cgroup.kill'), '')
    // v1: no cgroup.kill; its largest process is a real sleep(1).
    const victim = spawn('sleep', ['30'], { stdio: 'ignore' })
    const victimExit = new Promise(r => victim.once('exit', (_c, sig) => r(sig)))
    const small = spawn('sleep', ['31'], { stdio: 'ignore' })
    writeFileSync(join(v1, 'memory.usage_in_bytes'), String(99 * 2 ** 20))
    writeFileSync(join(v1, 'memory.limit_in_bytes'), String(100 * 2 ** 20))
    writeFileSync(join(v1, 'memory.stat'), 'total_inactive_file 0\n')
    writeFileSync(join(v1, 'cgroup.procs'), `${victim.pid}\n${process.pid}\n`)
    const wd = startWatchdog({
      timeoutMs: 300,
      action: 'sysrq-f',
      killBelowBytes: 0,
      cgroups: [
        { path: v2, kill: { kind: 'percent', value: 10 } },
        { path: v1, kill: { kind: 'bytes', value: 5 * 2 ** 20 } }
      ],
      meminfo: '/proc/meminfo',
      sysrq: join(root, 'no-sysrq')
    })
    const fired: { scope: string; acted: string }[] = []
    wd.onFire(info => fired.push(info))
    wd.beat(Date.now())
    stall(1000)
    await settle(200)
    await wd.stop()
    small.kill('SIGKILL')
    // Once per timeout while the stall lasts: the first round acted on both.
    expect(fired.slice(0, 2).map(f => f.scope)).toEqual([v2, v1])
    expect(fired[0]!.acted).toBe('cgroup.kill')
    expect(readFileSync(join(v2, 'cgroup.kill'), 'utf8')).toBe('1')
    expect(fired[1]!.acted).toBe(`SIGKILL pid ${victim.pid}`)
    expect(await victimExit).toBe('SIGKILL')
    rmSync(root, { recursive: true, force: true })
  })

  it('with the system trigger off, system memory never makes it act', () => {
    const off = watchdogConfig(config({ memory: { enabled: false } }), 8 * 2 ** 20)
    expect(off.killBelowBytes).toBe(0)
    const on = watchdogConfig(config({}), 8 * 2 ** 20)
    expect(on.killBelowBytes).toBe(0.05 * 8 * 2 ** 30)
    const cg = watchdogConfig(config({ cgroups: [{ path: '/x', available: { kill: '8%' } }] }), 1)
    expect(cg.cgroups).toEqual([{ path: '/x', kill: { kind: 'percent', value: 8 } }])
  })
})
