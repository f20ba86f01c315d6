/**
 * @module Line classification: what one prefix-stripped kernel message line is, with its fields.
 * Context-free; the assembler decides what a line means for the event under construction.
 */
import { parseBannerLine, parseCpusetLine, parseInvokedLine } from './parse-header.ts'
import type { BannerLine, HeaderLine } from './parse-header.ts'
import { parseKillLine } from './parse-kill.ts'
import type { KillLine } from './parse-kill.ts'
import { parseMemLine } from './parse-meminfo.ts'
import type { MemLine } from './parse-meminfo.ts'
import { parseMemcgLine } from './parse-memcg.ts'
import type { MemcgLine } from './parse-memcg.ts'
import { parseRawRow, parseTableHeader } from './parse-tasks.ts'
import type { RawRow, TableHeader } from './parse-tasks.ts'

/** A classified line. */
export type LineInfo =
  | { kind: 'header'; header: HeaderLine }
  | { kind: 'cpuset'; comm: string; cpuset: string; mems: number[] | null }
  | { kind: 'banner'; banner: BannerLine }
  | { kind: 'hardware'; name: string }
  | { kind: 'stack' }
  | { kind: 'tasks-state' }
  | { kind: 'table-header'; header: TableHeader }
  | { kind: 'row'; row: RawRow }
  /** A row joined with the line it was wrapped onto (wrap-join.ts); replaces the last row. */
  | { kind: 'row-joined'; row: RawRow }
  | { kind: 'elision' }
  | { kind: 'slab' }
  | MemLine
  | MemcgLine
  | KillLine
  | { kind: 'other' }

const OTHER: LineInfo = { kind: 'other' }
const STACK: LineInfo = { kind: 'stack' }

const STACK_LINE =
  /^(?:Call Trace:|<\/?(?:TASK|IRQ|NMI|EOI)>|\s*(?:\? )?[\w.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+|\s*\[<[0-9a-f]+>\]|RIP: |Code: |RSP: |R[A-Z0-9]{2}: |FS: |CS: |CR2: |DR[0-9]: |Workqueue: |Modules linked in:|\s*(?:[0-9a-f]{16}\s?){2,}$|\s*(?:[0-9a-f]{8}\s){3,}|\s*(?:PREEMPT|Tainted|Not tainted))/

/** First characters of a memcg-block line (parse-memcg.ts: Task in, Memory ..., memory, kmem, swap, tcpmem). */
const MEMCG_FIRST = new Set([...'TMmkst'].map(ch => ch.charCodeAt(0)))
/** First characters of an elision mark ("<snip>", "...", "…", "[...]", "(snip)", "-- cut --"). */
const ELISION_FIRST = new Set([...'<.…[(-'].map(ch => ch.charCodeAt(0)))

/** A word every closing line holds (one search for all of them). */
const KILL_WORDS = /ill|oom|emory|-rss:|panic|allocation failure|^score |^task=/

/** Classify one prefix-stripped line. Never throws. */
export function classifyLine(text: string): LineInfo {
  const t = text.trimStart()
  if (t.length === 0) return OTHER
  const c = t.charCodeAt(0)
  // Every closing line, and the header (its "oom"), holds one of these words.
  const killish = KILL_WORDS.test(t)
  if (killish && text.includes(' invoked oom-killer:')) {
    const header = parseInvokedLine(text)
    if (header) return { kind: 'header', header }
  }
  if (c === 91 /* [ */) {
    const th = parseTableHeader(t)
    if (th) return { kind: 'table-header', header: th }
    const row = parseRawRow(t)
    if (row) return { kind: 'row', row }
    if (t.startsWith('[<')) return STACK
    if (t === '[...]') return { kind: 'elision' }
    return OTHER
  }
  if (t.startsWith('Tasks state (memory values in pages)')) return { kind: 'tasks-state' }
  // Closing lines carry the most distinctive words; test them before the generic shapes.
  if (killish) {
    const k = parseKillLine(t)
    if (k) return k
  }
  const mc = MEMCG_FIRST.has(c) ? parseMemcgLine(t) : null
  if (mc) return mc
  const ml = parseMemLine(text)
  if (ml) return ml
  if (c === 67 /* C */ || c === 80 /* P */) {
    const banner = parseBannerLine(t)
    if (banner) return { kind: 'banner', banner }
  }
  if (t.startsWith('Hardware name: ')) return { kind: 'hardware', name: t.slice(15).trim() }
  if (t.includes(' cpuset=') && t.includes(' mems_allowed=')) {
    const cs = parseCpusetLine(t)
    if (cs) return { kind: 'cpuset', ...cs }
  }
  // dump_unreclaimable_slab() (>= 4.15): "Unreclaimable slab info:", a header, "%-17s %10luKB %10luKB".
  if (
    t.startsWith('Unreclaimable slab info:') ||
    /^Name\s+Used\s+Total\s*$/.test(t) ||
    (t.trimEnd().endsWith('KB') && /^\S.{0,40}?\s+\d+KB\s+\d+KB\s*$/.test(t))
  )
    return { kind: 'slab' }
  if (STACK_LINE.test(text)) return STACK
  if (
    ELISION_FIRST.has(c) &&
    /^(?:<\s*snip\w*\s*>|\.{3,}|…+|[[(]\s*\.*\s*(?:snip\w*)?\s*\.*\s*[\])]|-+ ?(?:snip|cut)\w* ?-+)\s*$/i.test(
      t
    )
  )
    return { kind: 'elision' }
  return OTHER
}
