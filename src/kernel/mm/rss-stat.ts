/**
 * @module mm_struct's rss counters as the OOM killer reads them: the part of each counter
 * (MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES) not yet in the count get_mm_counter() returns.
 *
 * `Mm.anon/file/shmem` stay the exact counts (they drive charges and reclaim); an mm with an
 * `rssStat` (a scenario gave its pending deltas) also keeps what is pending, per CPU or per
 * task, and every reader the kernel serves with get_mm_counter() / get_mm_rss() (dump_tasks()
 * rows, the Killed and oom-kill lines, oom_badness()) reads `mmCounter()`. An mm without one
 * reads the exact counts, as before.
 *
 * The profile's rule (`alloc.rssCounting`):
 * - 'percpu' (>= 6.2): rss_stat[] are percpu_counters. add_mm_counter() → percpu_counter_add()
 *   → percpu_counter_add_batch() with percpu_counter_batch = max(32, 2 * online CPUs)
 *   (lib/percpu_counter.c compute_batch_value(), 6.18): the CPU's delta plus the amount folds
 *   into the global count once its absolute value reaches the batch, else stays on the CPU.
 *   get_mm_counter() is percpu_counter_read_positive(): the global count, never below 0.
 * - 'splitTask' (SPLIT_RSS_COUNTING, 2.6.34–6.1): faults count into current->rss_stat;
 *   check_sync_rss_stat() (6.1 mm/memory.c), at the start of every fault, syncs every member
 *   into the mm (sync_mm_rss()) once the task's event count, incremented per fault, was above
 *   TASK_RSS_EVENTS_THRESH (64), and restarts the count.
 * - 'exact' (older): the atomic counters themselves.
 */
import type { Mm, RssPending, RssStat } from '../types.ts'

export type { RssPending, RssStat } from '../types.ts'

/** The three rss members of mm->rss_stat the OOM killer reads. */
export type RssMember = 'anon' | 'file' | 'shmem'

/** alloc.rssCounting: how the profile's mm counters lag (see the module comment). */
export type RssCounting = 'exact' | 'splitTask' | 'percpu'

/** TASK_RSS_EVENTS_THRESH (6.1 mm/memory.c). */
export const TASK_RSS_EVENTS_THRESH = 64

/** percpu_counter_batch: max(32, 2 * num_online_cpus()) (compute_batch_value(), 6.18). */
export function percpuCounterBatch(cpus: number): number {
  return Math.max(32, 2 * cpus)
}

/** An empty pending record. */
export function noPending(): RssPending {
  return { anon: 0, file: 0, shmem: 0 }
}

/** A new rss_stat for `mm` with `pending` on slot `slot` (CPU or tid). */
export function initRssStat(
  mm: Mm,
  slot: number,
  pending: { [K in keyof RssPending]?: number | undefined }
): void {
  const p: RssPending = {
    anon: pending.anon ?? 0,
    file: pending.file ?? 0,
    shmem: pending.shmem ?? 0
  }
  mm.rssStat = { pending: new Map([[slot, p]]), events: new Map() }
}

function pendingSum(stat: RssStat, member: RssMember): number {
  let sum = 0
  for (const p of stat.pending.values()) sum += p[member]
  return sum
}

/**
 * get_mm_counter(): the count the OOM killer reads. percpu_counter_read_positive() (>= 6.2) and
 * the atomic count of 2.6.34–6.1 both lag the exact count by what is pending; never below 0.
 */
export function mmCounter(mm: Mm, member: RssMember): number {
  const stat = mm.rssStat
  if (stat === undefined) return mm[member]
  return Math.max(0, mm[member] - pendingSum(stat, member))
}

/** get_mm_rss(): the three members as get_mm_counter() reads them. */
export function mmRssRead(mm: Mm): number {
  if (mm.rssStat === undefined) return mm.anon + mm.file + mm.shmem
  return mmCounter(mm, 'anon') + mmCounter(mm, 'file') + mmCounter(mm, 'shmem')
}

/**
 * percpu_counter_add_batch() applied once per page (a fault maps one page and adds 1, or -1 when
 * `pages` is negative): the CPU's delta grows until its absolute value reaches the batch, then
 * all of it folds into the global count and the CPU's delta is 0 again.
 */
export function foldPerPage(delta: number, pages: number, batch: number): number {
  const sum = delta + pages
  if (sum < batch && sum > -batch) return sum
  if (pages > 0) return (sum - batch) % batch
  const left = (-sum - batch) % batch
  return left === 0 ? 0 : -left
}

/**
 * check_sync_rss_stat() then the fault's own count (6.1 handle_mm_fault(), do_anonymous_page()):
 * per fault of one page, a task whose event count is above TASK_RSS_EVENTS_THRESH syncs every
 * member into the mm first.
 */
function splitTaskFaults(stat: RssStat, tid: number, member: RssMember, pages: number): void {
  const p = slotOf(stat, tid)
  let events = stat.events.get(tid) ?? 0
  for (let i = 0; i < pages; i++) {
    if (events > TASK_RSS_EVENTS_THRESH) {
      p.anon = 0
      p.file = 0
      p.shmem = 0
      events = 0
    } else {
      events++
    }
    p[member] += 1
  }
  stat.events.set(tid, events)
}

function slotOf(stat: RssStat, slot: number): RssPending {
  let p = stat.pending.get(slot)
  if (p === undefined) {
    p = noPending()
    stat.pending.set(slot, p)
  }
  return p
}

/**
 * `pages` faulted one by one into `member` by a task (tid) on `cpu`: what the profile's rule
 * leaves pending. Call it after the exact count changed; a no-op for an mm without rss_stat.
 */
export function rssStatFaulted(
  mm: Mm,
  member: RssMember,
  pages: number,
  where: { rule: RssCounting; cpu: number; cpus: number; tid: number }
): void {
  const stat = mm.rssStat
  if (stat === undefined || pages === 0 || where.rule === 'exact') return
  if (where.rule === 'splitTask') {
    if (pages > 0) splitTaskFaults(stat, where.tid, member, pages)
    return
  }
  const p = slotOf(stat, where.cpu)
  p[member] = foldPerPage(p[member], pages, percpuCounterBatch(where.cpus))
}
