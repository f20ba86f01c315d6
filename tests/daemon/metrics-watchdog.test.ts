import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { DaemonMetrics, parseListen, serveMetrics } from '../../src/daemon/metrics.ts'
import { startWatchdog } from '../../src/daemon/watchdog.ts'

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
})
