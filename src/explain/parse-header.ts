/**
 * @module Parsers for the lines that open an OOM report: "invoked oom-killer" in every form
 * (2.6 `oomkilladj=`, 3.x `oom_adj=`, 4.5+ `%pGg` names, 4.9–4.20 nodemask, 5.0+), the 3.x–4.20
 * cpuset line, the dump_stack banner ("CPU: n PID: p Comm:", 6.10+ "CPU: n UID: u PID:",
 * 2.6 "Pid: p, comm:") and "Hardware name:".
 */

/** Fields of an "invoked oom-killer" line; null where the line did not carry (or lost) them. */
export interface HeaderLine {
  comm: string
  gfpMask: number | null
  gfpNames: string[]
  nodemask: number[] | null
  order: number | null
  oomAdj: number | null
  oomScoreAdj: number | null
  /** The line stopped before oom_score_adj (cut or wrapped). */
  truncated: boolean
}

const INVOKED = ' invoked oom-killer:'

/** Parse a "%*pbl" node list ("0", "0-1", "0,2-3"); null for "(null)" or garbage. */
export function parseNodeList(text: string): number[] | null {
  const t = text.trim()
  if (t === '' || t === '(null)') return null
  const out: number[] = []
  for (const part of t.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (!m) return null
    const a = Number(m[1])
    const b = m[2] === undefined ? a : Number(m[2])
    if (b < a || b - a > 4096) return null
    for (let i = a; i <= b; i++) out.push(i)
  }
  return out
}

/** A signed decimal or null. */
function int(text: string | undefined): number | null {
  if (text === undefined || !/^-?\d+$/.test(text)) return null
  return Number(text)
}

/** Parse "COMM invoked oom-killer: ..." or null when the line is something else. */
export function parseInvokedLine(text: string): HeaderLine | null {
  const at = text.indexOf(INVOKED)
  if (at < 0) return null
  const comm = text.slice(0, at).replace(/^\s+/, '')
  const rest = text.slice(at + INVOKED.length)
  // Every form continues with "gfp_mask=" (cut short at worst): prose such as "kswapd0 invoked
  // oom-killer: (who triggered it)" is not a header.
  const head = rest.trimStart().slice(0, 9)
  if (head !== '' && !'gfp_mask='.startsWith(head)) return null
  let gfpMask: number | null = null
  let gfpNames: string[] = []
  const g = /gfp_mask=(0x[0-9a-fA-F]+|\d+)(?:\(([^)]*)\)?)?/.exec(rest)
  if (g) {
    gfpMask = Number.parseInt(g[1] ?? '', g[1]?.startsWith('0x') ? 16 : 10)
    if (Number.isNaN(gfpMask)) gfpMask = null
    if (g[2] !== undefined && g[2] !== '') gfpNames = g[2].split('|').filter(s => s !== '')
  }
  const nm = /nodemask=(\(null\)|\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)/.exec(rest)
  const order = int(/order=(-?\d+)/.exec(rest)?.[1])
  const oomAdj = int(/(?:^|[\s,])(?:oom_adj|oomkilladj)=(-?\d+)/.exec(rest)?.[1])
  const adjM = /oom_score_adj=(-?\d+)/.exec(rest)
  const oomScoreAdj = int(adjM?.[1])
  return {
    comm,
    gfpMask,
    gfpNames,
    nodemask: nm ? parseNodeList(nm[1] ?? '') : null,
    order,
    oomAdj,
    oomScoreAdj,
    // Every form ends with an adj field (oomkilladj=, oom_adj= or oom_score_adj=).
    truncated: adjM === null && oomAdj === null
  }
}

/** "COMM cpuset=NAME mems_allowed=LIST" (3.x–4.20). */
export function parseCpusetLine(
  text: string
): { comm: string; cpuset: string; mems: number[] | null } | null {
  const m = /^(.*?) cpuset=(\S*) mems_allowed=(\S*)\s*$/.exec(text)
  if (!m) return null
  return { comm: m[1] ?? '', cpuset: m[2] ?? '', mems: parseNodeList(m[3] ?? '') }
}

/** Fields of the dump_stack banner. */
export interface BannerLine {
  cpu: number | null
  uid: number | null
  pid: number
  comm: string
  release: string | null
}

const BANNER = /^CPU: (\d+) (?:UID: (\d+) )?PID: (\d+) Comm: (.*)$/
const BANNER_26 = /^Pid: (\d+), comm: (.*)$/
const RELEASE = /\b(\d+\.\d+(?:\.\d+)?[^\s]*)(?:\s+#|\s*$)/

/** Split the tail of a banner ("COMM Not tainted 6.11.0 #15 ...") into comm and release. */
function splitBannerTail(tail: string): { comm: string; release: string | null } {
  const t = /\s(Not tainted|Tainted:)/.exec(tail)
  if (!t) {
    // Some banners carry no taint text: "Comm: foo 5.10.0-1 #1".
    const r = / (\d+\.\d+\S*) #/.exec(tail)
    if (r) return { comm: tail.slice(0, r.index), release: r[1] ?? null }
    return { comm: tail.trim(), release: null }
  }
  const comm = tail.slice(0, t.index)
  const after = tail.slice(t.index + t[0].length)
  const r = RELEASE.exec(after)
  return { comm, release: r?.[1] ?? null }
}

/** "CPU: 1 UID: 0 PID: 116 Comm: stress-ng-vm Not tainted 6.11.0-... #15" and older forms. */
export function parseBannerLine(text: string): BannerLine | null {
  let m = BANNER.exec(text)
  if (m) {
    const { comm, release } = splitBannerTail(m[4] ?? '')
    return {
      cpu: Number(m[1]),
      uid: m[2] === undefined ? null : Number(m[2]),
      pid: Number(m[3]),
      comm,
      release
    }
  }
  m = BANNER_26.exec(text)
  if (m) {
    const { comm, release } = splitBannerTail(m[2] ?? '')
    return { cpu: null, uid: null, pid: Number(m[1]), comm, release }
  }
  return null
}
