/**
 * @module Lines that say the log lost messages: `explain --follow`'s own note when /dev/kmsg
 * records were overwritten before they were read, journald's "Missed N kernel messages", and the
 * kernel's ratelimit summary "func: N callbacks suppressed" (___ratelimit(), lib/ratelimit.c). A
 * report near a gap may be incomplete, and a whole report may be in the gap.
 */

const KMSG_LOST = /^oomkit: \/dev\/kmsg: (\d+|some) messages lost/
const JOURNAL_MISSED = /^Missed (\d+) kernel messages/
const SUPPRESSED = /^(\S+): (\d+) callbacks suppressed/

/** A gap: the warning, and whether it belongs to the next report rather than the open one. */
export interface Gap {
  message: string
  next: boolean
}

/** False when no gap line can be in `text` (nor in any part of it): the cheap test first. */
export function mayBeGap(text: string): boolean {
  return text.includes(' messages') || text.includes(' callbacks suppressed')
}

/**
 * False when `text` itself is no gap line: each form starts its text ("oomkit: ...", "Missed
 * ...", or one word and ": N callbacks suppressed"), so its first bytes rule most lines out.
 */
export function mayStartGap(text: string): boolean {
  const c = text.charCodeAt(0)
  if (c === 111 /* o */ || c === 77 /* M */) return true
  // SUPPRESSED: the first space follows "word:" and precedes the count.
  const sp = text.indexOf(' ')
  if (sp < 2 || text.charCodeAt(sp - 1) !== 58 /* : */) return false
  const d = text.charCodeAt(sp + 1)
  return d >= 48 && d <= 57
}

/** What a gap line says; null for any other line. */
export function gapOf(text: string): Gap | null {
  // Every log line passes here: a cheap test first.
  if (!mayBeGap(text)) return null
  let m: RegExpExecArray | null
  if ((m = KMSG_LOST.exec(text)))
    return {
      message: `${m[1] ?? 'some'} /dev/kmsg messages lost (overwritten before they were read): this report may be incomplete, or a report may be missing`,
      next: false
    }
  if ((m = JOURNAL_MISSED.exec(text)))
    return {
      message: `journald missed ${m[1] ?? '?'} kernel messages: this report may be incomplete, or a report may be missing`,
      next: false
    }
  // ___ratelimit() prints the count when it lets the next message through: before that report.
  if ((m = SUPPRESSED.exec(text)))
    return {
      message: `the kernel's ratelimit in ${m[1] ?? '?'} suppressed ${m[2] ?? '?'} messages before this report (whole OOM reports may be among them)`,
      next: true
    }
  return null
}
