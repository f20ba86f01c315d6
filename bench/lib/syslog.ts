/**
 * @module The synthetic syslogs of the explain benchmarks: deterministic kernel noise (syslog
 * prefixes, monotonic timestamps) with real OOM reports from tests/fixtures/oomlogs re-prefixed
 * at a fixed spacing, or none. Written once into the temp directory and reused.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const MB = 1024 * 1024
const here = dirname(fileURLToPath(import.meta.url))

/** A small deterministic generator (LCG). */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const NOISE = [
  'e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx',
  '[UFW BLOCK] IN=eth0 OUT= MAC=f2:3c:91:e2:47:cc:00:1b:54:c2:50:c1:08:00 SRC=45.134.26.57 DST=72.14.187.238 LEN=40 TOS=0x00 PREC=0x00 TTL=244 ID=55235 PROTO=TCP SPT=44209 DPT=3389 WINDOW=1024 RES=0x00 SYN URGP=0',
  'audit: type=1400 audit(1700000000.123:456): apparmor="DENIED" operation="open" profile="snap.lxd" name="/proc/1/environ" pid=1234 comm="lxd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0',
  'EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro. Quota mode: none.',
  'usb 1-1: new high-speed USB device number 3 using xhci_hcd',
  'IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready',
  'TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters.',
  'nf_conntrack: nf_conntrack: table full, dropping packet',
  'perf: interrupt took too long (2502 > 2500), lowering kernel.perf_event_max_sample_rate to 79750',
  'device veth3a1b2c3 entered promiscuous mode',
  'docker0: port 2(veth3a1b2c3) entered forwarding state',
  'cgroup: fork rejected by pids controller in /system.slice/cron.service',
  'NVRM: Xid (PCI:0000:38:00): 13, pid=2924364, name=pt_main_thread, Graphics SM Warp Exception on (GPC 9, TPC 1, SM 1)',
  'blk_update_request: I/O error, dev sdb, sector 123456 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0'
]

/** The OOM reports the log carries, without their prefixes. */
function reports(): string[][] {
  const dir = join(here, '..', '..', 'tests', 'fixtures', 'oomlogs')
  return ['cnnotes611_1.log', 'parseoom_1.log', 'cadvisor_2.log'].map(name =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter(l => /invoked oom-killer|\]/.test(l))
      .map(l => l.replace(/^.*?\[\s*\d+\.\d+\] ?/, ''))
      .filter(l => l !== '')
  )
}

/**
 * Write a synthetic log of `targetBytes` (once; reused while its size matches): kernel noise
 * with a real OOM report every `reportEvery` bytes (0: no report at all). Returns the path and
 * the number of reports in it.
 */
export function makeLog(
  targetBytes: number,
  reportEvery: number
): { path: string; reports: number } {
  const path = join(tmpdir(), `oomkit-bench-syslog-${targetBytes}-${reportEvery}.log`)
  const count = reportEvery > 0 ? Math.floor(targetBytes / reportEvery) : 0
  if (existsSync(path) && statSync(path).size >= targetBytes) return { path, reports: count }
  const rand = rng(0x5eed)
  const reps = reports()
  const tmp = `${path}.${process.pid}.tmp`
  const fd = openSync(tmp, 'w')
  let written = 0
  let t = 1000
  let nextReport = reportEvery > 0 ? reportEvery / 2 : Infinity
  let inserted = 0
  let chunk: string[] = []
  let chunkBytes = 0
  const flush = (): void => {
    const buf = Buffer.from(chunk.join(''))
    writeSync(fd, buf)
    written += buf.length
    chunk = []
    chunkBytes = 0
  }
  const line = (text: string): void => {
    t += rand() * 0.01
    const secs = Math.floor(t)
    const clock = `${String(Math.floor(secs / 3600) % 24).padStart(2, '0')}:${String(Math.floor(secs / 60) % 60).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`
    const s = `Dec  8 ${clock} web-1 kernel: [${t.toFixed(6).padStart(12)}] ${text}\n`
    chunk.push(s)
    chunkBytes += s.length
    if (chunkBytes > MB) flush()
  }
  while (written + chunkBytes < targetBytes) {
    if (written + chunkBytes >= nextReport && inserted < count) {
      for (const l of reps[inserted % reps.length] ?? []) line(l)
      inserted++
      nextReport += reportEvery
    } else {
      line(NOISE[Math.floor(rand() * NOISE.length)] ?? '')
    }
  }
  flush()
  closeSync(fd)
  renameSync(tmp, path)
  return { path, reports: inserted }
}
