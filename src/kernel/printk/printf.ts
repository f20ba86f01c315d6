/**
 * @module The few printf conversions the OOM printk formats use, with the kernel's vsprintf
 * semantics: right-aligned widths that grow when the value is longer, `%hd` truncation to a
 * signed short, `%*pbl` bitmap range lists.
 */

/** `%<width>d` / `%<width>lu` / `%<width>ld`: right-aligned, never truncated. */
export function padNum(value: number, width: number): string {
  return String(Math.trunc(value)).padStart(width, ' ')
}

/** `%<width>s` right-aligned, `%-<width>s` left-aligned (negative width). */
export function padStr(value: string, width: number): string {
  return width < 0 ? value.padEnd(-width, ' ') : value.padStart(width, ' ')
}

/** `%hd`: the value as a signed 16-bit short (oom_score_adj is a short in the kernel). */
export function short(value: number): number {
  return ((Math.trunc(value) << 16) >> 16) | 0
}

/** `%u`: the value as an unsigned 32-bit int. */
export function u32(value: number): number {
  return Math.trunc(value) >>> 0
}

/**
 * `%*pbl`: a bitmap (given as its set bit numbers) as a range list, e.g. `0`, `0-1`, `0,2-3`.
 * An empty bitmap prints the empty string.
 */
export function bitmapList(bits: readonly number[]): string {
  const sorted = [...new Set(bits)].sort((a, b) => a - b)
  const parts: string[] = []
  let i = 0
  while (i < sorted.length) {
    const start = sorted[i] as number
    let end = start
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) {
      i++
      end = sorted[i] as number
    }
    parts.push(start === end ? String(start) : `${start}-${end}`)
    i++
  }
  return parts.join(',')
}

/** A nodemask as dump_header / the oom-kill line print it: `%*pbl`, or `(null)` for NULL. */
export function nodemaskText(mask: readonly number[] | null): string {
  return mask === null ? '(null)' : bitmapList(mask)
}

/**
 * `%llu` of a 64-bit counter: exact for bigint and for any integral double (a double above
 * 2^53 such as 9223372036854771712 prints all its digits, not JavaScript's rounded form).
 */
export function u64(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString()
  if (Number.isSafeInteger(value)) return String(value)
  return Number.isFinite(value) ? BigInt(Math.trunc(value)).toString() : '0'
}
