/**
 * @module Escaping for the HTML report. Every string that came from a log or a scenario (comm
 * names, cgroup paths, whole log lines) passes through one of these before it reaches the page.
 */
import { formatSize } from '../units.ts'

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

/** Escape text for use in HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => HTML_ESCAPES[c] ?? c)
}

/**
 * Serialise data as JSON that is safe inside `<script type="application/json">`: no `<` (so no
 * `</script>` or `<!--`), and no U+2028/U+2029.
 */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/**
 * Make an inlined script or stylesheet safe to embed: break any `</script` or `</style` it may
 * contain (the bundled uPlot has none, but the check costs nothing).
 */
export function inlineSafe(code: string, tag: 'script' | 'style'): string {
  const re = tag === 'script' ? /<\/script/gi : /<\/style/gi
  return code.replace(re, m => '<\\/' + m.slice(2))
}

/** Format a kB (KiB) amount for people with the shared formatter: "984 KiB", "14.4 MiB". */
export function formatKb(kb: number): string {
  return formatSize(kb * 1024)
}

/** Format an integer with thin grouping: 1999425 -> "1 999 425". */
export function formatInt(n: number): string {
  const sign = n < 0 ? '-' : ''
  const digits = String(Math.round(Math.abs(n)))
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f')
}
