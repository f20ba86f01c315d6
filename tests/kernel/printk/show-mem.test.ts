/** show_mem layout generations beyond the golden reports (reference §6.4 deltas). */
import { describe, expect, it } from 'vitest'
import {
  renderBuddyLine,
  renderShowMem,
  renderUnreclaimableSlab
} from '../../../src/kernel/printk/index.ts'
import { profiles } from '../../../src/kernel/profiles.ts'
import { buddy, node, showMem, zone } from './builders.ts'

const mem = showMem({
  nodes: [node({ hugepages: [{ total: 1, free: 1, surp: 0, sizeKb: 2048 }] })],
  zones: [zone({ name: 'Normal', lowmemReserve: [0, 0, 0, 0], buddy: buddy('1:U 0 2:M') })],
  unstable: 3,
  balloonKb: 64
})
const lines = (p: string) => renderShowMem(mem, profiles[p]!)
const find = (p: string, prefix: string) => lines(p).find(l => l.startsWith(prefix))!

describe('renderShowMem generations', () => {
  it('splits the global counters into continuation lines that start with a space', () => {
    for (const p of ['3.10', '4.19', '5.10', '6.1', '6.11', '6.18']) {
      const l = lines(p)
      const start = l.findIndex(x => x.startsWith('active_anon:'))
      expect(l[start + 1], p).toMatch(/^ active_file:0 /)
    }
  })

  it('4.19: unstable in the global and node lines, kernel_stack/pagetables in the zone line', () => {
    expect(lines('4.19')).toContain(' unevictable:0 dirty:0 writeback:0 unstable:3')
    expect(find('4.19', 'Node 0 active_anon')).toMatch(
      / shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 0kB writeback_tmp:0kB unstable:3kB all_unreclaimable\? no$/
    )
    const z = find('4.19', 'Node 0 Normal free')
    expect(z).toContain(' mlocked:0kB kernel_stack:0kB pagetables:0kB bounce:0kB')
    expect(z).not.toContain('boost:')
  })

  it('show_free_areas(), 5.10.44 and 5.15.100: kernel_misc_reclaimable and pagetables move', () => {
    const global = (p: string) => {
      const l = lines(p)
      const start = l.findIndex(x => x.startsWith('active_anon:'))
      return l.slice(start, l.findIndex(x => x.startsWith(' free:')) + 1)
    }
    expect(global('5.10').slice(-2)).toEqual([
      ' mapped:0 shmem:0 pagetables:0 bounce:0',
      ' free:0 free_pcp:0 free_cma:0'
    ])
    expect(global('5.15').slice(-3)).toEqual([
      ' mapped:0 shmem:0 pagetables:0 bounce:0',
      ' kernel_misc_reclaimable:0',
      ' free:0 free_pcp:0 free_cma:0'
    ])
    expect(find('5.10', 'Node 0 Normal free')).toContain(' mlocked:0kB pagetables:0kB bounce:0kB')
    expect(find('5.15', 'Node 0 Normal free')).toContain(' mlocked:0kB bounce:0kB')
    expect(find('5.15', 'Node 0 active_anon')).toContain(
      ' kernel_stack:0kB pagetables:0kB all_unreclaimable? no'
    )
    expect(find('5.15', 'Node 0 Normal free')).not.toContain('boost:')
  })

  it('6.18: free_highatomic and zspages in the zone line, Balloon in the node line', () => {
    expect(find('6.18', 'Node 0 Normal free')).toContain(
      'reserved_highatomic:0KB free_highatomic:0KB'
    )
    expect(find('6.18', 'Node 0 Normal free')).toContain(' writepending:0kB zspages:0kB present:')
    expect(find('6.18', 'Node 0 active_anon')).toMatch(/ all_unreclaimable\? no Balloon:64kB$/)
    expect(lines('6.18')).not.toContain('Swap cache stats: add 0, delete 0, find 0/0')
    expect(lines('5.10')).toContain('Swap cache stats: add 0, delete 0, find 0/0')
  })

  it('drops the config-dependent lines when the build lacks them', () => {
    const bare = renderShowMem(
      { ...mem, config: { hugetlb: false, cma: false, memoryFailure: false, numa: false } },
      profiles['6.11']!
    )
    expect(bare.some(l => l.includes('hugepages_total'))).toBe(false)
    expect(bare.some(l => l.endsWith('pages cma reserved'))).toBe(false)
    expect(bare.at(-1)).toBe('0 pages reserved')
    expect(bare).toContain('Normal: 1*4kB (U) 0*8kB 2*16kB (M) = 36kB')
  })

  it('sums the buddy line from the counts', () => {
    expect(renderBuddyLine(zone({ name: 'DMA', buddy: buddy('0 0 0 1:M') }))).toBe(
      'Node 0 DMA: 0*4kB 0*8kB 0*16kB 1*32kB (M) = 32kB'
    )
  })
})

describe('renderUnreclaimableSlab', () => {
  it('prints %-17s %10luKB %10luKB rows after the header', () => {
    expect(renderUnreclaimableSlab([{ name: 'kmalloc-4k', usedKb: 1234, totalKb: 2048 }])).toEqual([
      'Unreclaimable slab info:',
      'Name                      Used          Total',
      'kmalloc-4k              1234KB       2048KB'
    ])
  })
})
