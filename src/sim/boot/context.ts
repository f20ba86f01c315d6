/** @module What the process phases of boot share: the world, per-process data, the address cursor. */
import type { World } from '../../kernel/mm/world.ts'
import type { Vma } from '../../kernel/types.ts'

/** Exit behaviour of a process after SIGKILL. */
export interface ExitSpec {
  delayNs: number
  stuck: boolean
}

/** The world being booted and the simulator's own data about its processes. */
export interface ProcessBoot {
  w: World
  exits: Map<number, ExitSpec>
  vmaByName: Map<number, Map<string, Vma>>
  /** Next free virtual page number for a mapping without a start address. */
  cursor: number
}

/** Virtual page number the first mapping without an address starts at. */
export const FIRST_MAPPING_PAGE = 0x7f0000000

/** Pages left unmapped between two mappings placed by the cursor. */
export const MAPPING_GAP_PAGES = 16
