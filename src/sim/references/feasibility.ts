/**
 * @module Scenarios no machine could be in: too little or too much RAM for the model, a process
 * holding more than RAM and swap together, and cowFrom or ppid links that loop back.
 */
import type { Scenario } from '../schema.ts'
import type { RefContext } from './context.ts'

/** The smallest `memory:` simulated: below it the boot reserves alone exceed RAM (pages). */
export const MIN_MEMORY_PAGES = 4096 // 16 MiB
/** The largest machine simulated: above it a growing process would run for hours (pages). */
export const MAX_MEMORY_PAGES = 2 ** 34 // 64 TiB

function ramPages(s: Scenario): number {
  if (s.machine.memory !== undefined) return s.machine.memory
  let sum = 0
  for (const n of s.machine.nodes ?? []) for (const z of n.zones) sum += z.present
  return sum
}

/** RAM inside the range the model simulates. */
export function checkMachineSize({ s, fail, shown }: RefContext): void {
  const pages = ramPages(s)
  const at = s.machine.memory !== undefined ? ['machine', 'memory'] : ['machine', 'nodes']
  const as = s.machine.memory !== undefined ? shown(at) : `${pages} pages`
  if (pages < (s.machine.memory !== undefined ? MIN_MEMORY_PAGES : 1))
    throw fail(`machine memory ${as} is too small to boot (at least 16M)`, at)
  if (pages > MAX_MEMORY_PAGES)
    throw fail(`machine memory ${as} is larger than the simulator's limit of 64T`, at)
}

/** No process holds more resident memory than RAM and swap together. */
export function checkProcessSizes({ s, fail, shown }: RefContext): void {
  const swap = (s.machine.swap ?? []).reduce((a, d) => a + d.size, 0)
  const room = ramPages(s) + swap
  s.processes.forEach((p, pi) => {
    const rss = (p.rss?.anon ?? 0) + (p.rss?.file ?? 0) + (p.rss?.shmem ?? 0)
    const resident = (p.vmas ?? []).reduce((a, x) => a + (x.resident ?? 0), 0)
    const at = p.rss !== undefined ? ['processes', pi, 'rss'] : ['processes', pi, 'vmas']
    if (Math.max(rss, resident) > room)
      throw fail(
        `process ${p.pid} holds ${Math.max(rss, resident)} pages, more than RAM and swap together (${room} pages${s.machine.memory !== undefined ? `, memory ${shown(['machine', 'memory'])}` : ''})`,
        at
      )
  })
}

/** Following `key` from each process never comes back to it. */
function checkNoLoop(ctx: RefContext, key: 'cowFrom' | 'ppid'): void {
  const { s, fail } = ctx
  const next = new Map(s.processes.map(p => [p.pid, p[key]]))
  s.processes.forEach((p, pi) => {
    const seen = new Set<number>([p.pid])
    let at = p[key]
    while (at !== undefined && at !== 0 && next.has(at)) {
      if (seen.has(at)) {
        if (at !== p.pid) return // a loop further on: reported at its own members
        throw fail(
          `${key}: process ${p.pid} is its own ${key === 'ppid' ? 'ancestor' : 'COW source'} (${[...seen].join(' -> ')} -> ${p.pid})`,
          ['processes', pi, key]
        )
      }
      seen.add(at)
      at = next.get(at)
    }
  })
}

/** cowFrom and ppid form trees, not loops. */
export function checkLinkLoops(ctx: RefContext): void {
  checkNoLoop(ctx, 'cowFrom')
  checkNoLoop(ctx, 'ppid')
}
