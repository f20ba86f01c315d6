/**
 * @module A Map that counts its mutations (set/delete/clear), so derived indexes (the victim
 * scan's dense mm index) can be reused until the Map changes. `makeState()` uses it for
 * `OomState.mms` when it creates the Map itself. Mutating a stored value in place (an mm's
 * counters) is not a mutation of the Map and needs no new index.
 */

/** A Map with a `version` bumped by every set, delete and clear. */
export class VersionedMap<K, V> extends Map<K, V> {
  /** Starts at 0 once constructed; any mutation increments it. */
  version = 0

  override set(key: K, value: V): this {
    this.version = (this.version || 0) + 1
    return super.set(key, value)
  }

  override delete(key: K): boolean {
    this.version = (this.version || 0) + 1
    return super.delete(key)
  }

  override clear(): void {
    this.version = (this.version || 0) + 1
    super.clear()
  }
}
