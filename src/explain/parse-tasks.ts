/**
 * @module dump_tasks: the column header in every layout (2.6 cpu/oom_adj, RHEL6
 * cpu/oom_adj/oom_score_adj, 3.x nr_ptes, 4.0–4.14 nr_ptes+nr_pmds, 4.15+ pgtables_bytes,
 * 6.8+ rss_anon/rss_file/rss_shmem) and its rows, whose comm may contain spaces. Rows are in
 * pages (pgtables_bytes in bytes) as printed.
 */
import type { TaskRow } from '../kernel/oom-report.ts'
import type { TableLayout } from './oom-event.ts'

/** A parsed table header: the numeric columns after tgid, in order. */
export interface TableHeader {
  layout: TableLayout
  columns: string[]
}

const HEADER = /^\s*\[\s*pid\s*\]\s+uid\s+tgid\s+(.*)$/
const ROW = /^\s*\[\s*(\d+)\]\s+(-?\d+)\s+(-?\d+)(.*)$/

/** The numeric columns (after tgid) of each layout. */
export const LAYOUT_COLUMNS: Readonly<Record<TableLayout, readonly string[]>> = {
  '2.6-old': ['total_vm', 'rss', 'cpu', 'oom_adj'],
  rhel6: ['total_vm', 'rss', 'cpu', 'oom_adj', 'oom_score_adj'],
  '3x': ['total_vm', 'rss', 'nr_ptes', 'swapents', 'oom_score_adj'],
  '4.0': ['total_vm', 'rss', 'nr_ptes', 'nr_pmds', 'swapents', 'oom_score_adj'],
  '4.15': ['total_vm', 'rss', 'pgtables_bytes', 'swapents', 'oom_score_adj'],
  '4.19': ['total_vm', 'rss', 'pgtables_bytes', 'swapents', 'oom_score_adj'],
  '6.8': [
    'total_vm',
    'rss',
    'rss_anon',
    'rss_file',
    'rss_shmem',
    'pgtables_bytes',
    'swapents',
    'oom_score_adj'
  ]
}

/** Which layout a list of column names is. */
function layoutOf(columns: readonly string[], widePid: boolean): TableLayout {
  const has = (c: string): boolean => columns.includes(c)
  if (has('rss_anon')) return '6.8'
  if (has('pgtables_bytes')) return widePid ? '4.19' : '4.15'
  if (has('nr_pmds')) return '4.0'
  if (has('nr_ptes')) return '3x'
  if (has('cpu') && has('oom_score_adj')) return 'rhel6'
  if (has('cpu')) return '2.6-old'
  return widePid ? '4.19' : '3x'
}

/** Parse "[ pid ]   uid  tgid total_vm ... name" (any layout); null otherwise. */
export function parseTableHeader(text: string): TableHeader | null {
  const m = HEADER.exec(text)
  if (!m) return null
  const columns = (m[1] ?? '').trim().split(/\s+/)
  if (columns[columns.length - 1] === 'name') columns.pop()
  const widePid = /^\s*\[\s{2,}pid\s{2,}\]/.test(text)
  const layout = layoutOf(columns, widePid)
  // A header cut short (80-column mail) still names its layout; use the full column list.
  const full = LAYOUT_COLUMNS[layout]
  return { layout, columns: columns.length >= full.length ? columns : [...full] }
}

/** A raw table row: pid, uid, tgid, the numbers that follow and the comm. */
export interface RawRow {
  pid: number
  uid: number
  tgid: number
  numbers: number[]
  comm: string
  /** The text after tgid and where each number ends in it, to re-split for a known layout. */
  rest: string
  ends: number[]
}

/** Split "[ 1234]  uid tgid n n n ... comm with spaces" without knowing the layout. */
export function parseRawRow(text: string, maxNumbers = 8): RawRow | null {
  const m = ROW.exec(text)
  if (!m) return null
  const rest = m[4] ?? ''
  if (rest !== '' && !/^\s/.test(rest)) return null
  const numbers: number[] = []
  const ends: number[] = []
  let i = 0
  const n = rest.length
  while (numbers.length < maxNumbers) {
    while (i < n && rest.charCodeAt(i) === 32) i++
    let j = i
    if (rest.charCodeAt(j) === 45 /* - */) j++
    const digitsStart = j
    while (j < n && rest.charCodeAt(j) >= 48 && rest.charCodeAt(j) <= 57) j++
    if (j === digitsStart || (j < n && rest.charCodeAt(j) !== 32)) break
    numbers.push(Number(rest.slice(i, j)))
    ends.push(j)
    i = j
  }
  while (i < n && rest.charCodeAt(i) === 32) i++
  return {
    pid: Number(m[1]),
    uid: Number(m[2]),
    tgid: Number(m[3]),
    numbers,
    // The comm is kept exactly (it may hold spaces, even trailing ones).
    comm: rest.slice(i),
    rest,
    ends
  }
}

/**
 * Guess a layout for rows printed without their header, from the count of numbers and their
 * sizes (pgtables_bytes is a multiple of 4096; nr_ptes is a small page count).
 */
export function guessLayout(raw: RawRow, preferred: TableLayout | null): TableLayout | null {
  const k = raw.numbers.length
  if (preferred !== null && LAYOUT_COLUMNS[preferred].length === k) return preferred
  if (k >= 8) return '6.8'
  if (k === 6) return '4.0'
  if (k === 5) {
    const third = raw.numbers[2] ?? 0
    if (third >= 4096 && third % 4096 === 0) return '4.19'
    return '3x'
  }
  if (k === 4) return '2.6-old'
  return null
}

/** Turn a raw row into a TaskRow with the columns of `columns` (others 0). */
export function rowFromRaw(raw: RawRow, columns: readonly string[]): TaskRow {
  const get = (name: string): number | undefined => {
    const at = columns.indexOf(name)
    return at < 0 ? undefined : raw.numbers[at]
  }
  // With a known layout, numbers past its columns belong to the comm ("... 0 7 zip").
  let comm = raw.comm
  if (raw.numbers.length > columns.length && columns.length > 0) {
    const end = raw.ends[columns.length - 1] ?? 0
    comm = raw.rest.slice(end).replace(/^ +/, '')
  }
  const rss = get('rss') ?? 0
  const anon = get('rss_anon')
  const file = get('rss_file')
  const shmem = get('rss_shmem')
  const nrPtes = get('nr_ptes') ?? 0
  const nrPmds = get('nr_pmds') ?? 0
  const pgBytes = get('pgtables_bytes')
  const row: TaskRow = {
    pid: raw.pid,
    uid: raw.uid,
    tgid: raw.tgid,
    totalVm: get('total_vm') ?? 0,
    rss,
    rssAnon: anon ?? rss,
    rssFile: file ?? 0,
    rssShmem: shmem ?? 0,
    pgtablesBytes: pgBytes ?? (nrPtes + nrPmds) * 4096,
    nrPtes: pgBytes !== undefined ? Math.floor(pgBytes / 4096) : nrPtes,
    nrPmds,
    swapEnts: get('swapents') ?? 0,
    oomScoreAdj: get('oom_score_adj') ?? oomAdjToScoreAdj(get('oom_adj') ?? 0),
    comm
  }
  const cpu = get('cpu')
  const oomAdj = get('oom_adj')
  if (cpu !== undefined) row.cpu = cpu
  if (oomAdj !== undefined) row.oomAdj = oomAdj
  return row
}

/** oom_adj -> oom_score_adj as the kernel maps writes (OOM_DISABLE -17 becomes -1000). */
function oomAdjToScoreAdj(adj: number): number {
  if (adj === -17) return -1000
  return Math.trunc((adj * 1000) / 17)
}
