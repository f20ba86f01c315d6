import { describe, expect, it } from 'vitest'
import { rssPending } from '../../src/host/host-state.ts'
import { processSpec } from '../../src/host/snapshot-process.ts'
import type { ProcessSample } from '../../src/host/scan.ts'

// seed 900002's pr2_0 on 6.18: status 5311 anon + 518 file pages, stat's rss 5778 (the kernel
// printed 5280 + 498: 31 anon and 20 file pages pending on the hog's CPU).
const sample = {
  pid: 4242,
  comm: 'pr2_0',
  ppid: 1,
  uid: 0,
  capSysAdmin: false,
  capSysResource: false,
  kthread: false,
  hasMm: true,
  vforkParent: null,
  oomScoreAdj: 0,
  memcg: '/',
  threads: 1,
  rssAnonKb: 5311 * 4,
  rssFileKb: 518 * 4,
  rssShmemKb: 0,
  vmSwapKb: 0,
  vmSizeKb: 7000 * 4,
  vmPteKb: 60,
  mmRssPages: 5778
} as unknown as ProcessSample

describe('snapshot: what the OOM killer reads behind /proc/PID/status', () => {
  it('rssPending is status less the counters scores reads (stat rss, lag from anon first)', () => {
    expect(rssPending(sample)).toEqual({ anon: 51, file: 0, shmem: 0 })
    expect(rssPending({ ...sample, mmRssPages: 5829 })).toBeNull()
  })

  it('6.16+ (exact status): the exact split and rssPending; before: the counters as read', () => {
    const exact = processSpec(sample, new Set([1]), '/', undefined, true)
    expect(exact.rss).toEqual({ anon: 5311, file: 518, shmem: 0 })
    expect(exact.rssPending).toEqual({ anon: 51, file: 0, shmem: 0 })
    const read = processSpec(sample, new Set([1]), '/')
    expect(read.rss).toEqual({ anon: 5260, file: 518, shmem: 0 })
    expect(read.rssPending).toBeUndefined()
  })
})
