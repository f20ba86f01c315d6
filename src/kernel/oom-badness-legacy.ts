/**
 * @module badness() of kernels before the 2.6.36 rewrite (mm/oom_kill.c, 2.6.24–2.6.35; read in
 * 2.6.26): a score in pages of virtual memory, not of resident memory, bent by how long the task
 * ran, its nice value, its capabilities, its cpuset and `oom_adj` applied as a shift. Pure: every
 * input is handed in, so a caller that lacks one (a report prints only total_vm and oom_adj) can
 * say which.
 */

/** OOM_DISABLE: oom_adj -17 exempts a task (select_bad_process() skips it). */
export const OOM_DISABLE = -17

/** ULONG_MAX as a JS number: the score of a task running swapoff. */
export const LEGACY_ULONG_MAX = 2 ** 64 - 1

/** Everything badness() reads of one task (pages unless named otherwise). */
export interface LegacyBadnessInput {
  /** mm->total_vm of the task. */
  totalVm: number
  /** total_vm of each child that has an mm of its own (children sharing the mm are skipped). */
  childrenTotalVm: readonly number[]
  /** utime + stime in jiffies. */
  cpuJiffies: number
  /** SHIFT_HZ of the kernel's HZ (7 for HZ=100, 8 for 250/300, 10 for 1000). */
  shiftHz: number
  /** Seconds since the task started (uptime - start_time). */
  runSeconds: number
  /** task_nice(): a positive value doubles the score. */
  nice: number
  /** CAP_SYS_ADMIN or CAP_SYS_RESOURCE: the score is divided by 4. */
  capSysAdminOrResource: boolean
  /** CAP_SYS_RAWIO: divided by 4 again. */
  capSysRawio: boolean
  /** The task's cpuset shares a memory node with the allocating task's; if not, divided by 8. */
  cpusetIntersects: boolean
  /** oomkilladj / oom_adj, -16..15: shifts the score left (positive) or right (negative). */
  oomAdj: number
  /** PF_SWAPOFF: the task is running swapoff and scores ULONG_MAX. */
  swapoff: boolean
}

/** int_sqrt(): the integer square root, rounded down. */
function intSqrt(x: number): number {
  return Math.floor(Math.sqrt(x))
}

/** badness(), 2.6.26: the task's points (0 for no mm is the caller's concern). */
export function legacyBadness(t: LegacyBadnessInput): number {
  if (t.swapoff) return LEGACY_ULONG_MAX
  // Half of each child's own total_vm, plus one, added to the parent.
  let points = t.totalVm
  for (const vm of t.childrenTotalVm) points += Math.floor(vm / 2) + 1
  // CPU time in units of about 8 s, run time in units of 1024 s; divide by their roots.
  const cpuTime = Math.floor(t.cpuJiffies / 2 ** (t.shiftHz + 3))
  const runTime = Math.floor(Math.max(0, t.runSeconds) / 1024)
  const s1 = intSqrt(cpuTime)
  if (s1 > 0) points = Math.floor(points / s1)
  const s2 = intSqrt(intSqrt(runTime))
  if (s2 > 0) points = Math.floor(points / s2)
  if (t.nice > 0) points *= 2
  if (t.capSysAdminOrResource) points = Math.floor(points / 4)
  if (t.capSysRawio) points = Math.floor(points / 4)
  if (!t.cpusetIntersects) points = Math.floor(points / 8)
  return shiftByOomAdj(points, t.oomAdj)
}

/** The oomkilladj step of badness(): a left shift (from at least 1) or a right shift. */
export function shiftByOomAdj(points: number, oomAdj: number): number {
  if (oomAdj > 0) return Math.max(points, 1) * 2 ** oomAdj
  if (oomAdj < 0) return Math.floor(points / 2 ** -oomAdj)
  return points
}

/**
 * The inputs of badness() that a pre-2.6.36 OOM report never prints (its task table has pid, uid,
 * tgid, total_vm, rss, cpu and oom_adj only), in the words a user reads.
 */
export const LEGACY_UNPRINTED_INPUTS: readonly string[] = [
  "each task's children (half their total_vm is added)",
  'CPU time',
  'run time',
  'nice',
  'CAP_SYS_ADMIN/CAP_SYS_RESOURCE/CAP_SYS_RAWIO',
  'cpuset overlap'
]
