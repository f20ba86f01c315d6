/**
 * @module The watchdog worker's source (run with `eval` in a worker thread, so it needs no file
 * of its own in dist/). Every tick it checks the main loop's heartbeat; a heartbeat in the future
 * is a wait the loop announced (the pre-kill hook), not a stall. When stale, it looks at the
 * scopes the daemon watches, in its own code (the main thread may be stuck):
 * - each watched cgroup whose headroom (limit − (usage − inactive_file)) is at or below its kill
 *   threshold: write "1" to its cgroup.kill, or, without one (v1, < 5.14), SIGKILL the cgroup's
 *   largest process (VmRSS) other than the daemon;
 * - the system, only when its MemAvailable trigger is on (killBelowBytes > 0) and MemAvailable
 *   is at or below it: sysrq-f (the kernel's OOM killer) when /proc/sysrq-trigger exists, else it
 *   only logs.
 * With action 'log' it only logs. It writes its log lines to fd 2 itself.
 */
export const WATCHDOG_WORKER_SOURCE = String.raw`
const { workerData, parentPort } = require('node:worker_threads')
const fs = require('node:fs')
const path = require('node:path')
const beat = new Float64Array(workerData.heartbeat)
let cfg = workerData.config
parentPort.on('message', m => { cfg = m })
let lastFire = 0
const read = p => { try { return fs.readFileSync(p, 'utf8') } catch { return null } }
const num = (text, re) => { const m = text === null ? null : re.exec(text); return m ? Number(m[1]) : null }
const log = msg => { try { fs.writeSync(2, JSON.stringify({ level: 50, time: Date.now(), name: 'oomkit-daemon', msg }) + '\n') } catch {} }
function headroom(dir) {
  const v1 = read(path.join(dir, 'memory.usage_in_bytes'))
  const usage = v1 !== null ? Number(v1) : num(read(path.join(dir, 'memory.current')), /^(\d+)/)
  if (usage === null) return null
  const limText = read(path.join(dir, v1 !== null ? 'memory.limit_in_bytes' : 'memory.max'))
  const limit = limText === null || limText.trim() === 'max' ? null : Number(limText)
  if (limit === null || limit >= 2 ** 62) return null
  const stat = read(path.join(dir, 'memory.stat'))
  const inactive = num(stat, /^total_inactive_file (\d+)/m) ?? num(stat, /^inactive_file (\d+)/m) ?? 0
  return { limit, headroom: limit - Math.max(0, usage - inactive) }
}
function pids(dir) {
  const out = []
  const walk = d => {
    for (const l of (read(path.join(d, 'cgroup.procs')) ?? '').split('\n')) if (l) out.push(Number(l))
    let subs = []
    try { subs = fs.readdirSync(d, { withFileTypes: true }).filter(e => e.isDirectory()) } catch {}
    for (const e of subs) walk(path.join(d, e.name))
  }
  walk(dir)
  return out
}
function killWorst(dir) {
  let worst = null
  for (const pid of pids(dir)) {
    if (pid === process.pid || pid === 1) continue
    const rss = num(read('/proc/' + pid + '/status'), /^VmRSS:\s+(\d+)/m) ?? 0
    if (!worst || rss > worst.rss) worst = { pid, rss }
  }
  if (!worst) return 'no process'
  try { process.kill(worst.pid, 'SIGKILL'); return 'SIGKILL pid ' + worst.pid } catch (e) { return 'kill failed: ' + e.code }
}
function actOnCgroup(dir) {
  if (cfg.action !== 'sysrq-f') return 'logged'
  const file = path.join(dir, 'cgroup.kill')
  if (fs.existsSync(file)) {
    try { fs.writeFileSync(file, '1'); return 'cgroup.kill' } catch (e) { return 'cgroup.kill failed: ' + e.code }
  }
  return killWorst(dir)
}
function actOnSystem() {
  if (cfg.action !== 'sysrq-f') return 'logged'
  if (!fs.existsSync(cfg.sysrq)) return 'logged (no ' + cfg.sysrq + ')'
  try { fs.writeFileSync(cfg.sysrq, 'f'); return 'sysrq-f' } catch (e) { return 'sysrq-f failed: ' + e.code }
}
function check(now, stale) {
  for (const c of cfg.cgroups ?? []) {
    const h = headroom(c.path)
    if (!h) continue
    const below = c.kill.kind === 'percent' ? (h.limit * c.kill.value) / 100 : c.kill.value
    if (h.headroom > below) continue
    const acted = actOnCgroup(c.path)
    log('watchdog: main loop stalled ' + stale + ' ms with cgroup ' + c.path + ' ' + h.headroom + ' bytes from its limit: ' + acted)
    parentPort.postMessage({ fired: now, stale, scope: c.path, acted, availKb: null })
  }
  if (cfg.killBelowBytes > 0) {
    const availKb = num(read(cfg.meminfo), /MemAvailable:\s+(\d+)/) ?? Infinity
    if (availKb * 1024 > cfg.killBelowBytes) return
    const acted = actOnSystem()
    log('watchdog: main loop stalled ' + stale + ' ms with MemAvailable ' + availKb + ' kB below the kill stage: ' + acted)
    parentPort.postMessage({ fired: now, stale, scope: 'system', acted, availKb })
  }
}
setInterval(() => {
  const now = Date.now()
  const stale = now - beat[0]
  if (beat[0] === 0 || stale < cfg.timeoutMs) return
  if (now - lastFire < cfg.timeoutMs) return
  lastFire = now
  check(now, stale)
}, Math.min(1000, workerData.config.timeoutMs / 2))
`
