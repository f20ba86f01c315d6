/**
 * @module Which LRU list a folio joins when it is first added (folio_add_lru(), mm/swap.c), and so
 * which of show_mem()'s active/inactive counters it shows in. The multi-gen LRU (CONFIG_LRU_GEN,
 * 6.1-6.11 lru_gen_add_folio() in include/linux/mm_inline.h) puts a swap-backed folio that is not
 * in the swap cache in generation max_seq - 1, one of the two youngest, which
 * lru_gen_update_size() counts as active; with no swap nothing ages anon, so it stays there.
 */
import type { World } from './world.ts'

/** MGLRU on: the scenario's machine says so (set on the world's env before boot places pages). */
const mglru = (w: World): boolean => w.env?.lruGen === true

/**
 * A page an anonymous fault mapped: active under MGLRU, else where the profile's
 * do_anonymous_page() put it (`alloc.newAnonLru`: the active list before 5.9, the inactive one
 * since lru_cache_add_inactive_or_unevictable()).
 */
export function newAnonIsActive(w: World): boolean {
  return mglru(w) || w.profile.alloc.newAnonLru === 'active'
}

/**
 * A shmem/tmpfs page added to the page cache (shmem_get_folio_gfp() -> folio_add_lru(), before
 * 5.x lru_cache_add_anon()): the inactive anon list, or a young generation under MGLRU.
 */
export function newShmemIsActive(w: World): boolean {
  return mglru(w)
}
