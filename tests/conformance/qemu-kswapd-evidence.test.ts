/**
 * When the guest's evidence decides a global report's `all_unreclaimable?`
 * (conformance/qemu/kswapd-evidence.ts): show_free_areas() prints yes once kswapd_failures
 * reaches MAX_RECLAIM_RETRIES, and balance_pgdat() (6.1 mm/vmscan.c) adds one per failing pass.
 * The case script's `@@kswapd-wakes` line (vmscan:mm_vmscan_kswapd_wake stamps, dmesg clock) and
 * `@@node-unreclaimable` are read by collectRun; the report's stamp is its first line's.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateGuestCase } from '../../conformance/qemu/guest-cases.ts'
import { collectRun } from '../../conformance/qemu/guest-run.ts'
import {
  kswapdEvidence,
  kswapdNote,
  reportStartUsec,
  slabReset,
  unreclaimableCompared,
  unreclaimableDecided
} from '../../conformance/qemu/kswapd-evidence.ts'
import { compareMemInfo } from '../../conformance/qemu/meminfo-compare.ts'

const LOG = readFileSync(
  join(import.meta.dirname, '..', 'fixtures', 'qemu', 'exit-race-seed52.log'),
  'utf8'
)
  .split('\n')
  .filter(l => l !== '')

/** A run of a global case whose report starts at 653.371742 and kswapd woke at `wakes`. */
function runWith(
  wakes: string,
  after: string,
  progress = '',
  sleeps = ''
): ReturnType<typeof collectRun> {
  return collectRun(generateGuestCase(2), '6.1.0-50-cloud-amd64', [
    `@@kswapd-wakes ${wakes}`,
    `@@reclaim-progress ${progress}`,
    `@@kswapd-sleeps ${sleeps}`,
    '@@vmstat-end pgsteal_kswapd 0 pgsteal_direct 10 pageoutrun 40 slabs_scanned 900',
    `@@node-unreclaimable ${after}`,
    '@@dmesg-begin',
    ...LOG,
    '@@dmesg-end'
  ])
}

const stamps = (n: number, from: number): string =>
  Array.from({ length: n }, (_, i) => `653.${String(from + i * 1000).padStart(6, '0')}`).join(' ')

describe('kswapd evidence for all_unreclaimable? (balance_pgdat(), show_free_areas(), 6.1)', () => {
  it('reads the trace line and the report stamp', () => {
    const run = runWith('653.100000 653.371741 653.371743 ', '1')
    expect(run.kswapdWakesUsec).toEqual([653100000, 653371741, 653371743])
    expect(run.nodeUnreclaimableAfter).toBe(true)
    expect(reportStartUsec(run.kills[0]!)).toBe(653371742)
    expect(kswapdEvidence(run, false, { pgsteal_direct: 10, slabs_scanned: 100 })).toEqual({
      hopelessAtSnapshot: false,
      reset: null,
      passesStarted: 2,
      passesEnded: 1,
      hopelessAfter: true,
      vmstatDelta: { pgsteal_kswapd: 0, pgsteal_direct: 0, pageoutrun: 40, slabs_scanned: 800 }
    })
  })

  it('decided by 16 passes ended before the report, or a node hopeless at the snapshot', () => {
    // 16 started, the last one still running at the report (no later wake, no sleep before it).
    const running = kswapdEvidence(runWith(stamps(16, 1000), '1'), false)
    expect(running).toMatchObject({ passesStarted: 16, passesEnded: 15 })
    expect(unreclaimableDecided(running)).toBe(false)
    // The same, kswapd asleep before the report (kswapd_try_to_sleep()): all 16 ended.
    const slept = kswapdEvidence(runWith(stamps(16, 1000), '1', '', '653.300000'), false)
    expect(slept).toMatchObject({ passesStarted: 16, passesEnded: 16 })
    expect(unreclaimableDecided(slept)).toBe(true)
    expect(unreclaimableDecided(kswapdEvidence(runWith('', '1'), true))).toBe(true)
    // A hopeless node's kswapd woke without visible progress: not decided.
    expect(unreclaimableDecided(kswapdEvidence(runWith('653.100000', '1'), true))).toBe(false)
    // No trace (a panic case, no tracefs): not decided unless hopeless at the snapshot.
    const untraced = kswapdEvidence(
      collectRun(generateGuestCase(2), '6.1.0-50-cloud-amd64', []),
      false
    )
    expect(untraced.passesStarted).toBeNull()
    expect(unreclaimableDecided(untraced)).toBe(false)
  })

  it('decided by direct reclaim progress: the passes are counted from the reset (shrink_node())', () => {
    const run = runWith(
      `653.100000 ${stamps(3, 200000)} 653.400000`,
      '0',
      '653.150000:3 653.190000:1 653.380000:7'
    )
    expect(run.reclaimProgress).toEqual([
      { usec: 653150000, pages: 3 },
      { usec: 653190000, pages: 1 },
      { usec: 653380000, pages: 7 }
    ])
    const e = kswapdEvidence(run, true, { pgsteal_direct: 3 })
    expect(e).toMatchObject({
      reset: { usec: 653190000, pages: 1 },
      passesStarted: 3,
      passesEnded: 2
    })
    expect(unreclaimableDecided(e)).toBe(true)
    expect(kswapdNote(e, 'no', 'yes')).toBe(
      'all_unreclaimable? kernel no, ours yes: decided by the evidence (node_unreclaimable 1 at ' +
        'the snapshot, 0 at the end; direct reclaim reclaimed 1 page(s) at 653.190000 ' +
        '(kswapd_failures reset); then kswapd started 3 balance_pgdat() pass(es) before the ' +
        'report, 2 ended; 16 failing ones make a node hopeless; over the case pgsteal_kswapd +0, ' +
        'pgsteal_direct +7, pageoutrun +40, slabs_scanned +900)'
    )
  })

  it('a reset by freed slab (pgsteal_direct unmoved over the case) is counted, not compared', () => {
    const run = runWith('653.200000', '1', '653.100000:1')
    const slab = kswapdEvidence(run, true, { pgsteal_direct: 10 })
    expect(unreclaimableDecided(slab)).toBe(true)
    expect(slabReset(slab)).toBe(true)
    expect(unreclaimableCompared(slab)).toBe(false)
    expect(kswapdNote(slab, 'no', 'yes')).toMatch(
      /decided by the evidence .*: the reset was freed slab \(shrink_slab\(\), not modelled\): counted only$/
    )
    const lru = kswapdEvidence(run, true, { pgsteal_direct: 4 })
    expect(slabReset(lru)).toBe(false)
    expect(unreclaimableCompared(lru)).toBe(true)
  })

  it('compares exactly when decided, counts otherwise, and the note gives the evidence', () => {
    const kernel = ['Mem-Info:', 'Node 0 active_anon:4kB all_unreclaimable? no']
    const ours = ['Mem-Info:', 'Node 0 active_anon:4kB all_unreclaimable? yes']
    const field = (decided: boolean): unknown =>
      compareMemInfo(kernel, ours, decided).find(v => v.field === 'node.all_unreclaimable')
    expect(field(true)).toMatchObject({ rule: 'exact', agreed: false })
    expect(field(false)).toMatchObject({ rule: 'info', agreed: false })
    const e = kswapdEvidence(runWith(stamps(9, 1000), '1'), false)
    expect(kswapdNote({ ...e, vmstatDelta: {} }, 'no', 'yes')).toBe(
      'all_unreclaimable? kernel no, ours yes: not decided by the evidence (node_unreclaimable 0 ' +
        'at the snapshot, 1 at the end; no direct reclaim progress before the report; then ' +
        'kswapd started 9 balance_pgdat() pass(es) before the report, 8 ended; 16 failing ones ' +
        'make a node hopeless): counted only'
    )
  })
})
