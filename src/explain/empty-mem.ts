/**
 * @module Zero-filled show_mem pieces (the whole ShowMem, one node, one zone): the starting point
 * for the parser's accumulation of show_mem lines and the defaults where a report lacked them.
 */
import type { NodeMemInfo, ShowMem, ZoneInfo } from '../kernel/oom-report.ts'

/** A show_mem with every count 0 and no nodes or zones (fresh arrays on each call). */
export function emptyShowMem(): ShowMem {
  return {
    activeAnon: 0,
    inactiveAnon: 0,
    isolatedAnon: 0,
    activeFile: 0,
    inactiveFile: 0,
    isolatedFile: 0,
    unevictable: 0,
    dirty: 0,
    writeback: 0,
    slabReclaimable: 0,
    slabUnreclaimable: 0,
    mapped: 0,
    shmem: 0,
    pagetables: 0,
    secPagetables: 0,
    bounce: 0,
    kernelMiscReclaimable: 0,
    free: 0,
    freePcp: 0,
    freeCma: 0,
    nodes: [],
    zones: [],
    totalPagecache: 0,
    swapCache: 0,
    freeSwapKb: 0,
    totalSwapKb: 0,
    pagesRam: 0,
    pagesHighmemMovable: 0,
    pagesReserved: 0,
    pagesCmaReserved: 0,
    pagesHwpoisoned: 0
  }
}

/** A zone of show_mem with every count 0 and no lowmem_reserve or buddy entries (kB). */
export function emptyZone(node: number, name: string): ZoneInfo {
  return {
    node,
    name,
    freeKb: 0,
    boostKb: 0,
    minKb: 0,
    lowKb: 0,
    highKb: 0,
    reservedHighatomicKb: 0,
    freeHighatomicKb: 0,
    activeAnonKb: 0,
    inactiveAnonKb: 0,
    activeFileKb: 0,
    inactiveFileKb: 0,
    unevictableKb: 0,
    writependingKb: 0,
    zspagesKb: 0,
    presentKb: 0,
    managedKb: 0,
    mlockedKb: 0,
    bounceKb: 0,
    freePcpKb: 0,
    localPcpKb: 0,
    freeCmaKb: 0,
    kernelStackKb: 0,
    pagetablesKb: 0,
    lowmemReserve: [],
    buddy: []
  }
}

/** A node of show_mem with every count 0 (kB). */
export function emptyNode(node: number): NodeMemInfo {
  return {
    node,
    activeAnonKb: 0,
    inactiveAnonKb: 0,
    activeFileKb: 0,
    inactiveFileKb: 0,
    unevictableKb: 0,
    isolatedAnonKb: 0,
    isolatedFileKb: 0,
    mappedKb: 0,
    dirtyKb: 0,
    writebackKb: 0,
    shmemKb: 0,
    shmemThpKb: 0,
    shmemPmdmappedKb: 0,
    anonThpKb: 0,
    writebackTmpKb: 0,
    kernelStackKb: 0,
    pagetablesKb: 0,
    secPagetablesKb: 0,
    allUnreclaimable: false,
    hugepages: []
  }
}
