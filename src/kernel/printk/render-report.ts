/**
 * @module A whole OOM report as the profile's kernel prints it: dump_header() (invoked line,
 * cpuset line <= 4.20, dump_stack, memcg block or show_mem, dump_tasks, oom-kill summary
 * >= 5.0), then oom_kill_process() (sacrifice line <= 5.0, Killed line, oom.group kills), or
 * the no-victim / panic endings (reference §4.1, §5, §6.2).
 */
import type { OomReportData } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'
import { renderCpusetLine, renderInvokedLine } from './header.ts'
import {
  NO_KILLABLE_LINE,
  renderKilledLine,
  renderNoKillablePanicLine,
  renderOomGroupLine,
  renderPanicOnOomLine,
  renderSacrificeLine,
  renderSummaryLine
} from './kill-lines.ts'
import { renderMemcgInfo } from './memcg-info.ts'
import { renderShowMem, renderUnreclaimableSlab } from './show-mem.ts'
import { renderStack } from './stack.ts'
import { renderTaskTable } from './task-table.ts'

/** dump_header()'s lines, without the summary line. */
export function renderDumpHeader(r: OomReportData, profile: KernelProfile): string[] {
  const out = [renderInvokedLine(r.trigger, profile)]
  if (profile.format.cpusetLine) out.push(renderCpusetLine(r.trigger))
  out.push(...renderStack(r, profile))
  if (r.memcgInfo !== null) out.push(...renderMemcgInfo(r.memcgInfo, profile))
  // 2.6.32 printed show_mem for memcg OOMs too: both blocks print when both are given.
  if (r.showMem !== null) out.push(...renderShowMem(r.showMem, profile))
  if (r.unreclaimableSlab !== undefined && r.unreclaimableSlab.length > 0) {
    out.push(...renderUnreclaimableSlab(r.unreclaimableSlab))
  }
  if (r.tasks !== null) out.push(...renderTaskTable(r.tasks, profile))
  return out
}

/**
 * Every line of one OOM invocation, in print order, without timestamps; multi-line printks
 * (the Mem-Info counters, memory.stat) are split into their dmesg lines.
 */
export function renderOomReport(r: OomReportData, profile: KernelProfile): string[] {
  const out = renderDumpHeader(r, profile)
  const summary = renderSummaryLine(r, profile)
  if (summary !== null) out.push(summary)
  if (r.panic?.reason === 'panicOnOom') {
    out.push(renderPanicOnOomLine(r.panic.value))
    return out
  }
  if (r.sacrifice !== null) {
    const message =
      r.killed?.message ?? (r.oomMemcg !== null ? 'Memory cgroup out of memory' : 'Out of memory')
    const line = renderSacrificeLine(message, r.sacrifice, profile)
    if (line !== null) out.push(line)
  }
  if (r.killed !== null) out.push(renderKilledLine(r.killed, profile))
  if (r.oomGroup !== undefined) {
    out.push(renderOomGroupLine(r.oomGroup.path))
    for (const k of r.oomGroup.kills) out.push(renderKilledLine(k, profile))
  }
  if (r.victim === null && r.killed === null) {
    // out_of_memory(), no victim: >= 4.19 pr_warn first; the panic (global, non-sysrq) follows.
    if (profile.outOfMemory.noKillable === 'warnThenDeadlock' && (r.warnNoKillable ?? true)) {
      out.push(NO_KILLABLE_LINE)
    }
    if (r.panic?.reason === 'noKillable') out.push(renderNoKillablePanicLine(profile))
  }
  return out
}
