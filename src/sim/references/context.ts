/**
 * @module What the reference checks share: the loaded scenario, how to fail at a path, the value
 * as written at a path (for messages), and the names declared so far.
 */
import type { Scenario } from '../schema.ts'
import type { Path } from '../yaml-positions.ts'

/** Builds the error for a message at a path of the scenario. */
export type Fail = (msg: string, path: Path) => Error

/** The state of one run of the reference checks. */
export interface RefContext {
  s: Scenario
  fail: Fail
  /** The value at `path` as the file wrote it ("2G", not its page count). */
  shown: (path: Path) => string
  nodeIds: Set<number>
  swaps: Set<string>
  groups: Set<string>
  files: Set<string>
  /** Pids listed, then forked along the timeline. */
  pids: Set<number>
  /** VMA names per pid, grown by mmap and inherited by fork along the timeline. */
  vmaNames: Map<number, Set<string>>
}

/** The declared names of a scenario (nodes, swap devices, cgroups, files). */
export function refContext(s: Scenario, fail: Fail, shown: (path: Path) => string): RefContext {
  const m = s.machine
  return {
    s,
    fail,
    shown,
    nodeIds: new Set((m.nodes ?? [{}]).map((n, i) => (n as { id?: number }).id ?? i)),
    swaps: new Set((m.swap ?? []).map(d => d.name)),
    groups: new Set(['/', ...(s.cgroups?.groups ?? []).map(g => g.path)]),
    files: new Set((s.files ?? []).map(f => f.path)),
    pids: new Set(),
    vmaNames: new Map()
  }
}
