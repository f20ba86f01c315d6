/**
 * @module Direct compaction (mm/compaction.c, simplified): gather scattered free pages of a
 * zone into one block of the wanted order, if the zone has the free pages above its low
 * watermark (compaction_suitable) and its pages are movable. A zone marked `fragmented`
 * (pinned/unmovable pages everywhere) never compacts.
 *
 * Units: pages.
 */
import { hasFreeBlock, type Zone } from './zone.ts'
import { emit, type World } from './world.ts'

/** Zones that cannot be compacted (scenario: machine.zones[].fragmented). */
export const fragmentedZones = new WeakSet<Zone>()

/** MAX_COMPACT_RETRIES. */
export const MAX_COMPACT_RETRIES = 16

/**
 * What a compaction run ended with (enum compact_result, include/linux/compaction.h 4.7+):
 * 'success' (COMPACT_SUCCESS: a block of the order is free), 'skipped' (COMPACT_SKIPPED:
 * compaction_suitable() found too few free order-0 pages to migrate into), 'complete'
 * (COMPACT_COMPLETE: the whole zone was scanned without building a block).
 */
export type CompactResult = 'success' | 'skipped' | 'complete'

/** Try to build one free block of `order` in a zone. True if the zone now has one. */
export function compactZone(w: World, z: Zone, order: number): boolean {
  return compactZoneResult(w, z, order) === 'success'
}

/** compact_zone() for one zone: builds a free block of `order` or says why not. */
export function compactZoneResult(w: World, z: Zone, order: number): CompactResult {
  if (hasFreeBlock(z, order)) return 'success'
  const size = 2 ** order
  // compaction_suitable(): order-0 free pages above low watermark + 2 << order.
  if (z.free < z.wmarkLow + 2 * size) {
    emit(w, 'compact.skip', { zone: z.type, node: z.node, order })
    return 'skipped'
  }
  // Pinned or unmovable pages in every pageblock: the scanners meet without a block.
  if (fragmentedZones.has(z)) {
    emit(w, 'compact.skip', { zone: z.type, node: z.node, order })
    return 'complete'
  }
  let need = size
  for (let o = 0; o < order && need > 0; o++) {
    const row = z.freeArea[o]
    if (row === undefined) continue
    for (let t = 0; t < row.length && need > 0; t++) {
      const have = row[t] ?? 0
      const blockPages = 2 ** o
      const use = Math.min(have, Math.ceil(need / blockPages))
      row[t] = have - use
      need -= use * blockPages
    }
  }
  if (need > 0) {
    emit(w, 'compact.fail', { zone: z.type, node: z.node, order })
    return 'complete'
  }
  const target = z.freeArea[order]
  if (target !== undefined) target[1] = (target[1] ?? 0) + 1
  // Any overshoot (need < 0) goes back as order-0 pages.
  const first = z.freeArea[0]
  if (first !== undefined && need < 0) first[1] = (first[1] ?? 0) - need
  emit(w, 'compact.success', { zone: z.type, node: z.node, order })
  return 'success'
}
