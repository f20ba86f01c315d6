/**
 * Per-CPU vmstat differentials, 6.11 mm/vmstat.c: calculate_normal_threshold(),
 * calculate_pressure_threshold(), refresh_zone_stat_thresholds() (percpu_drift_mark, the node
 * threshold), __mod_zone_page_state(), __inc_zone_state()/__dec_zone_state(),
 * refresh_cpu_vm_stats(), and what they allow between seed 003's printed counters.
 */
import { describe, expect, it } from 'vitest'
import {
  calculateNormalThreshold,
  calculatePressureThreshold,
  foldCpu,
  maxPrintedDrift,
  modStat,
  nodeStatThreshold,
  percpuDriftMark,
  perCpuStat,
  statRead,
  statSnapshot,
  stepStat,
  zoneStatThreshold
} from '../../../src/kernel/mm/vmstat.ts'

/** Seed 003's zones (pages): managed and the min/low/high its Mem-Info prints. */
const DMA = { managedPages: 3840, wmarkMin: 5, wmarkLow: 8, wmarkHigh: 11 }
const DMA32 = { managedPages: 491130, wmarkMin: 682, wmarkLow: 1167, wmarkHigh: 1652 }
const NORMAL = { managedPages: 1534686, wmarkMin: 2157, wmarkLow: 3691, wmarkHigh: 5225 }

describe('stat thresholds (6.11 calculate_normal_threshold(), refresh_zone_stat_thresholds())', () => {
  it('follow the kernel comment table (2 CPUs: 1-2 GB 20, 4-8 GB 28; 4 CPUs 1-2 GB 30)', () => {
    expect(calculateNormalThreshold(DMA32.managedPages, 2)).toBe(20)
    expect(calculateNormalThreshold(NORMAL.managedPages, 2)).toBe(28)
    expect(calculateNormalThreshold(DMA.managedPages, 2)).toBe(4)
    expect(calculateNormalThreshold(393216, 4)).toBe(30)
    expect(calculateNormalThreshold(1 << 30, 64)).toBe(125)
  })

  it('only zones whose largest drift exceeds low-min get a drift mark and the pressure threshold', () => {
    expect(percpuDriftMark(NORMAL, 2)).toBe(0)
    expect(percpuDriftMark(DMA32, 2)).toBe(0)
    expect(percpuDriftMark(DMA, 2)).toBe(11 + 8)
    expect(calculatePressureThreshold(DMA.wmarkLow, DMA.wmarkMin, 2)).toBe(1)
    expect(zoneStatThreshold(DMA, 2, true)).toBe(1)
    expect(zoneStatThreshold(NORMAL, 2, true)).toBe(28)
    expect(calculatePressureThreshold(NORMAL.wmarkLow, NORMAL.wmarkMin, 2)).toBe(125)
  })

  it('the node counters take the largest zone threshold', () => {
    const managed = [DMA.managedPages, DMA32.managedPages, NORMAL.managedPages]
    expect(nodeStatThreshold(managed, 2)).toBe(28)
    expect(nodeStatThreshold(managed, 4)).toBe(42)
  })

  it("seed 003: 2 CPUs cannot drift the zones' free by the 100 and 102 pages the buddy lines miss", () => {
    // DMA32 prints free:3372kB over a 2972kB buddy list, Normal free:984kB over 576kB.
    const gapDma32 = (3372 - 2972) / 4
    const gapNormal = (984 - 576) / 4
    expect(maxPrintedDrift(calculateNormalThreshold(DMA32.managedPages, 2), 2)).toBeLessThan(
      gapDma32
    )
    expect(maxPrintedDrift(calculateNormalThreshold(NORMAL.managedPages, 2), 2)).toBeLessThan(
      gapNormal
    )
    // Four CPUs could.
    expect(
      maxPrintedDrift(calculateNormalThreshold(DMA32.managedPages, 4), 4)
    ).toBeGreaterThanOrEqual(gapDma32)
    expect(
      maxPrintedDrift(calculateNormalThreshold(NORMAL.managedPages, 4), 4)
    ).toBeGreaterThanOrEqual(gapNormal)
  })
})

describe('differentials (6.11 __mod_zone_page_state(), __inc_zone_state(), refresh_cpu_vm_stats())', () => {
  it('a CPU keeps up to the threshold to itself, then folds all of it', () => {
    const s = perCpuStat(1000, 2)
    for (let i = 0; i < 28; i++) modStat(s, 1, -1, 28)
    expect(statRead(s)).toBe(1000)
    expect(statSnapshot(s)).toBe(972)
    modStat(s, 1, -1, 28)
    expect(s.global).toBe(971)
    expect(s.diffs[1]).toBe(0)
    modStat(s, 0, -1024, 28)
    expect(s.global).toBe(-53)
    expect(statRead(s)).toBe(0)
  })

  it('inc/dec overstep by half a threshold when they fold', () => {
    const s = perCpuStat(0, 1)
    for (let i = 0; i < 21; i++) stepStat(s, 0, 1, 20)
    expect(s.global).toBe(31)
    expect(s.diffs[0]).toBe(-10)
    expect(statSnapshot(s)).toBe(21)
  })

  it('the vmstat worker folds a CPU', () => {
    const s = perCpuStat(50, 2)
    modStat(s, 0, 7, 20)
    modStat(s, 1, -3, 20)
    foldCpu(s, 0)
    expect(s.global).toBe(57)
    expect(statSnapshot(s)).toBe(54)
  })
})
