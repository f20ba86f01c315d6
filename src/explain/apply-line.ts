/**
 * @module Placing one classified line into the event under construction: the header, stack
 * banner, memory blocks (show_mem and memcg), task rows and the closing lines each fill their
 * part of the record (one file per part: apply-*-line.ts).
 */
import { applyHeadLine } from './apply-head-line.ts'
import { applyKillLine } from './apply-kill-line.ts'
import { applyMemoryLine } from './apply-memory-line.ts'
import { applyTaskLine } from './apply-task-line.ts'
import { applyWrappedLine } from './apply-wrapped-line.ts'
import { Stage } from './building.ts'
import type { Building } from './building.ts'
import type { LineInfo } from './classify.ts'
import type { MemLine } from './parse-meminfo.ts'
import type { MemcgLine } from './parse-memcg.ts'

/** Lines that belong to a report but carry nothing the explanation uses. */
const IGNORED = new Set<LineInfo['kind']>(['stack', 'mm-pinned', 'slab'])

/** Apply `info` (of report stage `stage`, input line `line`) to the event being built. */
export function applyLine(b: Building, info: LineInfo, stage: Stage, line: number): void {
  // Memory-stage lines arriving after the table (grep-reordered text) do not move the stage back.
  if (stage > b.stage) b.stage = stage
  if (IGNORED.has(info.kind)) return
  if (applyHeadLine(b, info, line) || applyTaskLine(b, info, line)) return
  if (applyKillLine(b, info, line) || applyWrappedLine(b, info, line)) return
  if (stage === Stage.Memory) applyMemoryLine(b, info as MemLine | MemcgLine, line)
}
