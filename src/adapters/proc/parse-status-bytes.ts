/**
 * @module /proc/<pid>/status parsed from the bytes read, without decoding the file to a string:
 * a process scan reads thousands of these (~1.4 kB, ~55 lines each) and needs 14 lines. Same
 * result as `parseStatus` (parse-proc.ts) on the decoded text; a file it does not expect (a line
 * whose number is not plain digits) is handed to `parseStatus` instead.
 */
import type { ProcStatus } from './host-source.ts'
import { parseStatus } from './parse-proc.ts'

/** CapEff hex -> bigint, per distinct value (a host has a handful). */
const capCache = new Map<string, bigint>()

/** Where a value starts: after the key's ':' and the blanks (tab, space) that follow. */
function skipBlanks(b: Uint8Array, i: number, end: number): number {
  while (i < end && (b[i] === 9 || b[i] === 32)) i++
  return i
}

/** The decimal at `i` (after blanks), or -1 when there is none or it is not followed by a blank,
 * ' kB' or the end of the line (then the text parser decides). */
function decimalAt(b: Uint8Array, i: number, end: number): number {
  i = skipBlanks(b, i, end)
  let n = 0
  const start = i
  for (; i < end; i++) {
    const c = b[i]!
    if (c < 48 || c > 57) break
    n = n * 10 + (c - 48)
  }
  if (i === start || (i < end && b[i] !== 32 && b[i] !== 9)) return -1
  return n
}

/** Does the line at `at` start with `key` followed by ':'? */
function keyIs(b: Uint8Array, at: number, colon: number, key: string): boolean {
  if (colon - at !== key.length) return false
  for (let k = 0; k < key.length; k++) if (b[at + k] !== key.charCodeAt(k)) return false
  return true
}

/** The four decimals of the Uid line, or null when they are not four plain numbers. */
function uidsAt(b: Uint8Array, i: number, end: number): ProcStatus['uid'] | null {
  const out: number[] = []
  for (let k = 0; k < 4; k++) {
    i = skipBlanks(b, i, end)
    const n = decimalAt(b, i, end)
    if (n < 0) return null
    out.push(n)
    while (i < end && b[i]! >= 48 && b[i]! <= 57) i++
  }
  return skipBlanks(b, i, end) === end ? [out[0]!, out[1]!, out[2]!, out[3]!] : null
}

/** The first character of the State value ('' when the line has none). */
function stateAt(b: Uint8Array, i: number, end: number): string {
  i = skipBlanks(b, i, end)
  return i < end ? String.fromCharCode(b[i]!) : ''
}

function capAt(buf: Buffer, i: number, end: number): bigint {
  const hex = buf.toString('latin1', skipBlanks(buf, i, end), end).trim() || '0'
  let v = capCache.get(hex)
  if (v === undefined) {
    v = BigInt('0x' + hex)
    capCache.set(hex, v)
  }
  return v
}

/** The status fields `parseStatus` reads, filled in line by line. */
interface Draft {
  status: ProcStatus
  found: number
}

const KEYS = 14

/** Apply one line `key: value` (value from `v` to `end`); false when the text parser must decide. */
function applyLine(buf: Buffer, at: number, colon: number, end: number, d: Draft): boolean {
  const s = d.status
  const v = colon + 1
  const c = buf[at]
  let n = 0
  if (c === 78 && keyIs(buf, at, colon, 'Name')) s.name = buf.toString('utf8', v, end).trim()
  else if (c === 83 && keyIs(buf, at, colon, 'State')) s.state = stateAt(buf, v, end)
  else if (c === 84 && keyIs(buf, at, colon, 'Tgid')) n = s.tgid = decimalAt(buf, v, end)
  else if (c === 80 && keyIs(buf, at, colon, 'PPid')) n = s.ppid = decimalAt(buf, v, end)
  else if (c === 85 && keyIs(buf, at, colon, 'Uid')) {
    const u = uidsAt(buf, v, end)
    if (u === null) return false
    s.uid = u
  } else if (c === 75 && keyIs(buf, at, colon, 'Kthread')) {
    const k = decimalAt(buf, v, end)
    if (k < 0) return false
    s.kthread = k === 1
  } else if (c === 86 || c === 82) {
    if (keyIs(buf, at, colon, 'VmSize')) n = s.vmSizeKb = decimalAt(buf, v, end)
    else if (keyIs(buf, at, colon, 'RssAnon')) n = s.rssAnonKb = decimalAt(buf, v, end)
    else if (keyIs(buf, at, colon, 'RssFile')) n = s.rssFileKb = decimalAt(buf, v, end)
    else if (keyIs(buf, at, colon, 'RssShmem')) n = s.rssShmemKb = decimalAt(buf, v, end)
    else if (keyIs(buf, at, colon, 'VmPTE')) n = s.vmPteKb = decimalAt(buf, v, end)
    else if (keyIs(buf, at, colon, 'VmSwap')) n = s.vmSwapKb = decimalAt(buf, v, end)
    else return true
  } else if (c === 84 && keyIs(buf, at, colon, 'Threads')) n = s.threads = decimalAt(buf, v, end)
  else if (c === 67 && keyIs(buf, at, colon, 'CapEff')) s.capEff = capAt(buf, v, end)
  else return true
  d.found++
  return n >= 0
}

function emptyStatus(): ProcStatus {
  return {
    name: '',
    state: '?',
    tgid: 0,
    ppid: 0,
    uid: [0, 0, 0, 0],
    threads: 1,
    vmSizeKb: null,
    rssAnonKb: null,
    rssFileKb: null,
    rssShmemKb: null,
    vmSwapKb: null,
    vmPteKb: null,
    capEff: 0n,
    kthread: null
  }
}

/**
 * /proc/<pid>/status from `buf[0, length)`: the lines proc_pid_status() prints (task_state(),
 * task_mem(), task_sig(), task_cap(); fs/proc/array.c), read until the 14 it needs are found.
 */
export function parseStatusBytes(buf: Buffer, length: number): ProcStatus {
  const d: Draft = { status: emptyStatus(), found: 0 }
  let at = 0
  while (at < length && d.found < KEYS) {
    let end = buf.indexOf(10, at)
    if (end < 0 || end > length) end = length
    let colon = at
    while (colon < end && buf[colon] !== 58) colon++
    if (colon < end && !applyLine(buf, at, colon, end, d)) {
      return parseStatus(buf.toString('utf8', 0, length))
    }
    at = end + 1
  }
  return d.status
}
