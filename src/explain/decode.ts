/**
 * @module Text encodings people's logs come in: UTF-8 (with or without a BOM) and UTF-16 (a log
 * saved by a Windows editor or PowerShell `>`: with a BOM, or without one but with a NUL after
 * every ASCII byte). Everything is handed to the parser as UTF-8.
 */

/** The UTF-16 byte order of a text starting with `head`, or null when it is not UTF-16. */
export function utf16Order(head: Buffer): 'utf-16le' | 'utf-16be' | null {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le'
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be'
  if (head.length < 8) return null
  let le = 0
  let be = 0
  const n = Math.min(head.length - 1, 64)
  for (let i = 0; i + 1 < n; i += 2) {
    if (head[i] !== 0 && head[i + 1] === 0) le++
    if (head[i] === 0 && head[i + 1] !== 0) be++
  }
  const pairs = Math.floor(n / 2)
  if (le >= pairs * 0.9) return 'utf-16le'
  if (be >= pairs * 0.9) return 'utf-16be'
  return null
}

/** `buf` as UTF-8 bytes without a byte-order mark. */
export function asUtf8(buf: Buffer): Buffer {
  const order = utf16Order(buf.subarray(0, 64))
  if (order !== null) {
    const text = new TextDecoder(order).decode(buf)
    return Buffer.from(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, 'utf8')
  }
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3)
  return buf
}
