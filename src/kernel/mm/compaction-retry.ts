/**
 * @module should_compact_retry() (mm/page_alloc.c, 4.7+): after a failed direct compaction in
 * the slow path's retry loop, whether to loop again at the same or a higher compaction
 * priority, or give up (then the allocator goes on to __alloc_pages_may_oom()). Compaction
 * priorities are enum compact_priority (include/linux/compaction.h): COMPACT_PRIO_SYNC_FULL
 * (0, MIN_COMPACT_PRIORITY), COMPACT_PRIO_SYNC_LIGHT (1, MIN_COMPACT_COSTLY_PRIORITY and
 * DEF_COMPACT_PRIORITY), COMPACT_PRIO_ASYNC (2, INIT_COMPACT_PRIORITY); a lower number is a
 * more thorough run. Profile flag `alloc.compactRetry`.
 */
import type { Zone } from './zone.ts'
import { COSTLY_ORDER } from './zone.ts'
import { nodeAllowed, type Ctx } from './alloc-context.ts'
import { MAX_COMPACT_RETRIES, type CompactResult } from './compaction.ts'
import { zoneReclaimablePages } from './reclaim.ts'
import { zoneWatermarkOk } from './watermark-check.ts'
import { emit } from './world.ts'

/** enum compact_priority, by number. */
export const COMPACT_PRIORITY_NAMES = [
  'COMPACT_PRIO_SYNC_FULL',
  'COMPACT_PRIO_SYNC_LIGHT',
  'COMPACT_PRIO_ASYNC'
] as const

/** DEF_COMPACT_PRIORITY: where __alloc_pages_slowpath() starts its retry loop. */
export const DEF_COMPACT_PRIORITY = 1

/** The retry loop's compaction state: compact_priority and compaction_retries. */
export interface CompactRetryState {
  priority: number
  retries: number
}

/**
 * compaction_zonelist_suitable(), 4.14.177/6.1.20 mm/compaction.c: would reclaim make compaction
 * possible in some zone? __compaction_suitable()'s order-0 watermark (low for costly orders,
 * min otherwise, plus compact_gap() = 2 << order) against free + reclaimable pages.
 */
export function compactionZonelistSuitable(c: Ctx, flags: number): boolean {
  const order = c.req.order
  for (const zi of c.zonelist) {
    const z = c.w.zones[zi] as Zone
    if (!nodeAllowed(c.req.task, z.node, flags, c.g)) continue
    const available = zoneReclaimablePages(c.w, z) + z.free
    const mark = (order > COSTLY_ORDER ? z.wmarkLow : z.wmarkMin) + 2 * 2 ** order
    if (zoneWatermarkOk(z, 0, mark, c.classZone, flags, available)) return true
  }
  return false
}

/**
 * should_compact_retry(), 4.14.177 (the 4.7 rework) and 6.6.9 ("mm: compaction: simplify
 * should_compact_retry()", 6.5; the same outcome for the results modelled here): never for
 * order 0; a success counts a retry and loops while retries <= MAX_COMPACT_RETRIES (a quarter
 * for costly orders); a skipped run loops if reclaim could make compaction suitable; a complete
 * (failed) run, or too many retries, raises the priority (resetting the retries) until the
 * minimum (SYNC_FULL, or SYNC_LIGHT for costly orders), then gives up. Traced as the
 * compact_retry tracepoint (include/trace/events/oom.h) does.
 */
export function shouldCompactRetry(
  c: Ctx,
  flags: number,
  result: CompactResult,
  s: CompactRetryState
): boolean {
  const order = c.req.order
  if (order === 0) return false
  const before = { priority: s.priority, retries: s.retries }
  const maxRetries = order > COSTLY_ORDER ? MAX_COMPACT_RETRIES / 4 : MAX_COMPACT_RETRIES
  let ret = false
  if (result === 'skipped') ret = compactionZonelistSuitable(c, flags)
  else {
    if (result === 'success' && ++s.retries <= maxRetries) ret = true
    else {
      const minPriority = order > COSTLY_ORDER ? 1 : 0
      if (s.priority > minPriority) {
        s.priority--
        s.retries = 0
        ret = true
      }
    }
  }
  emit(c.w, 'compact.retry', {
    order,
    priority: COMPACT_PRIORITY_NAMES[before.priority],
    result,
    retries: before.retries,
    max_retries: maxRetries,
    should_retry: ret
  })
  return ret
}
