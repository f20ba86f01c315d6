/**
 * @module warn_alloc() (>= 4.12; warn_alloc_failed() before): the "page allocation failure"
 * header in the profile's form, dump_stack() from the allocator, then show_mem().
 */
import type { ShowMem } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'
import { renderAllocFailure, type AllocFailure } from './header.ts'
import { renderShowMem } from './show-mem.ts'
import { dumpStackFrame, renderDumpStack, type StackDump } from './stack.ts'

type Style = KernelProfile['format']['stack']

/** The allocator frames under dump_stack (innermost first), per stack style. */
const allocFrames: Record<Style, readonly string[]> = {
  '3x': ['warn_alloc_failed', '__alloc_pages_nodemask', 'alloc_pages_current'],
  '4x': ['warn_alloc', '__alloc_pages_slowpath', '__alloc_pages_nodemask'],
  '5x': ['warn_alloc', '__alloc_pages_slowpath.constprop.0', '__alloc_pages_nodemask'],
  '6x': ['warn_alloc', '__alloc_pages_slowpath.constprop.0', '__alloc_pages'],
  '6.10': ['warn_alloc', '__alloc_pages_slowpath', '__alloc_pages_noprof']
}

/** The call chain warn_alloc()'s dump_stack() shows. */
export function warnAllocCallChain(profile: KernelProfile): string[] {
  const style = profile.format.stack
  return [dumpStackFrame(style), ...allocFrames[style]]
}

/** What warn_alloc() prints about. */
export interface WarnAllocInput {
  failure: AllocFailure
  dump: Omit<StackDump, 'calls'>
  showMem: ShowMem
}

/** Every line warn_alloc() prints (all KERN_WARNING). */
export function renderWarnAlloc(w: WarnAllocInput, profile: KernelProfile): string[] {
  return [
    ...renderAllocFailure(w.failure, profile),
    ...renderDumpStack({ ...w.dump, calls: warnAllocCallChain(profile) }, profile),
    ...renderShowMem(w.showMem, profile)
  ]
}
