import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseScenario, runScenario } from '../../src/sim/index.ts'

const MB = 256 // pages

function run(yaml: string) {
  return runScenario(parseScenario(yaml, 't.yaml'))
}

function proc(r: ReturnType<typeof run>, pid: number) {
  return r.summary.final.processes.find(p => p.pid === pid)
}

function usage(r: ReturnType<typeof run>, path: string): number {
  return r.summary.final.memcgs.find(m => m.path === path)?.usage ?? -1
}

const base = (timeline: string, extraProcs = ''): string => `name: t
profile: '6.1'
machine: { memory: 1G }
cgroups:
  version: 2
  groups: [{ path: /job, memory.swap.max: 0 }]
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - { pid: 700, comm: server, memcg: /job, rss: { anon: 40M } }
${extraProcs}
timeline:
${timeline}
`

describe('touch without a named mapping', () => {
  it('touches the whole size even when the last anonymous mapping has less room', () => {
    // 77 pages of room left in the heap; a 256-page touch used to stop at its end.
    const r = run(`name: t
profile: '6.1'
machine: { memory: 1G }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - pid: 10
    comm: t
    vmas: [{ name: heap, size: 100, resident: 23, kind: anon }]
timeline:
  - { at: 1ms, do: touch, pid: 10, size: 256 }
`)
    expect(proc(r, 10)?.anon).toBe(23 + 256)
    expect(proc(r, 10)?.totalVm).toBe(23 + 256)
  })

  it('stops at the end of a named mapping and says so in the trace', () => {
    const r = run(`name: t
profile: '6.1'
machine: { memory: 1G }
processes:
  - { pid: 1, comm: init, ppid: 0, rss: { anon: 1M } }
  - pid: 10
    comm: t
    vmas: [{ name: buf, size: 100, resident: 23, kind: anon }]
timeline:
  - { at: 1ms, do: touch, pid: 10, vma: buf, size: 256 }
`)
    expect(proc(r, 10)?.anon).toBe(100)
    expect(r.trace.some(t => t.type === 'task.touch_past_end')).toBe(true)
  })
})

describe('fork shares anonymous pages copy-on-write', () => {
  it('counts the shared pages in both rss but charges them once', () => {
    const before = usage(run(base('  - { at: 1ms, do: wait }')), '/job')
    const r = run(base('  - { at: 1ms, do: fork, pid: 700, child: 701 }'))
    expect(proc(r, 700)?.anon).toBe(40 * MB)
    expect(proc(r, 701)?.anon).toBe(40 * MB)
    // Only the child's page tables are new: well under 1 MiB, never another 40 MiB.
    const grew = usage(r, '/job') - before
    expect(grew).toBeGreaterThan(0)
    expect(grew).toBeLessThan(MB)
  })

  it('frees nothing when the parent dies while the child maps the pages, all when both do', () => {
    const forked = run(base('  - { at: 1ms, do: fork, pid: 700, child: 701 }'))
    const parentGone = run(
      base('  - { at: 1ms, do: fork, pid: 700, child: 701 }\n  - { at: 2ms, do: kill, pid: 700 }')
    )
    const bothGone = run(
      base(
        '  - { at: 1ms, do: fork, pid: 700, child: 701 }\n  - { at: 2ms, do: kill, pid: 700 }\n  - { at: 3ms, do: kill, pid: 701 }'
      )
    )
    expect(proc(parentGone, 701)?.anon).toBe(40 * MB)
    // The parent had no private anon pages: its death frees under 1 MiB (stack, page tables).
    expect(usage(forked, '/job') - usage(parentGone, '/job')).toBeLessThan(MB)
    expect(usage(parentGone, '/job') - usage(bothGone, '/job')).toBeGreaterThanOrEqual(40 * MB)
    expect(usage(bothGone, '/job')).toBeLessThan(MB)
  })

  it('copies and charges pages a sharer writes, and the old ones go with the last mapper', () => {
    const fork = '  - { at: 1ms, do: fork, pid: 700, child: 701 }'
    const forked = run(base(fork))
    const wrote = run(base(`${fork}\n  - { at: 2ms, do: touch, pid: 701, size: 8M, cow: true }`))
    expect(proc(wrote, 701)?.anon).toBe(40 * MB)
    expect(usage(wrote, '/job') - usage(forked, '/job')).toBe(8 * MB)
    // Killing the parent now frees the 8 MiB only it still maps.
    const killed = run(
      base(
        `${fork}\n  - { at: 2ms, do: touch, pid: 701, size: 8M, cow: true }\n  - { at: 3ms, do: kill, pid: 700 }`
      )
    )
    const freed = usage(wrote, '/job') - usage(killed, '/job')
    expect(freed).toBeGreaterThanOrEqual(8 * MB)
    expect(freed).toBeLessThan(9 * MB)
  })

  it('links processes declared at boot with cowFrom / sharedAnon', () => {
    const r = run(
      base(
        '  - { at: 1ms, do: kill, pid: 700 }',
        '  - { pid: 701, comm: worker, ppid: 700, memcg: /job, cowFrom: 700, sharedAnon: 30M, rss: { anon: 2M } }'
      )
    )
    expect(proc(r, 701)?.anon).toBe(32 * MB)
    // The parent's 10 MiB nobody else maps are freed, the 30 MiB the child shares stay.
    const alive = run(
      base(
        '  - { at: 1ms, do: wait }',
        '  - { pid: 701, comm: worker, ppid: 700, memcg: /job, cowFrom: 700, sharedAnon: 30M, rss: { anon: 2M } }'
      )
    )
    expect(usage(alive, '/job')).toBeGreaterThanOrEqual(42 * MB)
    expect(usage(alive, '/job')).toBeLessThan(43 * MB)
    const freed = usage(alive, '/job') - usage(r, '/job')
    expect(freed).toBeGreaterThanOrEqual(10 * MB)
    expect(freed).toBeLessThan(11 * MB)
  })

  it('rejects sharedAnon without cowFrom and a cowFrom naming no process', () => {
    expect(() =>
      parseScenario(
        base('  - { at: 1ms, do: wait }', '  - { pid: 8, comm: x, sharedAnon: 1M }'),
        't'
      )
    ).toThrow(/sharedAnon needs cowFrom/)
    expect(() =>
      parseScenario(base('  - { at: 1ms, do: wait }', '  - { pid: 8, comm: x, cowFrom: 99 }'), 't')
    ).toThrow(/cowFrom: no other process with pid 99/)
  })
})

describe('COW accounting never leaks or double-frees', () => {
  const actionArb = fc.oneof(
    fc.record({ kind: fc.constant('fork' as const), from: fc.integer({ min: 0, max: 4 }) }),
    fc.record({
      kind: fc.constant('cow' as const),
      who: fc.integer({ min: 0, max: 4 }),
      mb: fc.integer({ min: 1, max: 50 })
    }),
    fc.record({
      kind: fc.constant('touch' as const),
      who: fc.integer({ min: 0, max: 4 }),
      mb: fc.integer({ min: 1, max: 20 })
    }),
    fc.record({ kind: fc.constant('kill' as const), who: fc.integer({ min: 0, max: 4 }) })
  )

  it('frees every page and charge once the whole family is gone', () => {
    fc.assert(
      fc.property(fc.array(actionArb, { maxLength: 12 }), actions => {
        const pids = [700]
        const lines: string[] = []
        let t = 1
        for (const a of actions) {
          const pick = (i: number): number => pids[i % pids.length] as number
          if (a.kind === 'fork') {
            const child = 701 + pids.length - 1
            lines.push(`  - { at: ${t}ms, do: fork, pid: ${pick(a.from)}, child: ${child} }`)
            pids.push(child)
          } else if (a.kind === 'cow')
            lines.push(
              `  - { at: ${t}ms, do: touch, pid: ${pick(a.who)}, size: ${a.mb}M, cow: true }`
            )
          else if (a.kind === 'touch')
            lines.push(`  - { at: ${t}ms, do: touch, pid: ${pick(a.who)}, size: ${a.mb}M }`)
          else lines.push(`  - { at: ${t}ms, do: kill, pid: ${pick(a.who)} }`)
          t += 2
        }
        const during = run(base(lines.join('\n') || '  - { at: 1ms, do: wait }'))
        for (const p of during.summary.final.processes) expect(p.anon).toBeGreaterThanOrEqual(0)
        for (const z of during.summary.final.zones) expect(z.free).toBeLessThanOrEqual(z.managed)
        // Then every process of the family dies: /job must be back to zero and the zones to
        // where a family that did nothing leaves them.
        for (const pid of pids) lines.push(`  - { at: ${t}ms, do: kill, pid: ${pid} }`)
        const after = run(base(lines.join('\n')))
        const idle = run(base(`  - { at: 1ms, do: kill, pid: 700 }`))
        expect(usage(after, '/job')).toBe(0)
        expect(after.summary.final.freePages).toBe(idle.summary.final.freePages)
      }),
      { numRuns: 40 }
    )
  })
})
