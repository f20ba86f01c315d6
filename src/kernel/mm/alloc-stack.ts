/**
 * @module The call chain dump_stack() shows when the OOM killer is entered from an allocation
 * site: page-table pages (pte_alloc_one under __pte_alloc) and page-cache read faults
 * (filemap_fault) get their own frames; other sites use the printer's per-path defaults.
 */
import type { StackInfo } from '../oom-report.ts'
import type { KernelProfile } from '../profiles.ts'
import { defaultCallChain } from '../printk/stack.ts'
import type { AllocSite } from './page-alloc.ts'

/** The first frame of the anonymous-folio allocation in a default chain. */
const folioFrame = /^(alloc_pages_vma|__folio_alloc|vma_alloc_folio)/

/** The stack for an OOM entered from `site`. */
export function stackFor(
  profile: KernelProfile,
  site: AllocSite | 'memcg' | 'sysrq' | 'pagefault'
): StackInfo {
  if (site === 'memcg' || site === 'sysrq' || site === 'pagefault') return { path: site }
  if (site === 'pagecache') return pagecacheStack(profile)
  if (site !== 'pgtable') return { path: 'alloc' }
  return pgtableStack(profile)
}

/** pte_alloc_one() from __pte_alloc in the fault path. */
function pgtableStack(profile: KernelProfile): StackInfo {
  const chain = defaultCallChain('alloc', profile)
  const tail = ['handle_mm_fault', 'do_user_addr_fault', 'exc_page_fault', 'asm_exc_page_fault']
  const cut = chain.findIndex(f => folioFrame.test(f))
  if (cut < 0) return { path: 'alloc' }
  const head = chain.slice(0, cut)
  const style = profile.format.stack
  if (style === '6.10')
    return {
      path: 'alloc',
      calls: [...head, 'pte_alloc_one', '__pte_alloc', 'do_pte_missing', ...tail]
    }
  const pgd =
    style === '3x' || style === '4x'
      ? [
          'pte_alloc_one',
          '__pte_alloc',
          '__handle_mm_fault',
          ...chain.slice(chain.indexOf('handle_mm_fault'))
        ]
      : [
          'pte_alloc_one',
          '__pte_alloc',
          'do_anonymous_page',
          ...chain.slice(chain.indexOf('__handle_mm_fault'))
        ]
  return { path: 'alloc', calls: [...head, 'alloc_pages', ...pgd] }
}

/** A page-cache read fault (filemap_fault -> page_cache_ra -> folio allocation), 5.x/6.x. */
function pagecacheStack(profile: KernelProfile): StackInfo {
  const chain = defaultCallChain('alloc', profile)
  const style = profile.format.stack
  const cut = chain.findIndex(f => folioFrame.test(f))
  if (cut < 0 || (style !== '6x' && style !== '6.10' && style !== '5x')) return { path: 'alloc' }
  const head = chain.slice(0, cut)
  const fileFrames =
    style === '5x'
      ? ['alloc_pages_current', '__page_cache_alloc', 'pagecache_get_page', 'filemap_fault']
      : ['folio_alloc', 'page_cache_ra_unbounded', 'filemap_fault']
  const faultTail = ['__do_fault', 'do_read_fault', '__handle_mm_fault', 'handle_mm_fault']
  const userTail = ['do_user_addr_fault', 'exc_page_fault', 'asm_exc_page_fault']
  return { path: 'alloc', calls: [...head, ...fileFrames, ...faultTail, ...userTail] }
}
