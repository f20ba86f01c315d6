/**
 * @module Watermarks and lowmem_reserve: min_free_kbytes, the per-zone min/low/high/promo marks
 * and the lowmem reserves, as mm/page_alloc.c computes them per profile.
 *
 * Units: pages, except `*Kbytes` values.
 */
import type { KernelProfile } from '../profiles.ts'
import type { MemModel } from './model.ts'
import type { Zone } from './zone.ts'

/** int_sqrt(): the integer square root. */
export function intSqrt(x: number): number {
  let r = Math.floor(Math.sqrt(x))
  while (r * r > x) r--
  while ((r + 1) * (r + 1) <= x) r++
  return r
}

function isLowmem(z: Zone): boolean {
  return z.type !== 'HighMem' && z.type !== 'Movable'
}

/**
 * calculate_min_free_kbytes(): int_sqrt(lowmem_kbytes * 16) clamped to 128..max (65536 up to
 * 5.3, 262144 from 5.7). `lowmem_kbytes` is nr_free_buffer_pages() in kB: managed pages of the
 * zones up to ZONE_NORMAL minus their high watermark (0 at boot).
 */
export function defaultMinFreeKbytes(m: MemModel, profile: KernelProfile, atBoot: boolean): number {
  let pages = 0
  for (const n of m.nodes)
    for (const z of n.zones) {
      if (!isLowmem(z)) continue
      const managed = atBoot ? z.initManagedPages : z.managedPages
      pages += Math.max(0, managed - (atBoot ? 0 : z.wmarkHigh))
    }
  const v = intSqrt(pages * 4 * 16)
  return Math.min(Math.max(v, 128), profile.alloc.minFreeKbytesMax)
}

/**
 * __setup_per_zone_wmarks(): split pages_min over the lowmem zones by managed pages; highmem and
 * movable zones get clamp(managed/1024, 32, 128). Then low/high from watermark_scale_factor
 * (>= 4.6) or min + tmp/4, min + tmp/2 (classic). `atBoot` uses the managed counts the boot-time
 * setup saw.
 */
export function setupZoneWatermarks(m: MemModel, profile: KernelProfile, atBoot: boolean): void {
  const pagesMin = m.vm.minFreeKbytes >> 2
  const managedOf = (z: Zone): number => (atBoot ? z.initManagedPages : z.managedPages)
  let lowmemPages = 0
  for (const n of m.nodes) for (const z of n.zones) if (isLowmem(z)) lowmemPages += managedOf(z)
  for (const n of m.nodes)
    for (const z of n.zones) {
      const managed = managedOf(z)
      let tmp: number
      if (!isLowmem(z)) {
        tmp = Math.min(Math.max(Math.floor(managed / 1024), 32), 128)
        z.wmarkMin = tmp
      } else {
        tmp = lowmemPages === 0 ? 0 : Math.floor((pagesMin * managed) / lowmemPages)
        z.wmarkMin = tmp
      }
      if (profile.alloc.watermarks === 'classic') {
        z.wmarkLow = z.wmarkMin + (tmp >> 2)
        z.wmarkHigh = z.wmarkMin + (tmp >> 1)
        z.wmarkPromo = z.wmarkHigh
      } else {
        // >= 4.6: delta = max(tmp/4, managed * watermark_scale_factor / 10000).
        const delta = Math.max(tmp >> 2, Math.floor((managed * m.vm.watermarkScaleFactor) / 10000))
        z.wmarkLow = z.wmarkMin + delta
        z.wmarkHigh = z.wmarkLow + delta
        z.wmarkPromo = profile.alloc.promoWatermark ? z.wmarkHigh + delta : z.wmarkHigh
      }
      z.boost = 0
    }
}

/**
 * setup_per_zone_lowmem_reserve(): lowmem_reserve[j] of zone i = managed pages of zones i+1..j
 * divided by lowmem_reserve_ratio[i]; 0 when the ratio is 0 or zone i is empty, and (6.x) when
 * the upper zone j is empty.
 */
export function setupLowmemReserve(m: MemModel, profile: KernelProfile, atBoot: boolean): void {
  const slots = m.zoneSlots.length
  for (const n of m.nodes) {
    const bySlot: (Zone | undefined)[] = Array.from({ length: slots }, (_, i) =>
      n.zones.find(z => z.idx === i)
    )
    const managed = (i: number): number => {
      const z = bySlot[i]
      return z === undefined ? 0 : atBoot ? z.initManagedPages : z.managedPages
    }
    for (const z of n.zones) {
      const i = z.idx
      const ratio = m.vm.lowmemReserveRatio[i] ?? 0
      const clear = ratio === 0 || managed(i) === 0
      let sum = 0
      const reserve = new Array<number>(slots).fill(0)
      for (let j = i + 1; j < slots; j++) {
        sum += managed(j)
        const empty = managed(j) === 0
        reserve[j] =
          clear || (empty && profile.alloc.lowmemReserveEmptyZero) ? 0 : Math.floor(sum / ratio)
      }
      z.lowmemReserve = reserve
    }
  }
}

/** Default lowmem_reserve_ratio per zone slot, from the profile's DMA/DMA32/NORMAL/HIGHMEM/MOVABLE. */
export function defaultLowmemRatio(m: MemModel, profile: KernelProfile): number[] {
  const [dma, dma32, normal, highmem, movable] = profile.alloc.lowmemReserveRatio
  return m.zoneSlots.map(t => {
    switch (t) {
      case 'DMA':
        return dma ?? 256
      case 'DMA32':
        return dma32 ?? 256
      case 'Normal':
        return normal ?? 32
      case 'HighMem':
        return highmem ?? 0
      case 'Movable':
        return movable ?? 0
      default:
        return 0
    }
  })
}
