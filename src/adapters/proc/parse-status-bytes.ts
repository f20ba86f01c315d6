/**
 * @module /proc/<pid>/status parsed from the bytes read: a process scan reads thousands of these
 * (~1.4 kB, ~55 lines each) and needs 14 lines. The bytes become one latin1 string (a copy, no
 * UTF-8 decoding: offsets stay byte offsets) searched with native substring searches; only the
 * Name value is decoded as UTF-8. `parseStatus` (parse-proc.ts) reads a decoded text through it.
 */
import type { ProcStatus } from './host-source.ts'

/** The lines read, in the order proc_pid_status() prints them (task_state(), task_mem(),
 * task_sig(), task_cap(); fs/proc/array.c). */
const KEYS = [
  'Name',
  'State',
  'Tgid',
  'PPid',
  'Uid',
  'Kthread',
  'VmSize',
  'RssAnon',
  'RssFile',
  'RssShmem',
  'VmPTE',
  'VmSwap',
  'Threads',
  'CapEff'
] as const
const NEEDLES = KEYS.map(k => `${k}:`)
const AFTER_NEWLINE = KEYS.map(k => `\n${k}:`)

/** CapEff hex -> bigint, per distinct value (a host has a handful). */
const capCache = new Map<string, bigint>()
const UIDS = /^(\d+)\t(\d+)\t(\d+)\t(\d+)$/

function kb(raw: string | undefined): number | null {
  if (raw === undefined) return null
  const n = parseInt(raw, 10)
  return Number.isFinite(n) ? n : null
}

function uids(raw: string | undefined): ProcStatus['uid'] {
  const value = (raw ?? '0 0 0 0').trim()
  const m = UIDS.exec(value)
  const u = m ? [m[1], m[2], m[3], m[4]].map(Number) : value.split(/\s+/).map(Number)
  return [u[0] ?? 0, u[1] ?? 0, u[2] ?? 0, u[3] ?? 0]
}

function capEff(raw: string | undefined): bigint {
  const hex = raw?.trim() || '0'
  let v = capCache.get(hex)
  if (v === undefined) {
    v = BigInt('0x' + hex)
    capCache.set(hex, v)
  }
  return v
}

/** The raw value (untrimmed: parseInt and Number skip the blanks themselves) of each line of
 * KEYS by index, undefined for a line the file lacks; reused from file to file. */
const raw: (string | undefined)[] = KEYS.map(() => undefined)

/** Fill `raw` from the latin1 `text`; returns the Name value decoded as UTF-8 from the bytes. */
function readLines(buf: Buffer, text: string): string {
  let name = ''
  let from = 0
  for (let k = 0; k < KEYS.length; k++) {
    raw[k] = undefined
    const needle = NEEDLES[k]!
    const afterNewline = AFTER_NEWLINE[k]!
    let at = from === 0 && text.startsWith(needle) ? 0 : text.indexOf(afterNewline, from)
    if (at < 0 && from > 0) at = text.startsWith(needle) ? 0 : text.lastIndexOf(afterNewline, from)
    if (at < 0) continue
    if (text.charCodeAt(at) === 10) at += 1
    let end = text.indexOf('\n', at)
    if (end < 0) end = text.length
    if (k === 0) name = buf.toString('utf8', at + needle.length, end).trim()
    else raw[k] = text.slice(at + needle.length, end)
    from = end
  }
  return name
}

/** /proc/<pid>/status from `buf[0, length)`. Missing memory lines (kthreads, zombies): null. */
export function parseStatusBytes(buf: Buffer, length: number): ProcStatus {
  const name = readLines(buf, buf.toString('latin1', 0, length))
  const kthread = raw[5]?.trim()
  return {
    name,
    state: (raw[1]?.trim() ?? '?').charAt(0),
    tgid: Number(raw[2] ?? 0),
    ppid: Number(raw[3] ?? 0),
    uid: uids(raw[4]),
    threads: Number(raw[12] ?? 1),
    vmSizeKb: kb(raw[6]),
    rssAnonKb: kb(raw[7]),
    rssFileKb: kb(raw[8]),
    rssShmemKb: kb(raw[9]),
    vmPteKb: kb(raw[10]),
    vmSwapKb: kb(raw[11]),
    capEff: capEff(raw[13]),
    kthread: kthread === undefined ? null : kthread === '1'
  }
}
