/**
 * @module What the engine printed, as data (`LineItem`), and its conversion to printk records
 * through the printer (src/kernel/printk). The engine decides *which* lines and in what order;
 * the printer decides their text per profile.
 *
 * Levels follow the kernel's printk calls: pr_err (3) for the kill lines, pr_warn (4) for the
 * "invoked oom-killer" line, the no-killable warning and "callbacks suppressed", KERN_EMERG (0)
 * for panic, pr_info (6) otherwise (dump_stack/show_mem lines are approximated as 6).
 */
import type { PrintkRecord } from './oom-control.ts'
import type { KilledInfo, OomReportData } from './oom-report.ts'
import {
  NO_KILLABLE_LINE,
  renderAlreadyExitingLine,
  renderKilledLine,
  renderNoKillablePanicLine,
  renderOomGroupLine,
  renderPanicOnOomLine,
  renderPinnedLine,
  renderSacrificeLine,
  renderSharingLine,
  renderSummaryLine,
  SYSRQ_IGNORED_LINE
} from './printk/kill-lines.ts'
import { renderReapedLine, renderUnableToReapLine } from './printk/reaper-lines.ts'
import type { ReapedInfo } from './printk/reaper-lines.ts'
import { renderDumpHeader } from './printk/render-report.ts'
import type { KernelProfile } from './profiles.ts'

/** One thing printed, in order. */
export type LineItem =
  /** "oom_kill_process: %d callbacks suppressed" (__ratelimit, KERN_WARNING). */
  | { kind: 'suppressed'; count: number }
  /** dump_header() (+ the summary line when the report has a victim, >= 5.0). */
  | { kind: 'dump-header'; report: OomReportData }
  | { kind: 'sacrifice'; message: string; pid: number; comm: string; score: number }
  | { kind: 'killed'; info: KilledInfo }
  | { kind: 'already-exiting'; message: string; pid: number; comm: string }
  | { kind: 'sharing'; pid: number; comm: string }
  | { kind: 'pinned'; victim: { pid: number; comm: string }; init: { pid: number; comm: string } }
  | { kind: 'oom-group'; path: string }
  | { kind: 'no-killable' }
  | { kind: 'panic-on-oom'; value: 1 | 2 }
  | { kind: 'panic-no-killable' }
  | { kind: 'sysrq-ignored' }
  | { kind: 'reaped'; info: ReapedInfo }
  | { kind: 'unable-to-reap'; pid: number; comm: string }

const ERR = 3
const WARN = 4
const INFO = 6

/** Render line items to printk records stamped `timeNs`. */
export function renderLineItems(
  items: readonly LineItem[],
  profile: KernelProfile,
  timeNs: number
): PrintkRecord[] {
  const out: PrintkRecord[] = []
  const push = (level: number, text: string | null): void => {
    if (text !== null) out.push({ timeNs, level, text })
  }
  for (const it of items) {
    switch (it.kind) {
      case 'suppressed':
        push(WARN, `oom_kill_process: ${it.count} callbacks suppressed`)
        break
      case 'dump-header': {
        const lines = renderDumpHeader(it.report, profile)
        lines.forEach((l, i) => push(i === 0 ? WARN : INFO, l))
        if (it.report.victim !== null) push(INFO, renderSummaryLine(it.report, profile))
        break
      }
      case 'sacrifice':
        push(ERR, renderSacrificeLine(it.message, it, profile))
        break
      case 'killed':
        push(ERR, renderKilledLine(it.info, profile))
        break
      case 'already-exiting':
        push(INFO, renderAlreadyExitingLine(it.message, it.pid, it.comm))
        break
      case 'sharing':
        push(ERR, renderSharingLine(it.pid, it.comm))
        break
      case 'pinned':
        push(INFO, renderPinnedLine(it.victim, it.init))
        break
      case 'oom-group':
        push(INFO, renderOomGroupLine(it.path))
        break
      case 'no-killable':
        push(WARN, NO_KILLABLE_LINE)
        break
      case 'panic-on-oom':
        push(0, renderPanicOnOomLine(it.value))
        break
      case 'panic-no-killable':
        push(0, renderNoKillablePanicLine(profile))
        break
      case 'sysrq-ignored':
        push(INFO, SYSRQ_IGNORED_LINE)
        break
      case 'reaped':
        push(INFO, renderReapedLine(it.info))
        break
      case 'unable-to-reap':
        push(INFO, renderUnableToReapLine(it.pid, it.comm))
        break
    }
  }
  return out
}
