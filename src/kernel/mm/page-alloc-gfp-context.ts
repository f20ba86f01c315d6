/**
 * @module Scoped GFP contexts (seed 001): a task inside memalloc_noio_save() or
 * memalloc_nofs_save() has every allocation's gfp narrowed before the allocator sees it.
 * profile.alloc.scopedGfp: 'none' (2.6.32-642: neither), 'noio' (3.9–4.11: PF_MEMALLOC_NOIO,
 * memalloc_noio_flags() clears __GFP_IO and __GFP_FS), 'noioNofs' (>= 4.12: current_gfp_context(),
 * NOIO clears __GFP_IO | __GFP_FS, NOFS clears __GFP_FS).
 */
import { gfpFlags } from '../gfp.ts'
import type { KernelProfile } from '../profiles.ts'

/** The scope a task allocates in (memalloc_noio_save() / memalloc_nofs_save()). */
export type MemallocScope = 'noio' | 'nofs'

/** current_gfp_context() (>= 4.12) / memalloc_noio_flags() (3.9–4.11), 4.14.177 and 3.10.4. */
export function currentGfpContext(
  profile: KernelProfile,
  gfp: number,
  scope: MemallocScope | undefined
): number {
  const rule = profile.alloc.scopedGfp
  if (scope === undefined || rule === 'none') return gfp
  if (scope === 'nofs' && rule !== 'noioNofs') return gfp
  const f = gfpFlags(profile)
  const io = f['__GFP_IO'] ?? 0
  const fs = f['__GFP_FS'] ?? 0
  return scope === 'noio' ? gfp & ~(io | fs) : gfp & ~fs
}
