/**
 * @module `explain --follow` without I/O: lines are pushed as they arrive; each OOM report comes
 * out as soon as it is complete: when the next one begins, or when the log has been quiet for a
 * moment after it (the caller calls `idle()`; a kernel prints a whole report within
 * milliseconds). Report numbers and the reaper's MMF_OOM_SKIP marks carry over.
 */
import type { KernelProfile } from '../kernel/profiles.ts'
import { createModelBuilder, emptyModel } from './explain-model.ts'
import type { ExplainModel } from './explain-model.ts'
import { createReportParser } from './parser.ts'

export interface Follower {
  /** One more log line; the models of the reports it completed (usually none). */
  push(line: string): ExplainModel
  /** The log went quiet: finish the report under construction, if any. */
  idle(): ExplainModel
}

export function createFollower(profile?: KernelProfile): Follower {
  // No linger: a report is handed out when it ends; a late reaper line gets a note.
  const parser = createReportParser({ ...(profile ? { profile } : {}), linger: 0 })
  const builder = createModelBuilder(profile)
  let pending = false
  const model = (events: ReturnType<typeof parser.end>): ExplainModel => {
    const m = emptyModel()
    builder.add(events, m)
    return m
  }
  return {
    push(line) {
      pending = true
      return model(parser.push(line))
    },
    idle() {
      if (!pending) return emptyModel()
      pending = false
      return model(parser.end())
    }
  }
}
