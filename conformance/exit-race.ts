/**
 * @module A kill the kernel made before the previous victim's memory came back (6.1 in the
 * QEMU guest; 6.18 on this host, seen under load).
 *
 * exit_mmap() (6.1 mm/mmap.c; the same order in 6.18) unmaps every VMA into a full-mm mmu_gather, sets MMF_OOM_SKIP,
 * and only then frees the gathered pages in tlb_finish_mmu() → tlb_batch_pages_flush(), 512
 * pages at a time with cond_resched() in between. MMF_OOM_SKIP makes oom_evaluate_task() pass
 * over the victim instead of aborting the selection (6.1 mm/oom_kill.c), so on the guest's one
 * CPU the grower, retrying its allocation or charge while the victim sits in that window, can
 * OOM again and have another task killed with the victim's pages still counted. Whether that
 * happens is a matter of scheduling (the same case agrees in one run and not in the next); the
 * simulator frees a victim's memory when it exits and cannot reproduce it.
 *
 * Evidence the kernel's reports give: between report j−1 and report j the grower grew by less
 * than the anon memory victim j−1 held, so the OOM at j came while that memory was not back.
 */
import type { KernelKill } from './kernel-report.ts'

/** What the rule reads of a case run (host or guest). */
export interface RaceRun {
  kills: readonly KernelKill[]
  roles: ReadonlyMap<number, { hog: number; role?: string }>
  growerPid: number
}

/** Slack for what else changed between the reports (page tables, slab, per-CPU lists). */
export const RACE_SLACK_PAGES = 256

/** The grower's rss (pages) in a report's task table, or null when it is not listed. */
function growerRss(kill: KernelKill, growerPid: number): number | null {
  return kill.tasks?.find(t => t.pid === growerPid)?.rss ?? null
}

/** Kill `j` (0-based, >= 1) came before victim j−1's memory was back (see the module). */
export function killBeforeMemoryBack(
  kills: readonly KernelKill[],
  j: number,
  growerPid: number
): boolean {
  const prev = kills[j - 1]
  const cur = kills[j]
  if (prev === undefined || cur === undefined || prev.killed.pid === growerPid) return false
  const before = growerRss(prev, growerPid)
  const after = growerRss(cur, growerPid)
  if (before === null || after === null) return false
  const victimAnon = Math.floor(prev.killed.anonRssKb / 4)
  return after - before + RACE_SLACK_PAGES < victimAnon
}

/** The line the summary prints for such a kill: both reports' grower rows and Killed lines. */
export function raceNote(kills: readonly KernelKill[], j: number, growerPid: number): string {
  const prev = kills[j - 1]!
  const cur = kills[j]!
  return (
    `kill ${j + 1} came before victim ${prev.killed.pid}'s memory was back (exit_mmap() sets ` +
    `MMF_OOM_SKIP before tlb_finish_mmu() frees the pages): grower rss ${growerRss(prev, growerPid)} → ` +
    `${growerRss(cur, growerPid)} pages, victim anon-rss ${prev.killed.anonRssKb} kB; kernel: ` +
    `${cur.killedText}`
  )
}

/**
 * Kill j−1's victim shares memory (fork COW pages) with a hog process that was still alive (not
 * an earlier victim): killing it frees less than its rss says. A process that shares the
 * victim's whole mm (a CLONE_VM child, a vfork child parked before exec) does not count: 6.18
 * __oom_kill_process() SIGKILLs every process sharing the victim's mm (process_shares_mm()), so
 * the mm and its pages go when they all exit, as the simulator frees them.
 */
function sharesMemory(run: RaceRun, j: number): boolean {
  const pid = run.kills[j - 1]!.killed.pid
  const victim = run.roles.get(pid)
  const dead = new Set(run.kills.slice(0, j).map(k => k.killed.pid))
  const sameMm = (r: { role?: string }): boolean =>
    r.role === 'vfork' ||
    r.role === 'clone-vm' ||
    (r.role === 'parent' && (victim?.role === 'clone-vm' || victim?.role === 'vfork'))
  return [...run.roles].some(
    ([p, r]) => victim !== undefined && r.hog === victim.hog && !dead.has(p) && !sameMm(r)
  )
}

/**
 * Kills the simulator cannot be asked to make: from kill `agreed` on, when the kernel made it
 * before the previous victim's memory was back. Not for a victim whose memory is shared.
 */
export function raceExplained(run: RaceRun, agreed: number, extra: boolean): number {
  const kills = run.kills.length
  if (extra || agreed < 1 || agreed >= kills) return 0
  if (sharesMemory(run, agreed) || !killBeforeMemoryBack(run.kills, agreed, run.growerPid)) return 0
  return kills - agreed
}
