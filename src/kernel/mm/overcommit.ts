/**
 * @module Overcommit accounting (mm/util.c __vm_enough_memory, vm_commit_limit): modes 0/1/2,
 * overcommit_ratio / overcommit_kbytes, the admin and user reserves, CommitLimit and
 * Committed_AS. A refused mapping gets -ENOMEM; there is never an OOM kill here.
 *
 * Units: pages.
 */
import { freeSwapPages, totalRamPages, totalSwapPages, type MemModel } from './model.ts'
import type { KernelProfile } from '../profiles.ts'

/** vm_commit_limit(): CommitLimit in pages. */
export function commitLimit(m: MemModel): number {
  const hugetlb = m.huge.reduce((a, h) => a + (h.total * h.sizeKb) / 4, 0)
  const base =
    m.vm.overcommitKbytes > 0
      ? m.vm.overcommitKbytes >> 2
      : Math.floor(((totalRamPages(m) - hugetlb) * m.vm.overcommitRatio) / 100)
  return base + totalSwapPages(m)
}

/** What __vm_enough_memory() reads besides the model (pages). */
export interface VmEnoughInput {
  pages: number
  capSysAdmin: boolean
  /** mm->total_vm of the caller (pages), or null for a kernel caller. */
  totalVm: number | null
  /** NR_FILE_PAGES - NR_SHMEM + NR_SLAB_RECLAIMABLE (for the <= 5.0 guess heuristic). */
  reclaimableGuess: number
  freePages: number
  totalReservePages: number
}

/**
 * __vm_enough_memory(): true if the commit may proceed (and it is then accounted in
 * committedAs); false = -ENOMEM (un-accounted).
 */
export function vmEnoughMemory(m: MemModel, profile: KernelProfile, x: VmEnoughInput): boolean {
  m.committedAs += x.pages
  const mode = m.vm.overcommitMemory
  if (mode === 1) return true
  if (mode === 0) {
    if (profile.alloc.overcommitGuess === 'totalOnly') {
      // >= 5.2: only a request larger than RAM + swap fails.
      if (x.pages <= totalRamPages(m) + totalSwapPages(m)) return true
    } else {
      let free = x.freePages + x.reclaimableGuess + freeSwapPages(m)
      if (free > x.totalReservePages) {
        free -= x.totalReservePages
        if (!x.capSysAdmin) free -= m.vm.adminReserveKbytes >> 2
        if (free > x.pages) return true
      }
    }
    m.committedAs -= x.pages
    return false
  }
  let allowed = commitLimit(m)
  if (!x.capSysAdmin) allowed -= m.vm.adminReserveKbytes >> 2
  if (x.totalVm !== null)
    allowed -= Math.min(Math.floor(x.totalVm / 32), m.vm.userReserveKbytes >> 2)
  if (m.committedAs < allowed) return true
  m.committedAs -= x.pages
  return false
}

/**
 * init_user_reserve() and init_admin_reserve() at boot: 1/32 of the free memory, at most 128 MiB
 * for the user reserve and 8 MiB for the admin reserve (kB).
 */
export function bootReserveKbytes(freePages: number): { user: number; admin: number } {
  const freeKb = freePages * 4
  return {
    user: Math.min(Math.floor(freeKb / 32), 1 << 17),
    admin: Math.min(Math.floor(freeKb / 32), 1 << 13)
  }
}
