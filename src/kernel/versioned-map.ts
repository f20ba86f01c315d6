/**
 * @module A Map that counts its mutations (set/delete/clear), so derived indexes (the victim
 * scan's dense mm index) can be reused until the Map changes, and notes the keys of its latest
 * sets and deletes, so such an index follows a fork or an exit by patching those keys instead of
 * being rebuilt. `makeState()` uses it for `OomState.mms` when it creates the Map itself.
 * Mutating a stored value in place (an mm's counters) is not a mutation of the Map and needs no
 * new index.
 */

/** How many changed keys are remembered; an index further behind is rebuilt. */
export const JOURNAL_SIZE = 4096

/** A Map with a `version` bumped by every set, delete and clear. */
export class VersionedMap<K, V> extends Map<K, V> {
  /** Starts at 0 once constructed; any mutation increments it. */
  version = 0
  /** The key changed by mutation number v (v > version - JOURNAL_SIZE) at `journal[v % size]`. */
  private journal: K[] = []
  /** Mutations from this version on are in the journal (a clear starts it anew). */
  private journalFrom = 0

  override set(key: K, value: V): this {
    this.note(key)
    return super.set(key, value)
  }

  override delete(key: K): boolean {
    this.note(key)
    return super.delete(key)
  }

  override clear(): void {
    this.version = (this.version || 0) + 1
    this.journalFrom = this.version
    super.clear()
  }

  /**
   * The keys changed since `since` (with repeats), or null when they are no longer all known
   * (too many changes, or a clear).
   */
  changedSince(since: number): K[] | null {
    if (since < this.journalFrom || since < this.version - JOURNAL_SIZE || since > this.version)
      return null
    const out: K[] = []
    for (let v = since + 1; v <= this.version; v++) out.push(this.journal[v % JOURNAL_SIZE] as K)
    return out
  }

  private note(key: K): void {
    this.version = (this.version || 0) + 1
    // Map's constructor calls set() before the fields exist.
    this.journal ??= []
    this.journalFrom ??= 0
    this.journal[this.version % JOURNAL_SIZE] = key
  }
}
