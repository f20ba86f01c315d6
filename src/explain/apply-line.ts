/**
 * @module Placing one classified line into the event under construction: the header, stack
 * banner, memory blocks (show_mem and memcg), task rows and the closing lines each fill their
 * part of the record.
 */
import { emptyMemcg, Stage, warn } from './building.ts'
import type { Building } from './building.ts'
import type { LineInfo } from './classify.ts'
import { applyMemLine } from './parse-meminfo.ts'
import type { MemLine } from './parse-meminfo.ts'
import type { MemcgLine } from './parse-memcg.ts'
import { guessLayout, LAYOUT_COLUMNS, rowFromRaw } from './parse-tasks.ts'
import type { ReaperOutcome, TableLayout } from './types.ts'

/** An oom_reaper line ("reaped" or "unable to reap") as the event's reaper record. */
export function reaperOutcome(
  info: Extract<LineInfo, { kind: 'reaped' | 'unable-to-reap' }>,
  line: number
): ReaperOutcome {
  return {
    outcome: info.kind === 'reaped' ? 'reaped' : 'unable',
    pid: info.pid,
    comm: info.comm,
    anonRssKb: info.kind === 'reaped' ? info.anonRssKb : null,
    fileRssKb: info.kind === 'reaped' ? info.fileRssKb : null,
    shmemRssKb: info.kind === 'reaped' ? info.shmemRssKb : null,
    line
  }
}

/** Apply `info` (of report stage `stage`, input line `line`) to the event being built. */
export function applyLine(b: Building, info: LineInfo, stage: Stage, line: number): void {
  const e = b.event
  // Memory-stage lines arriving after the table (grep-reordered text) do not move the stage back.
  if (stage > b.stage) b.stage = stage
  switch (info.kind) {
    case 'header': {
      const h = info.header
      b.headerSeen = true
      e.trigger = {
        comm: h.comm,
        pid: null,
        uid: null,
        gfpMask: h.gfpMask,
        gfpNames: h.gfpNames,
        order: h.order,
        oomScoreAdj: h.oomScoreAdj,
        oomAdj: h.oomAdj,
        nodemask: h.nodemask,
        cpuset: null,
        memsAllowed: null
      }
      if (h.truncated)
        warn(b, 'header-truncated', line, 'the "invoked oom-killer" line is cut short')
      return
    }
    case 'alloc-failure':
      e.kind = 'allocation-failure'
      b.headerSeen = true
      e.allocationFailure = { comm: info.comm, order: info.order, gfpMask: info.gfpMask }
      return
    case 'cpuset':
      if (e.trigger) {
        e.trigger.cpuset = info.cpuset
        e.trigger.memsAllowed = info.mems
      }
      return
    case 'banner':
      if (e.kernelRelease === null && info.banner.release !== null)
        e.kernelRelease = info.banner.release
      if (e.cpu === null) e.cpu = info.banner.cpu
      if (e.trigger) {
        if (e.trigger.pid === null) e.trigger.pid = info.banner.pid
        if (e.trigger.uid === null) e.trigger.uid = info.banner.uid
      }
      return
    case 'hardware':
      e.hardware = info.name
      return
    case 'stack':
      return
    case 'tasks-state':
      b.section = 'tasks'
      b.tasksStateSeen = true
      return
    case 'table-header':
      if (b.tableHeaderSeen && e.tasks && e.tasks.length > 0)
        warn(b, 'table-repeated', line, 'a second task table header inside one report')
      b.tableHeaderSeen = true
      b.section = 'tasks'
      e.tableLayout = info.header.layout
      e.tasks ??= []
      return
    case 'row': {
      b.section = 'tasks'
      let layout: TableLayout | null = e.tableLayout
      if (layout === null) {
        layout = guessLayout(info.row, null)
        if (layout !== null) {
          e.tableLayout = layout
          warn(
            b,
            'table-header-missing',
            line,
            `task rows without their header; guessed the ${layout} layout`
          )
        }
      }
      if (layout === null) {
        warn(b, 'row-unparsed', line, 'a task row with an unknown column layout')
        return
      }
      const cols = LAYOUT_COLUMNS[layout]
      if (info.row.numbers.length < cols.length)
        warn(
          b,
          'row-truncated',
          line,
          `task row ${info.row.pid} has ${info.row.numbers.length} of ${cols.length} columns`
        )
      e.tasks ??= []
      e.tasks.push(rowFromRaw(info.row, cols))
      return
    }
    case 'summary':
      b.tableClosed = true
      e.summary = info.summary
      if (info.summary.truncated)
        warn(b, 'summary-truncated', line, 'the oom-kill summary line is cut short')
      return
    case 'sacrifice':
      b.tableClosed = true
      e.sacrifice = { message: info.message, pid: info.pid, comm: info.comm, score: info.score }
      return
    case 'killed': {
      b.tableClosed = true
      if (e.killedLines.some(k => k.pid === info.killed.pid)) {
        // oom_kill_process(), >= 4.19: with memory.oom.group the group walk kills the chosen
        // victim a second time, so its Killed line is printed twice; only warn otherwise.
        if (e.oomGroup === null)
          warn(
            b,
            'duplicate-killed',
            line,
            `the Killed line for pid ${info.killed.pid} is repeated`
          )
      } else e.killedLines.push({ ...info.killed, uidForm: info.uidForm })
      if (info.killed.totalVmKb === undefined || info.killed.anonRssKb === undefined)
        warn(b, 'killed-truncated', line, 'the Killed line is cut short')
      return
    }
    case 'truncated-kill':
      b.tableClosed = true
      warn(b, 'kill-line-cut', line, `the kill line is cut short: "${info.text}"`)
      return
    case 'no-killable':
      b.tableClosed = true
      e.noKillable = true
      return
    case 'already-exiting':
      e.alreadyExiting = { pid: info.pid, comm: info.comm }
      return
    case 'sharing':
      e.sharers.push({ pid: info.pid, comm: info.comm })
      return
    case 'summary-tail': {
      const sm = e.summary
      if (sm) {
        const t = info.summary
        sm.task ??= t.task
        sm.pid ??= t.pid
        sm.uid ??= t.uid
        sm.taskMemcg ??= t.taskMemcg
        sm.truncated = sm.uid === null
        if (!sm.truncated) e.warnings = e.warnings.filter(w => w.code !== 'summary-truncated')
        warn(b, 'line-wrapped', line, 'the summary line was wrapped onto the next line; joined')
      }
      return
    }
    case 'kill-tail': {
      // The second half of a wrapped kill line.
      if (info.score !== null && e.sacrifice && e.sacrifice.score === null)
        e.sacrifice.score = info.score
      const k = e.killedLines[e.killedLines.length - 1]
      if (k && info.score === null) {
        Object.assign(k, info.fields, { message: k.message })
        e.warnings = e.warnings.filter(w => w.code !== 'killed-truncated')
      }
      warn(b, 'line-wrapped', line, 'a kill line was wrapped onto the next line; joined')
      return
    }
    case 'oom-group':
      e.oomGroup = info.memcg
      return
    case 'reaped':
    case 'unable-to-reap':
      e.reaper.push(reaperOutcome(info, line))
      return
    case 'panic':
      e.panic ??= info.text
      b.tableClosed = true
      // <= 4.18 panics with "Out of memory and no killable processes...".
      if (info.text.includes('no killable processes')) e.noKillable = true
      return
    case 'mm-pinned':
    case 'slab':
      return
    default:
      if (stage === Stage.Memory) applyMemory(b, info as MemLine | MemcgLine, line)
  }
}

/** The memory-block lines (show_mem or the memcg block). */
function applyMemory(b: Building, info: MemLine | MemcgLine, line: number): void {
  const e = b.event
  switch (info.kind) {
    case 'memcg-task-in':
      b.section = 'memcg'
      e.memcgInfo = { ...emptyMemcg(info.oomMemcg), taskMemcg: info.taskMemcg }
      return
    case 'memcg-limit-reached':
      b.section = 'memcg'
      e.memcgInfo = emptyMemcg(info.oomMemcg)
      return
    case 'memcg-counter': {
      b.section = 'memcg'
      e.memcgInfo ??= emptyMemcg('')
      const c = { usageKb: info.usageKb, limitKb: info.limitKb, failcnt: info.failcnt }
      if (info.which === 'memory') e.memcgInfo.memory = c
      else if (info.which === 'memsw') e.memcgInfo.memsw = c
      else if (info.which === 'kmem') e.memcgInfo.kmem = c
      else if (info.which === 'swap') e.memcgInfo.swap = c
      return
    }
    case 'memcg-draft': {
      b.section = 'memcg-draft'
      e.memcgInfo ??= emptyMemcg('')
      const kb = Math.floor(info.bytes / 1024)
      const limitKb = info.maxBytes === null ? 0 : Math.floor(info.maxBytes / 1024)
      if (info.which === 'memory') {
        e.memcgInfo.memory = { usageKb: kb, limitKb, failcnt: 0 }
        e.memcgInfo.stats.push({ path: e.memcgInfo.oomMemcg, entries: [] })
      } else e.memcgInfo.swap = { usageKb: kb, limitKb, failcnt: 0 }
      return
    }
    case 'memcg-stats-for':
      b.section = 'memcg-stats'
      e.memcgInfo ??= emptyMemcg(info.path)
      if (e.memcgInfo.oomMemcg === '') e.memcgInfo.oomMemcg = info.path
      e.memcgInfo.stats.push({ path: info.path, entries: info.entries })
      return
    case 'memcg-protection':
      return
    case 'mem-start':
      b.section = 'meminfo'
      e.showMem ??= {}
      return
    default:
      if (info.kind === 'mem-buddy' && info.totalKb !== null && info.sumKb !== info.totalKb)
        warn(
          b,
          'garbled-line',
          line,
          `the ${info.zone} free-list line does not add up to its total (damaged text?)`
        )
      if (info.kind.startsWith('mem-')) {
        e.showMem ??= {}
        if (b.section !== 'memcg-stats') b.section = 'meminfo'
        applyMemLine(e.showMem, info)
      }
  }
}
