/**
 * @module The lines oom_kill_process / __oom_kill_process / out_of_memory print around a kill:
 * the oom-kill summary line (>= 5.0), "Kill process ... or sacrifice child" (<= 5.0),
 * "Killed process" in every form, the sharer / pinned-mm / oom.group lines, and the
 * no-victim, panic and sysrq messages (reference §4.1, §5).
 */
import type { KilledInfo, OomReportData } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'
import { bitmapList, nodemaskText, short, u32 } from './printf.ts'

/**
 * dump_oom_summary() (>= 5.0): `oom-kill:constraint=%s,nodemask=%*pbl,cpuset=%s,
 * mems_allowed=%*pbl` + `,oom_memcg=%s` or `,global_oom` + `,task_memcg=%s,task=%s,pid=%d,
 * uid=%d`, one line built with pr_cont. Null when the profile has no summary line or there is
 * no victim (dump_header only prints it for a chosen task).
 */
export function renderSummaryLine(r: OomReportData, profile: KernelProfile): string | null {
  if (!profile.format.summaryLine || r.victim === null) return null
  const v = r.victim
  const scope = r.oomMemcg !== null ? `,oom_memcg=${r.oomMemcg}` : ',global_oom'
  return (
    `oom-kill:constraint=${r.constraint},nodemask=${nodemaskText(r.nodemask)}` +
    `,cpuset=${r.trigger.cpuset},mems_allowed=${bitmapList(r.trigger.memsAllowed)}` +
    `${scope},task_memcg=${v.memcg},task=${v.comm},pid=${v.pid},uid=${v.uid}`
  )
}

/**
 * The "Killed process" line (pr_err), kB values:
 * - rhel6: `Killed process %d, UID %d, (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB`
 * - 3x:    `Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB`
 * - 4.5:   + `, shmem-rss:%lukB`
 * - 5.1:   `%s: ` message prefix
 * - 5.4:   + `, UID:%u pgtables:%lukB oom_score_adj:%hd`
 */
export function renderKilledLine(k: KilledInfo, profile: KernelProfile): string {
  const mem = `total-vm:${k.totalVmKb}kB, anon-rss:${k.anonRssKb}kB, file-rss:${k.fileRssKb}kB`
  const shmem = `, shmem-rss:${k.shmemRssKb}kB`
  switch (profile.format.killed) {
    case 'rhel6':
      return `Killed process ${k.pid}, UID ${k.uid}, (${k.comm}) ${mem}`
    case '3x':
      return `Killed process ${k.pid} (${k.comm}) ${mem}`
    case '4.5':
      return `Killed process ${k.pid} (${k.comm}) ${mem}${shmem}`
    case '5.1':
      return `${k.message}: Killed process ${k.pid} (${k.comm}) ${mem}${shmem}`
    case '5.4':
      return (
        `${k.message}: Killed process ${k.pid} (${k.comm}) ${mem}${shmem}, ` +
        `UID:${u32(k.uid)} pgtables:${k.pgtablesKb}kB oom_score_adj:${short(k.oomScoreAdj)}`
      )
  }
}

/**
 * oom_kill_process() <= 5.0: `%s: Kill process %d (%s) score %u or sacrifice child` (3.x `%d`;
 * the text is the same for the 0..1000 scores it prints). Null when the profile has no such line.
 */
export function renderSacrificeLine(
  message: string,
  s: { pid: number; comm: string; score: number },
  profile: KernelProfile
): string | null {
  if (!profile.kill.sacrificeChild) return null
  // oom_kill_process(): 3.x "score %d", 4.x "score %u".
  const score = profile.kill.sacrificeScoreSigned === true ? Math.trunc(s.score) : u32(s.score)
  return `${message}: Kill process ${s.pid} (${s.comm}) score ${score} or sacrifice child`
}

/** 3.x __oom_kill_process: `Kill process %d (%s) sharing same memory` for each other mm user. */
export function renderSharingLine(pid: number, comm: string): string {
  return `Kill process ${pid} (${comm}) sharing same memory`
}

/** >= 4.15: `oom killer %d (%s) has mm pinned by %d (%s)` (victim, then global init). */
export function renderPinnedLine(
  victim: { pid: number; comm: string },
  init: { pid: number; comm: string }
): string {
  return `oom killer ${victim.pid} (${victim.comm}) has mm pinned by ${init.pid} (${init.comm})`
}

/** memory.oom.group (>= 4.19): `Tasks in %s are going to be killed due to memory.oom.group set`. */
export function renderOomGroupLine(memcgPath: string): string {
  return `Tasks in ${memcgPath} are going to be killed due to memory.oom.group set`
}

/** >= 5.9: `%s: OOM victim %d (%s) is already exiting. Skip killing the task`. */
export function renderAlreadyExitingLine(message: string, pid: number, comm: string): string {
  return `${message}: OOM victim ${pid} (${comm}) is already exiting. Skip killing the task`
}

/** out_of_memory() with no victim (the pr_warn >= 4.19, the panic message <= 4.18). */
export const NO_KILLABLE_LINE = 'Out of memory and no killable processes...'

/** sysrq-f that killed nothing. */
export const SYSRQ_IGNORED_LINE = 'OOM request ignored. No task eligible'

/** pagefault_out_of_memory() >= 5.16 (ratelimited). */
export const PF_RETRY_LINE = 'Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF'

/** panic() prints its message after this prefix (KERN_EMERG). */
export const PANIC_PREFIX = 'Kernel panic - not syncing: '

/**
 * check_panic_on_oom(): `Kernel panic - not syncing: Out of memory: %s panic_on_oom is enabled`
 * with "compulsory" for panic_on_oom=2 and "system-wide" for 1.
 */
export function renderPanicOnOomLine(panicOnOom: 1 | 2): string {
  return `${PANIC_PREFIX}Out of memory: ${panicOnOom === 2 ? 'compulsory' : 'system-wide'} panic_on_oom is enabled`
}

/**
 * The panic when nothing is killable (global, non-sysrq): <= 4.18 `Out of memory and no killable
 * processes...`; >= 4.19 (after the pr_warn of the same text) `System is deadlocked on memory`.
 */
export function renderNoKillablePanicLine(profile: KernelProfile): string {
  return profile.outOfMemory.noKillable === 'panicNoKillable'
    ? `${PANIC_PREFIX}${NO_KILLABLE_LINE}`
    : `${PANIC_PREFIX}System is deadlocked on memory`
}

/**
 * panic()'s closing line, after its own stack dump: `---[ end Kernel panic - not syncing: %s ]---`.
 * `panicLine` is one of the panic lines above (with the prefix).
 */
export function renderPanicEndLine(panicLine: string): string {
  return `---[ end ${panicLine} ]---`
}
