/**
 * docs/kernel-rules.md covers every behaviour flag and output format of the kernel profiles
 * (issue 15): one row per flag, named `group.flag` (`format.showMem.field` for the Mem-Info
 * fields), with a cell for every profile column and the tests column, none empty, none left
 * unverified, and every test file it names present.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { profiles } from '../../src/kernel/profiles.ts'

const doc = readFileSync('docs/kernel-rules.md', 'utf8')

/** Every flag path of a profile: group.flag, and format.showMem.field. */
function flagPaths(): string[] {
  const paths = new Set<string>()
  for (const p of Object.values(profiles)) {
    for (const [group, flags] of Object.entries(p)) {
      if (flags === null || typeof flags !== 'object') continue
      for (const [name, value] of Object.entries(flags as Record<string, unknown>)) {
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          for (const sub of Object.keys(value)) paths.add(`${group}.${name}.${sub}`)
        } else paths.add(`${group}.${name}`)
      }
    }
  }
  return [...paths].sort()
}

/** The table rows: first cell's backquoted name -> the cells. */
function rows(): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const line of doc.split('\n')) {
    const m = /^\| `([^`]+)`/.exec(line)
    if (m === null) continue
    const cells = line.split(/(?<!\\)\|/).slice(1, -1)
    out.set(
      m[1]!,
      cells.map(c => c.trim())
    )
  }
  return out
}

describe('docs/kernel-rules.md', () => {
  const table = rows()
  const header = doc.split('\n').find(l => l.startsWith('| rule |'))!
  const columns = header.split('|').slice(1, -1).length

  it('has a row for every profile flag', () => {
    const missing = flagPaths().filter(p => !table.has(p))
    expect(missing).toEqual([])
  })

  it('has no row for a flag that no longer exists', () => {
    const known = new Set(flagPaths())
    const groups = /^(badness|oomScore|select|outOfMemory|kill|reaper|alloc|format)\./
    const stale = [...table.keys()].filter(k => groups.test(k) && !known.has(k))
    expect(stale).toEqual([])
  })

  it('fills every cell of the flag rows (each profile column and the tests column)', () => {
    for (const p of flagPaths()) {
      const cells = table.get(p) ?? []
      expect({ p, n: cells.length }).toEqual({ p, n: columns })
      expect({ p, empty: cells.filter(c => c === '').length }).toEqual({ p, empty: 0 })
    }
  })

  it('leaves no cell unverified or disputed', () => {
    const open = /not re-read|DISAGREES|UPDATE \(|inferred|UNVERIFIED|UNRESOLVED|no 6\.11 tree/
    const left = [...table].flatMap(([row, cells]) =>
      cells.filter(c => open.test(c)).map(c => `${row}: ${c.slice(0, 80)}`)
    )
    expect(left).toEqual([])
  })

  it('names test files that exist in every row', () => {
    const missing: string[] = []
    for (const p of flagPaths()) {
      const cells = table.get(p) ?? []
      const named = (cells.at(-1) ?? '').match(/tests\/[\w./*-]+/g) ?? []
      expect({ p, named: named.length > 0 }).toEqual({ p, named: true })
      for (const f of named) {
        const path = f.replace(/[.,;:]+$/, '')
        if (!existsSync(path.includes('*') ? dirname(path) : path)) missing.push(`${p}: ${path}`)
      }
    }
    expect(missing).toEqual([])
  })
})
