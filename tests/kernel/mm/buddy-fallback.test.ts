/**
 * __rmqueue() on the buddy free lists, 6.11 mm/page_alloc.c: __rmqueue_smallest() (the
 * requested type's smallest block, expand() puts the halves back) and __rmqueue_fallback() (the
 * largest block of a type fallbacks[] allows; a block of at least half a pageblock changes type
 * whole in steal_suitable_fallback(), a smaller one is split where it is).
 */
import { describe, expect, it } from 'vitest'
import { initZone, X86_64_ZONE_SLOTS } from '../../../src/kernel/mm/mm-init.ts'
import {
  buddyPages,
  buddySummary,
  freeToBuddy,
  takeFromBuddy,
  type Zone
} from '../../../src/kernel/mm/zone.ts'

function zone(): Zone {
  return initZone({
    node: 0,
    type: 'DMA32',
    idx: 1,
    present: 520160,
    managed: 491130,
    initManaged: 491130,
    slots: X86_64_ZONE_SLOTS.length
  })
}

/** The show_mem buddy line's blocks: order -> "count types" for the non-empty orders. */
const line = (z: Zone) =>
  Object.fromEntries(
    buddySummary(z).flatMap((b, o) => (b.count > 0 ? [[o, `${b.count} ${b.types}`]] : []))
  )

describe('__rmqueue_fallback(), 6.11', () => {
  it('an unmovable request with no unmovable block takes a whole movable MAX_ORDER block', () => {
    const z = zone()
    freeToBuddy(z, 2048, 'M')
    expect(takeFromBuddy(z, 476, 0, 'U')).toBe(476)
    // 1024 - 476 = 548 pages stay unmovable, as expand() left them: 512 + 32 + 4 (seed 003's
    // DMA32 2048kB, 128kB and 16kB unmovable blocks).
    expect(line(z)).toEqual({ 2: '1 U', 5: '1 U', 9: '1 U', 10: '1 M' })
    expect(buddyPages(z)).toBe(z.free)
    expect(z.free).toBe(2048 - 476)
  })

  it('takes its own type first, smallest block first (__rmqueue_smallest())', () => {
    const z = zone()
    freeToBuddy(z, 1024, 'M')
    freeToBuddy(z, 8, 'U')
    expect(takeFromBuddy(z, 8, 0, 'U')).toBe(8)
    expect(line(z)).toEqual({ 10: '1 M' })
  })

  it('a movable request steals a small unmovable block without changing its type', () => {
    const z = zone()
    freeToBuddy(z, 8, 'U')
    expect(takeFromBuddy(z, 3, 0, 'M')).toBe(3)
    // The order-3 block is split; its unused 5 pages stay unmovable (4 + 1).
    expect(line(z)).toEqual({ 0: '1 U', 2: '1 U' })
    expect(buddyPages(z)).toBe(z.free)
  })

  it('half a pageblock or more changes type whole', () => {
    const z = zone()
    freeToBuddy(z, 256, 'U')
    expect(takeFromBuddy(z, 100, 0, 'M')).toBe(100)
    // 256 - 100 = 156 = 128 + 16 + 8 + 4, all movable now.
    expect(line(z)).toEqual({ 2: '1 M', 3: '1 M', 4: '1 M', 7: '1 M' })
  })
})
