/**
 * @module Prometheus metrics (prom-client) on a loopback HTTP endpoint: GET /metrics. Binding to a
 * non-loopback address must be asked for (`metrics.allowNonLoopback`, e.g. inside a pod).
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { checkListen } from './listen.ts'

/** The kernel's own OOM kills (kernel-kills.ts), by constraint and memcg. */
function kernelKillCounter(registry: Registry): Counter<'constraint' | 'memcg'> {
  return new Counter({
    name: 'oomkit_daemon_kernel_oom_kills_total',
    help: "Kills by the kernel's own OOM killer (ones the daemon did not prevent), from /dev/kmsg; memcg is the cgroup whose limit was hit, empty for a global OOM",
    labelNames: ['constraint', 'memcg'],
    registers: [registry]
  })
}

/** The daemon's metric set, on its own registry. */
export class DaemonMetrics {
  readonly registry = new Registry()
  readonly kills = new Counter({
    name: 'oomkit_daemon_kills_total',
    help: 'Processes signalled by the daemon (dry runs count with dry_run="true")',
    labelNames: ['reason', 'signal', 'dry_run'],
    registers: [this.registry]
  })
  readonly killFailures = new Counter({
    name: 'oomkit_daemon_kill_failures_total',
    help: 'Kill attempts that failed (victim gone, EPERM, ...)',
    labelNames: ['errno'],
    registers: [this.registry]
  })
  readonly kernelKills = kernelKillCounter(this.registry)
  readonly level = new Gauge({
    name: 'oomkit_daemon_trigger_level',
    help: 'Current stage: 0 ok, 1 warn, 2 term, 3 kill',
    registers: [this.registry]
  })
  readonly memAvailable = new Gauge({
    name: 'oomkit_daemon_mem_available_bytes',
    help: 'MemAvailable at the last sample',
    registers: [this.registry]
  })
  readonly swapFree = new Gauge({
    name: 'oomkit_daemon_swap_free_bytes',
    help: 'SwapFree at the last sample',
    registers: [this.registry]
  })
  readonly psi = new Gauge({
    name: 'oomkit_daemon_memory_pressure_avg10',
    help: 'System memory PSI avg10 (percent)',
    labelNames: ['kind'],
    registers: [this.registry]
  })
  readonly cgroupUsage = new Gauge({
    name: 'oomkit_daemon_cgroup_working_set_bytes',
    help: 'Watched cgroup usage minus inactive file',
    labelNames: ['cgroup'],
    registers: [this.registry]
  })
  readonly cgroupLimit = new Gauge({
    name: 'oomkit_daemon_cgroup_limit_bytes',
    help: 'Watched cgroup limit',
    labelNames: ['cgroup'],
    registers: [this.registry]
  })
  readonly interval = new Gauge({
    name: 'oomkit_daemon_poll_interval_seconds',
    help: 'Current poll interval',
    registers: [this.registry]
  })
  readonly timeToExit = new Histogram({
    name: 'oomkit_daemon_victim_exit_seconds',
    help: 'Time from the first signal until the victim was gone',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry]
  })
  readonly freed = new Counter({
    name: 'oomkit_daemon_memory_freed_bytes_total',
    help: 'Memory that came back after kills',
    registers: [this.registry]
  })
  readonly loopLag = new Gauge({
    name: 'oomkit_daemon_loop_lag_seconds',
    help: 'How late the last sample ran compared with its schedule',
    registers: [this.registry]
  })
  readonly rss = new Gauge({
    name: 'oomkit_daemon_resident_memory_bytes',
    help: "The daemon's own RSS",
    registers: [this.registry],
    collect() {
      this.set(process.memoryUsage.rss())
    }
  })
}

export { parseListen } from './listen.ts'

/** Start the HTTP endpoint; resolves once listening. */
export async function serveMetrics(
  metrics: DaemonMetrics,
  listen: string,
  allowNonLoopback: boolean
): Promise<Server> {
  const { host, port } = checkListen(listen, allowNonLoopback)
  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url === '/')) {
      metrics.registry
        .metrics()
        .then(text => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType })
          res.end(text)
        })
        .catch((error: unknown) => {
          res.writeHead(500)
          res.end(String(error))
        })
      return
    }
    res.writeHead(404)
    res.end('not found\n')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return server
}
