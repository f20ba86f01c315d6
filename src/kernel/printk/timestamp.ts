/**
 * @module dmesg-style record prefixes: `[%5lu.%06lu] ` from a printk timestamp in nanoseconds.
 */

/** One printk record: a line of text at a time and log level (KERN_EMERG 0 .. KERN_DEBUG 7). */
export interface PrintkLine {
  timeNs: number
  level: number
  text: string
}

/** `[%5lu.%06lu]`: seconds right-aligned in 5, microseconds zero-padded to 6 (e.g. `[   30.745678]`). */
export function formatDmesgTimestamp(timeNs: number): string {
  const ns = Math.max(0, Math.trunc(timeNs))
  const sec = Math.floor(ns / 1e9)
  const usec = Math.floor((ns % 1e9) / 1e3)
  return `[${String(sec).padStart(5, ' ')}.${String(usec).padStart(6, '0')}]`
}

/** Each record as dmesg prints it: timestamp, a space, the text. One string per line. */
export function formatDmesg(records: readonly PrintkLine[]): string[] {
  return records.map(r => `${formatDmesgTimestamp(r.timeNs)} ${r.text}`)
}
