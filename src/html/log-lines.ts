/**
 * @module Classify kernel log lines for highlighting on the page: the trigger line, the
 * oom-kill summary, the kill line, the reaper lines and panics.
 */
import type { LogLine } from './page-model.ts'

/** Which highlight a kernel log line gets, if any. */
export function markOf(text: string): LogLine['mark'] {
  if (/invoked oom-killer:|page allocation failure:/.test(text)) return 'invoked'
  if (/Killed process \d+|Memory cgroup out of memory: Kill|Out of memory: Kill/.test(text))
    return 'killed'
  if (/oom_reaper:|oom reaper/.test(text)) return 'reaper'
  if (/Kernel panic|panic - not syncing/.test(text)) return 'panic'
  if (/oom-kill:constraint=|Task in .* killed as a result of limit/.test(text)) return 'summary'
  return null
}

/** Turn plain lines into marked log lines. */
export function toLogLines(lines: readonly string[]): LogLine[] {
  return lines.map(text => ({ text, mark: markOf(text) }))
}
