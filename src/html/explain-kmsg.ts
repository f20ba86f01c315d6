/**
 * @module /dev/kmsg records in the explain page's log excerpt, shown as dmesg shows them: the
 * record's "level,seq,usec,flags;" prefix becomes "[seconds.micros] ", as in the text output.
 */

const KMSG = /^(\d+),(\d+),(\d+),[^;]*;/

/** One excerpt line with a /dev/kmsg prefix rewritten as a dmesg stamp (others unchanged). */
export function kmsgAsDmesg(line: string): string {
  const m = KMSG.exec(line)
  if (!m) return line
  const digits = (m[3] ?? '0').padStart(7, '0')
  const stamp = `${digits.slice(0, -6).padStart(5)}.${digits.slice(-6)}`
  return `[${stamp}] ${line.slice(m[0].length)}`
}
