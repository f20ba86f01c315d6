/**
 * mlock_folio() on page-cache pages (6.11 mm/mlock.c): a page mapped into a VM_LOCKED vma counts
 * in NR_MLOCK once, however many locked mappings hold it; a ramfs page stays on the unevictable
 * list it was already on, a disk file's page leaves its file LRU for it.
 */
import { describe, expect, it } from 'vitest'
import { parseScenario, runScenario } from '../../../src/sim/index.ts'

const scenario = (fs: string, locked2: boolean): string => `
name: locked file pages
profile: '6.11'
machine:
  nodes:
    - id: 0
      zones:
        - { type: DMA, present: 16M, managed: 15M }
        - { type: DMA32, present: 240M }
sysctl: { vm.overcommit_memory: 1 }
files:
  - { path: /bin/prog, size: 100, fs: ${fs}, cached: 100 }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - pid: 100
    comm: locker
    vmas:
      - { name: text, size: 90, kind: file, file: /bin/prog, resident: 90 }
      - { name: locked, size: 3, kind: file, file: /bin/prog, locked: true, resident: 3 }
  - pid: 101
    comm: other
    vmas:
      - { name: locked, size: 2, kind: file, file: /bin/prog, locked: ${locked2}, resident: 2 }
  - { pid: 102, comm: grower, rss: { anon: 1M } }
timeline:
  - { at: 10ms, do: touch, pid: 102, size: 4M, every: 1ms, until: killed, count: 80 }
`

const zoneLine = (fs: string, locked2 = true): string => {
  const r = runScenario(parseScenario(scenario(fs, locked2), 'mlock-file.yaml'))
  return r.log.map(l => l.text).find(t => t.startsWith('Node 0 DMA32 free:')) ?? ''
}
const field = (line: string, key: string): number =>
  Number(new RegExp(` ${key}:(\\d+)kB`).exec(line)?.[1] ?? NaN)

describe('mlock_folio() on file pages (6.11 mm/mlock.c)', () => {
  it('ramfs: the locked pages count in NR_MLOCK once, the unevictable list is unchanged', () => {
    const line = zoneLine('ramfs')
    expect(field(line, 'mlocked')).toBe(12)
    expect(field(line, 'unevictable')).toBe(400)
    expect(field(zoneLine('ramfs', false), 'mlocked')).toBe(12)
  })

  it('disk: the locked pages leave the file LRU for the unevictable list', () => {
    const line = zoneLine('disk')
    expect(field(line, 'mlocked')).toBe(12)
    expect(field(line, 'unevictable')).toBe(12)
  })
})
