/** Tracepoint text (include/trace/events/oom.h). */
import { describe, expect, it } from 'vitest'
import { formatTracepoint } from '../../src/kernel/events.ts'

describe('tracepoint text (include/trace/events/oom.h)', () => {
  it('mark_victim extended form keeps the kernel mixed = and : separators', () => {
    expect(
      formatTracepoint({
        type: 'oom:mark_victim',
        timeNs: 0,
        pid: 116,
        extended: {
          comm: 'stress-ng-vm',
          totalVmKb: 10515768,
          anonRssKb: 7980628,
          fileRssKb: 564,
          shmemRssKb: 0,
          uid: 0,
          pgtablesKb: 15676,
          oomScoreAdj: 1000
        }
      })
    ).toBe(
      'pid=116 comm=stress-ng-vm total-vm=10515768kB anon-rss=7980628kB file-rss:564kB shmem-rss:0kB uid=0 pgtables=15676kB oom_score_adj=1000'
    )
    expect(formatTracepoint({ type: 'oom:wake_reaper', timeNs: 0, pid: 5 })).toBe('pid=5')
    expect(formatTracepoint({ type: 'oom.no_victim', timeNs: 0 })).toBeNull()
  })
})
