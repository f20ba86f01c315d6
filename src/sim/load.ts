/**
 * @module Loading a scenario: YAML (or JSON) text -> a validated Scenario, or a ScenarioError
 * that points at `file:line:col` with what was expected. Parses with yaml.parseDocument and a
 * LineCounter so every zod issue and every broken reference maps back to its source position.
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node
} from 'yaml'
import type { z } from 'zod'
import { findProfile } from '../kernel/profiles.ts'
import { ScenarioSpec, type Scenario } from './schema.ts'
import { bytesToPages, parseDurationMs, parseSize as parseSizeBytes } from '../units.ts'

/** A mistake in a scenario file, with its position. */
export class ScenarioError extends Error {
  readonly where: string
  constructor(message: string, where: string) {
    super(message)
    this.name = 'ScenarioError'
    this.where = where
  }
}

type Path = readonly (string | number)[]

interface Located {
  doc: Document
  lc: LineCounter
  file: string
}

function posOf(l: Located, offset: number): string {
  const p = l.lc.linePos(offset)
  return `${l.file}:${p.line}:${p.col}`
}

/** The source offset of the node at `path` (or of the deepest existing ancestor). */
function offsetOf(l: Located, path: Path, keyOf?: string): number {
  let node: unknown = l.doc.contents
  const rangeStart = (n: unknown): number | undefined =>
    n !== null && typeof n === 'object' && 'range' in n ? (n as Node).range?.[0] : undefined
  let last = rangeStart(node) ?? 0
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        it => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg)
      )
      if (pair === undefined) return last
      node = pair.value
      last = rangeStart(node) ?? rangeStart(pair.key) ?? last
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)]
      if (item === undefined) return last
      node = item
      last = rangeStart(node) ?? last
    } else return last
  }
  if (keyOf !== undefined && isMap(node)) {
    const pair = node.items.find(
      it => isPair(it) && isScalar(it.key) && String(it.key.value) === keyOf
    )
    const k = pair !== undefined ? rangeStart(pair.key) : undefined
    if (k !== undefined) return k
  }
  return last
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'string') return `"${v}"`
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
    ? String(v)
    : typeof v
}

function valueAt(root: unknown, path: Path): unknown {
  let cur: unknown = root
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string | number, unknown>)[seg]
  }
  return cur
}

function fieldName(path: Path): string {
  const parts = path.map(p => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')
  return parts.replace(/^\./, '') || 'the scenario'
}

/** One readable sentence for a zod issue. */
function messageFor(
  issue: z.core.$ZodIssue,
  input: unknown
): { message: string; path: Path; key?: string } {
  const path = issue.path as Path
  const got = valueAt(input, path)
  const where = fieldName(path)
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '?'
      return { message: `unknown key '${key}' in ${where}`, path, key }
    }
    case 'invalid_type':
      if (got === undefined)
        return { message: `${where}: missing required field (expected ${issue.expected})`, path }
      return { message: `${where}: expected ${issue.expected}, got ${describe(got)}`, path }
    case 'invalid_union': {
      const disc = (issue as { discriminator?: string }).discriminator
      if (
        disc !== undefined ||
        issue.message.includes('discriminator') ||
        issue.errors.length === 0
      ) {
        const at = path[path.length - 1] === 'do' ? path : [...path, 'do']
        const v = valueAt(input, at)
        return {
          message: `${fieldName(at.slice(0, -1))}.do: unknown action ${describe(v)} (expected one of: touch, alloc, mmap, munmap, free, read, mlock, fork, exec, exit, kill, set-oom-score-adj, set-oom-adj, sysctl, cgroup-set, cgroup-move, sysrq, swapon, swapoff, wait)`,
          path: at
        }
      }
      // Pick the branch whose issue matches the input's type.
      for (const branch of issue.errors) {
        const first = branch[0]
        if (first === undefined) continue
        if (
          first.code === 'invalid_format' ||
          first.code === 'too_small' ||
          first.code === 'too_big'
        )
          return messageFor({ ...first, path: [...path, ...first.path] }, input)
      }
      return {
        message: `${where}: ${issue.message === 'Invalid input' ? `unexpected value ${describe(got)}` : issue.message}`,
        path
      }
    }
    case 'invalid_value':
      return {
        message: `${where}: expected one of ${issue.values.map(v => JSON.stringify(v)).join(', ')}, got ${describe(got)}`,
        path
      }
    case 'invalid_format':
      return {
        message: `${where}: ${issue.message.startsWith('Invalid') ? `bad format ${describe(got)}` : `expected ${issue.message}, got ${describe(got)}`}`,
        path
      }
    case 'too_small':
      return {
        message: `${where}: ${describe(got)} is too small (minimum ${String(issue.minimum)})`,
        path
      }
    case 'too_big':
      return {
        message: `${where}: ${describe(got)} is too large (maximum ${String(issue.maximum)})${issue.message.startsWith('Too') ? '' : `: ${issue.message}`}`,
        path
      }
    default:
      return { message: `${where}: ${issue.message}`, path }
  }
}

/** Parse and validate a scenario. Throws ScenarioError on the first mistake. */
export function parseScenario(text: string, file: string): Scenario {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true })
  const l: Located = { doc, lc, file }
  const err = doc.errors[0]
  if (err !== undefined) {
    const msg = err.message.split('\n')[0] ?? err.message
    throw new ScenarioError(
      `YAML syntax error: ${msg.replace(/ at line \d+, column \d+.*$/, '')}`,
      posOf(l, err.pos[0])
    )
  }
  const input: unknown = doc.toJS({ maxAliasCount: 100 })
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new ScenarioError(
      'expected a mapping with name, profile, machine and processes',
      `${file}:1:1`
    )
  const r = ScenarioSpec.safeParse(input)
  if (!r.success) {
    const issue = r.error.issues[0]
    if (issue !== undefined) {
      const m = messageFor(issue, input)
      throw new ScenarioError(m.message, posOf(l, offsetOf(l, m.path, m.key)))
    }
  }
  const s = r.data as Scenario
  checkReferences(s, (msg, path) => new ScenarioError(msg, posOf(l, offsetOf(l, path))))
  return s
}

/** Semantic checks: profiles, pids, cgroups, files, VMA names, swap devices. */
export function checkReferences(s: Scenario, fail: (msg: string, path: Path) => Error): void {
  if (findProfile(s.profile) === undefined)
    throw fail(
      `unknown kernel profile '${s.profile}' (try 6.11, 6.1, 5.10, 4.19, 3.10, rhel6 ...)`,
      ['profile']
    )
  const m = s.machine
  if (m.memory === undefined && m.nodes === undefined)
    throw fail('machine: give either memory (a total size) or nodes with zones', ['machine'])
  const order = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable']
  m.nodes?.forEach((n, ni) => {
    let last = -1
    n.zones.forEach((z, zi) => {
      const idx = order.indexOf(z.type)
      if (idx <= last)
        throw fail(
          `zone ${z.type} is out of order or repeated (zones go DMA, DMA32, Normal, HighMem, Movable)`,
          ['machine', 'nodes', ni, 'zones', zi, 'type']
        )
      last = idx
      if (z.managed !== undefined && sizeToPages(z.managed) > sizeToPages(z.present))
        throw fail(`managed (${String(z.managed)}) cannot exceed present (${String(z.present)})`, [
          'machine',
          'nodes',
          ni,
          'zones',
          zi,
          'managed'
        ])
    })
  })
  const nodeIds = new Set((m.nodes ?? [{}]).map((n, i) => (n as { id?: number }).id ?? i))
  const swaps = new Set((m.swap ?? []).map(d => d.name))
  const groups = new Set(['/', ...(s.cgroups?.groups ?? []).map(g => g.path)])
  const v = s.cgroups?.version ?? 2
  s.cgroups?.groups?.forEach((g, gi) => {
    const v1Keys = ['memory.limit_in_bytes', 'memory.memsw.limit_in_bytes', 'memory.oom_control']
    const v2Keys = [
      'memory.max',
      'memory.high',
      'memory.low',
      'memory.min',
      'memory.swap.max',
      'memory.oom.group'
    ]
    for (const k of v === 1 ? v2Keys : v1Keys)
      if (k in g)
        throw fail(`${k} is a cgroup v${v === 1 ? 2 : 1} file but cgroups.version is ${v}`, [
          'cgroups',
          'groups',
          gi,
          k
        ])
    const parent = g.path.slice(0, Math.max(1, g.path.lastIndexOf('/')))
    if (!groups.has(parent))
      throw fail(`parent cgroup '${parent}' of '${g.path}' is not declared`, [
        'cgroups',
        'groups',
        gi,
        'path'
      ])
    g['cpuset.mems']?.forEach((n, i) => {
      if (!nodeIds.has(n))
        throw fail(`cpuset.mems: node ${n} does not exist`, [
          'cgroups',
          'groups',
          gi,
          'cpuset.mems',
          i
        ])
    })
  })
  const files = new Set((s.files ?? []).map(f => f.path))
  s.files?.forEach((f, fi) => {
    if (f.memcg !== undefined && !groups.has(f.memcg))
      throw fail(`unknown cgroup '${f.memcg}'`, ['files', fi, 'memcg'])
  })
  const pids = new Set<number>()
  const vmaNames = new Map<number, Set<string>>()
  s.processes.forEach((p, pi) => {
    if (pids.has(p.pid)) throw fail(`duplicate pid ${p.pid}`, ['processes', pi, 'pid'])
    pids.add(p.pid)
    vmaNames.set(p.pid, new Set((p.vmas ?? []).map(x => x.name ?? '').filter(x => x !== '')))
    if (p.memcg !== undefined && !groups.has(p.memcg))
      throw fail(`unknown cgroup '${p.memcg}' (declare it under cgroups.groups)`, [
        'processes',
        pi,
        'memcg'
      ])
    p.vmas?.forEach((x, xi) => {
      if (x.file !== undefined && !files.has(x.file))
        throw fail(`unknown file '${x.file}' (declare it under files)`, [
          'processes',
          pi,
          'vmas',
          xi,
          'file'
        ])
      if (x.resident !== undefined && sizeToPages(x.resident) > sizeToPages(x.size))
        throw fail(`resident (${String(x.resident)}) is larger than the VMA (${String(x.size)})`, [
          'processes',
          pi,
          'vmas',
          xi,
          'resident'
        ])
    })
    if (p.totalVm !== undefined && p.vmas !== undefined) {
      const sum = p.vmas.reduce((a, x) => a + sizeToPages(x.size), 0)
      if (sizeToPages(p.totalVm) < sum)
        throw fail(
          `totalVm (${String(p.totalVm)}) is smaller than the VMAs listed (${sum} pages)`,
          ['processes', pi, 'totalVm']
        )
    }
    p.mempolicy?.nodes.forEach((n, i) => {
      if (!nodeIds.has(n))
        throw fail(`mempolicy: node ${n} does not exist`, [
          'processes',
          pi,
          'mempolicy',
          'nodes',
          i
        ])
    })
  })
  s.processes.forEach((p, pi) => {
    if (p.shareMmWith !== undefined && !pids.has(p.shareMmWith))
      throw fail(`shareMmWith: no process with pid ${p.shareMmWith}`, [
        'processes',
        pi,
        'shareMmWith'
      ])
    if (p.cowFrom !== undefined && (!pids.has(p.cowFrom) || p.cowFrom === p.pid))
      throw fail(`cowFrom: no other process with pid ${p.cowFrom}`, ['processes', pi, 'cowFrom'])
    if (p.cowFrom !== undefined && (p.shareMmWith !== undefined || p.vfork === true))
      throw fail('cowFrom: a process sharing an mm (shareMmWith, vfork) has no COW copy', [
        'processes',
        pi,
        'cowFrom'
      ])
    if (p.sharedAnon !== undefined && p.cowFrom === undefined)
      throw fail('sharedAnon needs cowFrom (the process the pages are shared with)', [
        'processes',
        pi,
        'sharedAnon'
      ])
    if (p.vfork === true && (p.ppid === undefined || !pids.has(p.ppid)))
      throw fail('vfork: the child needs a ppid that is a listed process', [
        'processes',
        pi,
        'vfork'
      ])
    if (p.ppid !== undefined && p.ppid !== 0 && !pids.has(p.ppid) && p.ppid !== 1 && p.ppid !== 2)
      throw fail(`ppid ${p.ppid} is not a listed process`, ['processes', pi, 'ppid'])
  })
  let lastAt = -1
  s.timeline?.forEach((a, ai) => {
    const at = durationToNs(a.at)
    if (at < lastAt)
      throw fail(`timeline is not in time order (${String(a.at)} comes after a later action)`, [
        'timeline',
        ai,
        'at'
      ])
    lastAt = at
    if ('pid' in a && a.pid !== undefined && !pids.has(a.pid))
      throw fail(
        `no process with pid ${a.pid} at this point (list it under processes or fork it first)`,
        ['timeline', ai, 'pid']
      )
    if (a.do === 'fork') {
      if (pids.has(a.child))
        throw fail(`fork: pid ${a.child} already exists`, ['timeline', ai, 'child'])
      pids.add(a.child)
      vmaNames.set(a.child, new Set(vmaNames.get(a.pid) ?? []))
    }
    if (a.do === 'mmap' && a.name !== undefined) vmaNames.get(a.pid)?.add(a.name)
    if (
      (a.do === 'touch' || a.do === 'free' || a.do === 'mlock' || a.do === 'munmap') &&
      a.vma !== undefined &&
      !(vmaNames.get(a.pid)?.has(a.vma) ?? false)
    )
      throw fail(`process ${a.pid} has no VMA named '${a.vma}'`, ['timeline', ai, 'vma'])
    if ((a.do === 'read' || a.do === 'mmap') && a.file !== undefined && !files.has(a.file))
      throw fail(`unknown file '${a.file}' (declare it under files)`, ['timeline', ai, 'file'])
    if ((a.do === 'cgroup-set' || a.do === 'cgroup-move') && !groups.has(a.path))
      throw fail(`unknown cgroup '${a.path}'`, ['timeline', ai, 'path'])
    if ((a.do === 'swapon' || a.do === 'swapoff') && !swaps.has(a.name))
      throw fail(`unknown swap device '${a.name}' (declare it under machine.swap)`, [
        'timeline',
        ai,
        'name'
      ])
    if (a.do === 'sysctl' && !SYSCTL_NAMES.includes(a.name))
      throw fail(`unknown sysctl '${a.name}' (expected one of ${SYSCTL_NAMES.join(', ')})`, [
        'timeline',
        ai,
        'name'
      ])
    if (a.do === 'cgroup-set' && !CGROUP_KEYS.includes(a.key))
      throw fail(`unknown cgroup file '${a.key}' (expected one of ${CGROUP_KEYS.join(', ')})`, [
        'timeline',
        ai,
        'key'
      ])
    if ('until' in a && a.until !== undefined && !('every' in a && a.every !== undefined))
      throw fail("'until' needs 'every' (a repeating action)", ['timeline', ai, 'until'])
  })
}

/** The sysctls a timeline `sysctl` action may write. */
export const SYSCTL_NAMES = [
  'vm.panic_on_oom',
  'vm.oom_kill_allocating_task',
  'vm.oom_dump_tasks',
  'vm.overcommit_memory',
  'vm.overcommit_ratio',
  'vm.overcommit_kbytes',
  'vm.min_free_kbytes',
  'vm.watermark_scale_factor',
  'vm.swappiness'
]

/** The cgroup files a timeline `cgroup-set` action may write. */
export const CGROUP_KEYS = [
  'memory.max',
  'memory.high',
  'memory.low',
  'memory.min',
  'memory.swap.max',
  'memory.oom.group',
  'memory.limit_in_bytes',
  'memory.memsw.limit_in_bytes',
  'memory.oom_control.oom_kill_disable'
]

const sizes = new Map<string, number>()

/** A Size value in pages (rounded up). */
export function sizeToPages(v: number | string): number {
  if (typeof v === 'number') return v
  const hit = sizes.get(v)
  if (hit !== undefined) return hit
  const pages = parseSize(v)
  sizes.set(v, pages)
  return pages
}

function parseSize(v: string): number {
  return bytesToPages(parseSizeBytes(v) ?? 0)
}

const durations = new Map<string, number>()

/** A Duration value in nanoseconds. */
export function durationToNs(v: number | string): number {
  if (typeof v === 'number') return Math.round(v * 1e6)
  const hit = durations.get(v)
  if (hit !== undefined) return hit
  const ns = parseDuration(v)
  durations.set(v, ns)
  return ns
}

function parseDuration(v: string): number {
  return Math.round((parseDurationMs(v) ?? 0) * 1e6)
}
