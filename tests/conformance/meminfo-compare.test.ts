import { describe, expect, it } from 'vitest'
import {
  compareMemInfo,
  freeBoundKb,
  lineShape,
  memInfoBlock
} from '../../conformance/qemu/meminfo-compare.ts'

/** A 6.1 guest's Mem-Info (seed 4), shortened to the lines the rules look at. */
const KERNEL = [
  'Out of memory: ignored before the block',
  'Mem-Info:',
  ' free:637 free_pcp:85 free_cma:0',
  'Node 0 active_anon:1984kB inactive_anon:192340kB all_unreclaimable? yes',
  'Node 0 DMA free:892kB boost:0kB min:132kB low:164kB high:196kB free_pcp:0kB',
  'lowmem_reserve[]: 0 192 192 192 192',
  'Node 0 DMA32 free:1656kB boost:0kB min:1708kB low:2132kB high:2556kB free_pcp:340kB',
  'lowmem_reserve[]: 0 0 0 0 0',
  'Node 0 DMA: 1*4kB (M) 1*8kB (U) 0*16kB = 12kB',
  'Node 0 DMA32: 2*4kB (U) 0*8kB = 8kB',
  '9750 pages reserved',
  'Tasks state (memory values in pages):'
]

const ours = (edit: (l: string) => string): string[] => KERNEL.map(edit)

describe('Mem-Info comparison (QEMU check 2, global OOMs)', () => {
  it('takes the block from Mem-Info: to the task table', () => {
    expect(memInfoBlock(KERNEL)).toHaveLength(10)
  })

  it('gives a line its shape without numbers, a buddy line its zone', () => {
    expect(lineShape('lowmem_reserve[]: 0 192 192 192 192')).toBe('lowmem_reserve[]: # # # # #')
    expect(lineShape('Node 0 DMA32: 2*4kB (U) 0*8kB = 8kB')).toBe('DMA32: (buddy)')
    expect(lineShape('Node 0 active_anon:1kB all_unreclaimable? yes')).toBe(
      lineShape('Node 0 active_anon:2kB all_unreclaimable? no')
    )
  })

  it('agrees with itself on every field', () => {
    expect(compareMemInfo(KERNEL, KERNEL).filter(v => !v.agreed)).toEqual([])
  })

  it('fails a watermark or lowmem_reserve that differs, only counts other fields', () => {
    const v = compareMemInfo(
      KERNEL,
      ours(l =>
        l
          .replace('min:132kB', 'min:124kB')
          .replace('0 192 192', '0 202 192')
          .replace('free_pcp:85', 'free_pcp:0')
      )
    ).filter(x => !x.agreed)
    expect(v.map(x => [x.field, x.rule])).toEqual([
      ['global.free_pcp', 'info'],
      ['DMA.min', 'exact'],
      ['DMA.lowmem_reserve', 'exact']
    ])
  })

  it('bounds a zone free by its high - min gap plus its free_pcp, the global free by their sum in pages', () => {
    // DMA: 196 - 132 + 0 = 64 kB; DMA32: 848 + 340 kB; global: 1252 kB = 313 pages.
    const near = compareMemInfo(
      KERNEL,
      ours(l => l.replace('DMA free:892kB', 'DMA free:956kB').replace('free:637 ', 'free:950 '))
    )
    expect(near.filter(x => x.rule === 'bounded' && !x.agreed)).toEqual([])
    const far = compareMemInfo(
      KERNEL,
      ours(l => l.replace('DMA free:892kB', 'DMA free:960kB').replace('free:637 ', 'free:951 '))
    )
    expect(far.filter(x => !x.agreed).map(x => x.field)).toEqual(['global.free', 'DMA.free'])
    const dma32 = compareMemInfo(
      KERNEL,
      ours(l => l.replace('DMA32 free:1656kB', 'DMA32 free:2845kB'))
    )
    expect(dma32.find(x => x.field === 'DMA32.free')).toMatchObject({ agreed: false })
  })

  it('the free-count bound of a report (freeBoundKb): every zone high - min plus free_pcp', () => {
    expect(freeBoundKb(KERNEL)).toBe(64 + 848 + 340)
  })

  it('compares watermarks net of the boost and widens the free bound by the boost difference (boost_watermark())', () => {
    const boosted = KERNEL.map(l =>
      l
        .replace(
          'DMA32 free:1656kB boost:0kB min:1708kB low:2132kB high:2556kB',
          'DMA32 free:2612kB boost:2048kB min:3756kB low:4180kB high:4604kB'
        )
        .replace('free:637 ', 'free:878 ')
    )
    const v = compareMemInfo(boosted, KERNEL)
    expect(v.filter(x => !x.agreed && x.rule !== 'info')).toEqual([])
    expect(v.find(x => x.field === 'DMA32.boost')).toMatchObject({ rule: 'info', agreed: false })
  })

  it('fails an all_unreclaimable? that differs (kswapd_failures, balance_pgdat())', () => {
    const v = compareMemInfo(
      KERNEL,
      ours(l => l.replace('all_unreclaimable? yes', 'all_unreclaimable? no'))
    ).filter(x => !x.agreed)
    expect(v.map(x => [x.field, x.rule])).toEqual([['node.all_unreclaimable', 'exact']])
    // Counted only when kswapd still served the node at the snapshot (a scheduling race).
    const fresh = compareMemInfo(
      KERNEL,
      ours(l => l.replace('all_unreclaimable? yes', 'all_unreclaimable? no')),
      false
    ).filter(x => !x.agreed)
    expect(fresh.map(x => [x.field, x.rule])).toEqual([['node.all_unreclaimable', 'info']])
  })

  it('fails a missing or extra line', () => {
    const v = compareMemInfo(
      KERNEL,
      KERNEL.filter(l => !l.includes('pages reserved'))
    )
    expect(v.find(x => x.field === 'lines')?.agreed).toBe(false)
  })
})
