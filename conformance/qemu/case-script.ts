/**
 * @module A guest case as the busybox sh script the guest runs (with guest/case-lib.sh): create
 * the cgroups, start the hogs inside them (each sets its own oom_score_adj before touching
 * memory), let the counters settle, snapshot (`snap`), let the grower go, wait for it, report
 * the counters and `dmesg -c`, and tear everything down.
 */
import type { GuestCase, GuestHog } from './guest-cases.ts'

/** The guest's cgroup v1 memory hierarchy mount (cgroup2 is unmounted for v1 cases). */
export const V1_MOUNT = '/sys/fs/cgroup/memory'

/** ghog's arguments for a hog. */
export function ghogArgs(h: GuestHog): string[] {
  const a = ['-n', h.name, '-m', String(h.privateKb), '-a', String(h.adj)]
  if (h.sharedKb > 0) a.push('-s', String(h.sharedKb))
  if (h.forks > 0) a.push('-f', String(h.forks), '-c', String(h.childKb))
  if (h.forks > 0 && h.childAdj.length > 0) a.push('-A', h.childAdj.join(','))
  if (h.threads > 0) a.push('-t', String(h.threads))
  if (h.cloneVm) a.push('-v')
  if (h.mlock === true) a.push('-l')
  return a
}

function cgroupSetup(c: GuestCase, root: string): string[] {
  const out: string[] = []
  for (const g of c.cgroups) {
    const dir = `${root}${g.path}`
    out.push(`mkdir ${dir}`)
    if (c.kind === 'v1') {
      if (g.maxKb !== undefined) out.push(`echo ${g.maxKb * 1024} > ${dir}/memory.limit_in_bytes`)
      continue
    }
    if (c.cgroups.some(o => o.path.startsWith(`${g.path}/`)))
      out.push(`echo +memory > ${dir}/cgroup.subtree_control`)
    if (g.maxKb !== undefined) out.push(`echo ${g.maxKb * 1024} > ${dir}/memory.max`)
    if (g.highKb !== undefined) out.push(`echo ${g.highKb * 1024} > ${dir}/memory.high`)
    if (g.oomGroup === true) out.push(`echo 1 > ${dir}/memory.oom.group`)
  }
  return out
}

/** Switch the memory controller from cgroup2 to a v1 hierarchy (and back). */
const TO_V1 = [
  'echo -memory > /sys/fs/cgroup/cgroup.subtree_control',
  'umount /sys/fs/cgroup',
  'mount -t tmpfs cgroup /sys/fs/cgroup',
  `mkdir ${V1_MOUNT}`,
  `n=0; until mount -t cgroup -o memory memory ${V1_MOUNT} 2>/dev/null; do n=$((n+1)); [ $n -gt 50 ] && echo "@@error cannot mount the v1 memory controller" && exit 1; sleep 0.1; done`,
  `CG=${V1_MOUNT}`
]
const FROM_V1 = [
  `umount ${V1_MOUNT}`,
  'umount /sys/fs/cgroup',
  'mount -t cgroup2 cgroup2 /sys/fs/cgroup',
  'echo +memory > /sys/fs/cgroup/cgroup.subtree_control',
  'CG=/sys/fs/cgroup'
]

/** The script for a case. */
export function caseScript(c: GuestCase, maxGrowKb: number): string {
  const v1 = c.kind === 'v1'
  const root = v1 ? V1_MOUNT : '/sys/fs/cgroup'
  const counter =
    c.counterCgroup === null
      ? '/proc/vmstat'
      : `${root}${c.counterCgroup}/${v1 ? 'memory.oom_control' : 'memory.events'}`
  const lines = [
    '. /lib/case-lib.sh',
    'dmesg -c > /dev/null',
    'echo -1000 > /proc/self/oom_score_adj',
    'echo "@@vmstat0 $(grep -E \'^oom_kill \' /proc/vmstat)"'
  ]
  if (v1) lines.push(...TO_V1)
  lines.push(...cgroupSetup(c, root))
  if (c.kind === 'global-alloc') lines.push('sysctl -q -w vm.oom_kill_allocating_task=1')
  c.hogs.forEach((h, i) => {
    const args = ghogArgs(h)
    if (i === c.grower)
      args.push(
        ...['-g', String(c.stepKb), '-w', '/tmp/go', '-k', String(c.maxKills)],
        ...['-K', counter, '-x', String(maxGrowKb)]
      )
    lines.push(`hog ${i} ${h.cgroup} ${args.join(' ')} || { teardown; exit 1; }`)
  })
  // panic_on_oom: set before the snapshot (it records the sysctl); the report then has to come
  // over the console, as the guest dies before dmesg could print it.
  if (c.kind === 'global-panic')
    lines.push('sysctl -q -w vm.panic_on_oom=1', 'echo 8 > /proc/sys/kernel/printk')
  // A global OOM prints the node's all_unreclaimable?: kswapd's passes are traced from the go on
  // (guest-run.ts reads them, kswapd-evidence.ts says when they decide it); the trace buffer is
  // allocated before the snapshot, so that MemFree counts it.
  const traced = c.counterCgroup === null && c.kind !== 'global-panic'
  if (traced) lines.push('kswapd_trace_prepare')
  lines.push('settle', 'snap')
  if (traced) lines.push('kswapd_trace_on')
  lines.push(': > /tmp/go', `wait $hogpid_${c.grower}`, 'sleep 0.3')
  if (traced) lines.push('kswapd_trace_report')
  lines.push(`report ${c.grower}`, 'teardown')
  if (v1) lines.push(...FROM_V1)
  return lines.join('\n') + '\n'
}
