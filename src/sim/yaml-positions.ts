/**
 * @module Source positions in a scenario file: the `file:line:col` of the YAML node at a path of
 * keys and indexes (or of its deepest existing ancestor), through yaml's LineCounter.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'

/** A path of mapping keys and list indexes into the scenario. */
export type Path = readonly (string | number)[]

/** A parsed document with the line counter and file name to report positions in. */
export interface Located {
  doc: Document
  lc: LineCounter
  file: string
}

/** `file:line:col` of a source offset. */
export function posOf(l: Located, offset: number): string {
  const p = l.lc.linePos(offset)
  return `${l.file}:${p.line}:${p.col}`
}

function rangeStart(n: unknown): number | undefined {
  return n !== null && typeof n === 'object' && 'range' in n ? (n as Node).range?.[0] : undefined
}

function pairOf(node: unknown, key: string): unknown {
  if (!isMap(node)) return undefined
  return node.items.find(it => isPair(it) && isScalar(it.key) && String(it.key.value) === key)
}

/** The source offset of the node at `path` (or of the deepest existing ancestor). */
export function offsetOf(l: Located, path: Path, keyOf?: string): number {
  let node: unknown = l.doc.contents
  let last = rangeStart(node) ?? 0
  for (const seg of path) {
    if (isMap(node)) {
      const pair = pairOf(node, String(seg))
      if (!isPair(pair)) return last
      node = pair.value
      last = rangeStart(node) ?? rangeStart(pair.key) ?? last
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)]
      if (item === undefined) return last
      node = item
      last = rangeStart(node) ?? last
    } else return last
  }
  if (keyOf !== undefined) {
    const pair = pairOf(node, keyOf)
    const k = isPair(pair) ? rangeStart(pair.key) : undefined
    if (k !== undefined) return k
  }
  return last
}

/** The value at `path` in plain data (undefined where the path leaves it). */
export function valueAt(root: unknown, path: Path): unknown {
  let cur: unknown = root
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string | number, unknown>)[seg]
  }
  return cur
}
