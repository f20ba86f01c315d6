/** @module The process ids under a /proc directory (its all-digit entries), ascending. */
import { readdirSync } from 'node:fs'
import { failureOf } from './read-text.ts'

/** Pids under `proc`; none when the directory cannot be read. */
export function listPidsUnder(proc: string): number[] {
  let names: string[]
  try {
    names = readdirSync(proc)
  } catch (error) {
    failureOf(error)
    return []
  }
  const pids: number[] = []
  for (const n of names) {
    const c = n.charCodeAt(0)
    if (c >= 48 && c <= 57) pids.push(Number(n))
  }
  return pids.sort((a, b) => a - b)
}
