/**
 * @module
 * A small import graph of `src/`: every relative import (static, `export ... from`, literal
 * dynamic `import()`), type-only imports included: a cycle through types is still two files that
 * cannot be understood one without the other.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

/** The repository root. */
export const root = resolve(import.meta.dirname, '../..')

/** Every `.ts` file under `dir`, as paths relative to the repository root. */
export function tsFiles(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...tsFiles(p))
    else if (e.name.endsWith('.ts')) out.push(p)
  }
  return out.sort()
}

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g

/** The relative imports of one file, resolved to repository-relative paths. */
export function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
  const out: string[] = []
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4]
    if (spec !== undefined) out.push(relative(root, resolve(join(root, dirname(file)), spec)))
  }
  return out
}

/** The strongly connected components with more than one file, or a file importing itself. */
export function cycles(files: readonly string[]): string[][] {
  const graph = new Map(files.map(f => [f, importsOf(f)]))
  let index = 0
  const idx = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const on = new Set<string>()
  const out: string[][] = []
  const visit = (v: string): void => {
    idx.set(v, index)
    low.set(v, index++)
    stack.push(v)
    on.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!idx.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!))
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = []
      let w: string
      do {
        w = stack.pop()!
        on.delete(w)
        comp.push(w)
      } while (w !== v)
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.sort())
    }
  }
  for (const f of files) if (!idx.has(f)) visit(f)
  return out
}
