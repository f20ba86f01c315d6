/**
 * @module The victim scan's dense mm index: `index[mmId] = mm` in a flat array (one read per task
 * instead of a Map lookup), kept per `OomState.mms`. When the mms are a VersionedMap the index
 * lives as long as the Map and follows its changes: after a fork or an exit only the changed ids
 * are patched (the Map's journal), so the first scan after a change costs what any scan costs.
 * Equivalent to `state.mms.get(id)` for every id.
 */
import { VersionedMap } from './versioned-map.ts'
import type { Mm, OomState } from './types.ts'

/** Above this many processes the scan resolves mms through the dense index. */
const DENSE_INDEX_MIN = 2048

interface Cached {
  version: number
  index: (Mm | undefined)[]
  limit: number
}

/** Dense indexes of VersionedMaps, with the Map version they reflect. */
const indexCache = new WeakMap<object, Cached>()

/**
 * A dense array `index[mmId] = mm` for small integer ids, or null when the ids are not suitable
 * (or the scan is short).
 */
export function denseMmIndex(state: OomState, count: number): (Mm | undefined)[] | null {
  if (count < DENSE_INDEX_MIN) return null
  if (!(state.mms instanceof VersionedMap)) return buildDenseIndex(state.mms, count)?.index ?? null
  const mms = state.mms as VersionedMap<number, Mm>
  const cached = indexCache.get(mms)
  if (cached !== undefined && cached.version === mms.version) return cached.index
  if (cached !== undefined && patch(cached, mms)) return cached.index
  const built = buildDenseIndex(mms, count)
  if (built === null) {
    indexCache.delete(mms)
    return null
  }
  indexCache.set(mms, { ...built, version: mms.version })
  return built.index
}

/** Bring `cached` up to the Map's version from its journal; false when a rebuild is needed. */
function patch(cached: Cached, mms: VersionedMap<number, Mm>): boolean {
  const changed = mms.changedSince(cached.version)
  if (changed === null) return false
  for (const id of changed) {
    if (!(id >= 0 && id < cached.limit && Number.isInteger(id))) return false
    grow(cached.index, id)
    cached.index[id] = mms.get(id)
  }
  cached.version = mms.version
  return true
}

/**
 * Extend `index` with undefined up to `id`: a write far past the end would turn V8's flat array
 * into a dictionary (every scan read then a hash lookup).
 */
function grow(index: (Mm | undefined)[], id: number): void {
  while (index.length <= id) index.push(undefined)
}

function buildDenseIndex(
  mms: Map<number, Mm>,
  count: number
): { index: (Mm | undefined)[]; limit: number } | null {
  // A flat array as long as the largest id; an id missing from the Map reads as undefined,
  // exactly as Map.get.
  const limit = 4 * (mms.size + count) + 65536
  let ok = true
  let max = -1
  mms.forEach((_, id) => {
    if (id >= 0 && id < limit && Number.isInteger(id)) max = Math.max(max, id)
    else ok = false
  })
  if (!ok) return null
  const index: (Mm | undefined)[] = []
  grow(index, max)
  mms.forEach((mm, id) => (index[id] = mm))
  return { index, limit }
}
