/**
 * @module The data of copy-on-write sharing after fork (the kernel's anon_vma families), apart
 * from the rules in cow.ts so the world can hold it without importing them.
 *
 * Units: pages. Zone positions index `World.zones`.
 */
/** One COW family. */
export interface CowFamily {
  readonly id: number
  /** Memory cgroup the shared pages are charged to (the one that faulted them). */
  memcg: string
  /** Physical shared pages. */
  pages: number
  /** The shared pages per zone position. */
  zones: number[]
  /** Sharer mm id -> shared pages it maps. */
  sharers: Map<number, number>
  /** Sum of `sharers` values. */
  mappings: number
}

/** The COW families of a world, and which family each mm belongs to. */
export interface CowState {
  families: Map<number, CowFamily>
  byMm: Map<number, CowFamily>
  nextId: number
}
