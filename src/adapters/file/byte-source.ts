/**
 * @module The log `oomkit explain` scans, as random-access bytes (the interface src/explain reads
 * through, so it does no I/O itself): a regular file read at positions, or text already in memory.
 */

export interface ByteSource {
  /** Length in bytes. */
  readonly size: number
  /** The whole input, when it is already in memory (a pipe read to its end). */
  readonly contents?: Buffer
  /** Copy up to `length` bytes at `position` into `into` at `offset`; returns the count (0 at end). */
  readInto(into: Buffer, offset: number, length: number, position: number): number
}

/** A source over bytes already in memory. */
export function bufferSource(contents: Buffer): ByteSource {
  return {
    size: contents.length,
    contents,
    readInto: (into, offset, length, position) =>
      contents.copy(into, offset, position, Math.min(contents.length, position + length))
  }
}
