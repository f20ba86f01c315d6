/** Test builders: OomReportData pieces with zero defaults, so a test states only what it checks. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type {
  KilledInfo,
  MemcgInfo,
  NodeMemInfo,
  OomReportData,
  OomTrigger,
  ShowMem,
  TaskRow,
  ZoneInfo
} from '../../../src/kernel/oom-report.ts'
import { emptyNode, emptyShowMem, emptyZone } from '../../../src/explain/empty-mem.ts'

export function row(p: Partial<TaskRow> & Pick<TaskRow, 'pid' | 'comm'>): TaskRow {
  return {
    uid: 0,
    tgid: p.pid,
    totalVm: 0,
    rss: 0,
    rssAnon: 0,
    rssFile: 0,
    rssShmem: 0,
    pgtablesBytes: 0,
    nrPtes: 0,
    nrPmds: 0,
    swapEnts: 0,
    oomScoreAdj: 0,
    ...p
  }
}

/** Buddy lists from "0 0 1:M 2:UE ..." (count, optional migratetype letters, per order). */
export function buddy(spec: string): ZoneInfo['buddy'] {
  return spec.split(' ').map(t => {
    const [count, types] = t.split(':')
    return { count: Number(count), types: types ?? '' }
  })
}

export function zone(p: Partial<ZoneInfo> & Pick<ZoneInfo, 'name'>): ZoneInfo {
  return { ...emptyZone(0, p.name), ...p }
}

export function node(p: Partial<NodeMemInfo>): NodeMemInfo {
  return { ...emptyNode(0), ...p }
}

export function showMem(p: Partial<ShowMem>): ShowMem {
  return { ...emptyShowMem(), ...p }
}

export function trigger(p: Partial<OomTrigger> & Pick<OomTrigger, 'comm' | 'pid'>): OomTrigger {
  return {
    uid: 0,
    gfpMask: 0,
    order: 0,
    oomScoreAdj: 0,
    nodemask: null,
    cpuset: '/',
    memsAllowed: [0],
    ...p
  }
}

export function killed(p: Partial<KilledInfo> & Pick<KilledInfo, 'pid' | 'comm'>): KilledInfo {
  return {
    message: 'Out of memory',
    totalVmKb: 0,
    anonRssKb: 0,
    fileRssKb: 0,
    shmemRssKb: 0,
    uid: 0,
    pgtablesKb: 0,
    oomScoreAdj: 0,
    ...p
  }
}

export function memcg(p: Partial<MemcgInfo> & Pick<MemcgInfo, 'oomMemcg'>): MemcgInfo {
  return {
    taskMemcg: null,
    memory: { usageKb: 0, limitKb: 0, failcnt: 0 },
    stats: [],
    ...p
  }
}

export function report(p: Partial<OomReportData> & Pick<OomReportData, 'trigger'>): OomReportData {
  return {
    kernelRelease: '6.11.0',
    hardware: null,
    cpu: 0,
    constraint: 'CONSTRAINT_NONE',
    nodemask: null,
    showMem: null,
    memcgInfo: null,
    tasks: null,
    oomMemcg: null,
    victim: null,
    sacrifice: null,
    killed: null,
    ...p
  }
}

const root = fileURLToPath(new URL('../../../', import.meta.url))

/** Expected text from tests/golden/<name>, one string per line (trailing newline dropped). */
export function golden(name: string): string[] {
  const text = readFileSync(`${root}tests/golden/${name}`, 'utf8')
  return text.replace(/\n$/, '').split('\n')
}

/** A fixture log's lines (tests/fixtures/...). */
export function fixtureLines(rel: string): string[] {
  return readFileSync(`${root}tests/fixtures/${rel}`, 'utf8').replace(/\n$/, '').split('\n')
}

/**
 * Strip log prefixes: syslog `Mon DD HH:MM:SS host kernel: `, VMware `... Guest: <N>`,
 * and the dmesg `[ sec.usec] ` timestamp.
 */
export function stripPrefix(line: string): string {
  return line
    .replace(/^\S+ In\(\d+\) \S+ - Guest: <\d>/, '')
    .replace(/^[A-Z][a-z]{2} [ \d]\d [\d:]{8} (?:\S+ )?kernel: /, '')
    .replace(/^\[ *\d+\.\d+\] /, '')
}

/**
 * dump_stack noise a simulated kernel cannot reproduce: trace entries (with offsets in a real
 * report; function names alone from a build oomkit has no symbols of) and register dumps.
 */
export function isStackNoise(line: string): boolean {
  return (
    /^ (?:\? )?[\w.]+\+0x[0-9a-f]+\/0x[0-9a-f]+/.test(line) ||
    /^ (?:\? )?[\w.]+$/.test(line) ||
    /^ ?\[<[0-9a-f]+>\]/.test(line) ||
    /^ (?:[0-9a-f]{16} ?)+$/.test(line) ||
    /^(?:RIP|Code|RSP|RAX|RDX|RBP|R10|R13):/.test(line)
  )
}

const numericCols: Record<string, (keyof TaskRow)[]> = {
  rhel6: ['uid', 'tgid', 'totalVm', 'rss', 'cpu', 'oomAdj', 'oomScoreAdj'],
  '3x': ['uid', 'tgid', 'totalVm', 'rss', 'nrPtes', 'swapEnts', 'oomScoreAdj'],
  '4.0': ['uid', 'tgid', 'totalVm', 'rss', 'nrPtes', 'nrPmds', 'swapEnts', 'oomScoreAdj'],
  '4.15': ['uid', 'tgid', 'totalVm', 'rss', 'pgtablesBytes', 'swapEnts', 'oomScoreAdj'],
  '4.19': ['uid', 'tgid', 'totalVm', 'rss', 'pgtablesBytes', 'swapEnts', 'oomScoreAdj'],
  '6.8': [
    'uid',
    'tgid',
    'totalVm',
    'rss',
    'rssAnon',
    'rssFile',
    'rssShmem',
    'pgtablesBytes',
    'swapEnts',
    'oomScoreAdj'
  ]
}

/**
 * The numbers of a real dump_tasks row, read with a regex (whitespace-insensitive), so a test
 * can check that rendering them reproduces the row's exact spacing. The comm is the rest.
 */
export function rowFromLine(line: string, layout: string): TaskRow {
  const cols = numericCols[layout]!
  const re = new RegExp(`^\\[\\s*(-?\\d+)\\]${'\\s+(-?\\d+)'.repeat(cols.length)} (.*)$`)
  const m = re.exec(line)
  if (m === null) throw new Error(`not a ${layout} task row: ${line}`)
  const r: Record<string, unknown> = { pid: Number(m[1]), comm: m[cols.length + 2] }
  cols.forEach((k, i) => (r[k] = Number(m[i + 2])))
  return row(r as Partial<TaskRow> & Pick<TaskRow, 'pid' | 'comm'>)
}

/** The task rows of a golden text: every line after `header` that parses as a row. */
export function rowsAfter(lines: readonly string[], header: string, layout: string): TaskRow[] {
  const out: TaskRow[] = []
  for (let i = lines.indexOf(header) + 1; i < lines.length; i++) {
    const l = lines[i]!
    if (!/^\[\s*\d+\]/.test(l)) break
    out.push(rowFromLine(l, layout))
  }
  return out
}
