/** GFP layouts and the %pGg printer, checked against masks real kernels printed. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatGfp, gfpFlags, gfpNameTable, parseGfpNames } from '../../../src/kernel/gfp.ts'
import { profiles, variant } from '../../../src/kernel/profiles.ts'

const P = (name: string) => profiles[name]!

describe('formatGfp', () => {
  it('prints the 6.11 stress-ng page-table allocation as the real log did', () => {
    expect(formatGfp(0x440dc0, P('6.11'))).toBe(
      '0x440dc0(GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO)'
    )
  })

  it('prints 6.18 names in bit order (real 6.18 kernel: 0xcc0(GFP_KERNEL))', () => {
    expect(formatGfp(0xcc0, P('6.18'))).toBe('0xcc0(GFP_KERNEL)')
    // Same mask as 6.11 above, but __GFP_ZERO (0x100) now precedes __GFP_COMP (0x40000).
    expect(formatGfp(0x440dc0, P('6.18'))).toBe(
      '0x440dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP)'
    )
  })

  it('matches composites first, then the leftover single flags', () => {
    expect(formatGfp(0x140cca, P('6.11'))).toBe('0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)')
    expect(formatGfp(0x100cca, P('5.10'))).toBe('0x100cca(GFP_HIGHUSER_MOVABLE)')
  })

  it('uses the 4.19 and ~4.10-4.18 bit layouts', () => {
    expect(formatGfp(0x6000c0, P('4.19'))).toBe('0x6000c0(GFP_KERNEL)')
    expect(formatGfp(0x14000c0, P('4.14'))).toBe('0x14000c0(GFP_KERNEL)')
    expect(formatGfp(0x14200ca, P('4.14'))).toBe('0x14200ca(GFP_HIGHUSER_MOVABLE)')
    expect(formatGfp(0x6200ca, P('4.19'))).toBe('0x6200ca(GFP_HIGHUSER_MOVABLE)')
  })

  it('uses the 4.4-4.9 layout (__GFP_COLD, __GFP_NOTRACK) as real 4.5-4.9 logs print it', () => {
    const p49 = variant(P('4.14'), {
      name: 'g49',
      description: 'test',
      format: { gfpLayout: '4.5' }
    })
    expect(formatGfp(0x24201ca, p49)).toBe('0x24201ca(GFP_HIGHUSER_MOVABLE|__GFP_COLD)')
    expect(formatGfp(0x2400000, p49)).toBe('0x2400000(GFP_NOIO)')
    expect(formatGfp(0x2280020, p49)).toBe('0x2280020(GFP_ATOMIC|__GFP_NOTRACK)')
    expect(gfpFlags(p49)['GFP_KERNEL']).toBe(0x24000c0)
  })

  it('prints a bare 0x%x on 3.x', () => {
    expect(formatGfp(0xd0, P('3.10'))).toBe('0xd0')
    expect(formatGfp(0x280da, P('3.10'))).toBe('0x280da')
  })

  it('prints unknown bits as lowercase hex after the names, and nothing for 0', () => {
    expect(formatGfp(0x1000cc0, P('6.11'))).toBe('0x1000cc0(GFP_KERNEL|0x1000000)')
    expect(formatGfp(0x200, P('6.6'))).toBe('0x200(0x200)')
    expect(formatGfp(0, P('5.10'))).toBe('0x0()')
  })

  it('keeps __GFP_ATOMIC only while it exists (<= 6.3)', () => {
    expect(formatGfp(0xa20, P('5.10'))).toBe('0xa20(GFP_ATOMIC)')
    expect(formatGfp(0x820, P('6.6'))).toBe('0x820(GFP_ATOMIC)')
  })
})

describe('gfpFlags / parseGfpNames', () => {
  it('gives composite and single values per layout', () => {
    expect(gfpFlags(P('6.11'))['GFP_KERNEL']).toBe(0xcc0)
    expect(gfpFlags(P('4.19'))['GFP_KERNEL']).toBe(0x6000c0)
    expect(gfpFlags(P('4.14'))['GFP_KERNEL']).toBe(0x14000c0)
    expect(gfpFlags(P('3.10'))['GFP_KERNEL']).toBe(0xd0)
    expect(gfpFlags(P('3.10'))['GFP_HIGHUSER_MOVABLE']).toBe(0x200da)
    expect(gfpFlags(P('6.6'))['__GFP_ATOMIC']).toBeUndefined()
  })

  it('parses names and hex leftovers back to a mask, null for unknown names', () => {
    expect(parseGfpNames('GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO', P('6.11'))).toBe(0x440dc0)
    expect(parseGfpNames('GFP_KERNEL|0x1000000', P('6.11'))).toBe(0x1000cc0)
    expect(parseGfpNames('', P('6.11'))).toBe(0)
    expect(parseGfpNames('GFP_BOGUS', P('6.11'))).toBeNull()
  })

  it('has no zero-mask entry in any table', () => {
    for (const p of Object.values(profiles)) {
      for (const e of gfpNameTable(p)) expect(e.mask, `${p.name} ${e.name}`).not.toBe(0)
    }
  })

  it('round-trips random masks through the printed names, for every profile', () => {
    const withNames = Object.values(profiles).filter(
      p => p.format.header !== '3x' && p.format.header !== 'rhel6'
    )
    fc.assert(
      fc.property(
        fc.constantFrom(...withNames),
        fc.integer({ min: 0, max: 0x3ffffff }),
        (p, mask) => {
          const text = formatGfp(mask, p)
          const m = /^0x([0-9a-f]+)\((.*)\)$/.exec(text)
          expect(m).not.toBeNull()
          expect(Number.parseInt(m![1]!, 16)).toBe(mask)
          expect(parseGfpNames(m![2]!, p)).toBe(mask)
          // And printing the parsed mask again gives the same text.
          expect(formatGfp(parseGfpNames(m![2]!, p)!, p)).toBe(text)
        }
      ),
      { numRuns: 500 }
    )
  })
})
