/**
 * @module A process's `rssPending`: what its mm's rss counters hold that get_mm_counter() does
 * not see yet (src/kernel/mm/rss-stat.ts), as `oomkit snapshot` measured it.
 */
import { z } from 'zod'

const Pages = z.number().int().min(-1_000_000).max(1_000_000)

/**
 * Pending pages per rss member (may be negative), on the CPU the process runs on (the
 * allocating CPU; 2.6.34–6.1: in the task). The `rss`/`vmas` counts are the exact ones; dump_tasks
 * rows, the Killed line and oom_badness() read each member less its pending, and the process's
 * own faults then pend and fold by the profile's rule (alloc.rssCounting). Without it the
 * counts read exact.
 */
export const RssPendingSpec = z
  .strictObject({
    anon: Pages.optional(),
    file: Pages.optional(),
    shmem: Pages.optional()
  })
  .describe(
    "Pages of each rss counter not yet in the count the OOM killer reads (get_mm_counter()): per-CPU deltas (>= 6.2) or the task's cached ones (2.6.34–6.1), on the process's CPU; its faults then follow the profile's fold rule"
  )
