/** @module Reference checks of the kernel profile and the machine's nodes and zones. */
import { lookupProfile, profileNames } from '../../kernel/profiles.ts'
import type { RefContext } from './context.ts'

const ZONE_ORDER = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable']

/** The profile exists (a name, or a release inside the table's range). */
export function checkProfile({ s, fail }: RefContext): void {
  const found = lookupProfile(s.profile)
  if (found.profile === undefined)
    throw fail(
      `unknown kernel profile '${s.profile}': ${found.reason}; known: ${profileNames.join(', ')}`,
      ['profile']
    )
}

/** Memory is given; zones go in kernel order; managed fits in present. */
export function checkMachine({ s, fail, shown }: RefContext): void {
  const m = s.machine
  if (m.memory === undefined && m.nodes === undefined)
    throw fail('machine: give either memory (a total size) or nodes with zones', ['machine'])
  m.nodes?.forEach((n, ni) => {
    let last = -1
    n.zones.forEach((z, zi) => {
      const at = ['machine', 'nodes', ni, 'zones', zi]
      const idx = ZONE_ORDER.indexOf(z.type)
      if (idx <= last)
        throw fail(
          `zone ${z.type} is out of order or repeated (zones go DMA, DMA32, Normal, HighMem, Movable)`,
          [...at, 'type']
        )
      last = idx
      if (z.managed !== undefined && z.managed > z.present)
        throw fail(
          `managed (${shown([...at, 'managed'])}) cannot exceed present (${shown([...at, 'present'])})`,
          [...at, 'managed']
        )
    })
  })
}
