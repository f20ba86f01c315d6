/** @module Reference checks of the processes at boot: pids, memcgs, VMAs, sizes, mempolicy. */
import type { ProcessSpecT } from '../schema.ts'
import type { RefContext } from './context.ts'

function checkVmas(ctx: RefContext, p: ProcessSpecT, pi: number): void {
  const { fail, shown, files } = ctx
  p.vmas?.forEach((x, xi) => {
    const at = ['processes', pi, 'vmas', xi]
    if (x.file !== undefined && !files.has(x.file))
      throw fail(`unknown file '${x.file}' (declare it under files)`, [...at, 'file'])
    if (x.resident !== undefined && x.resident > x.size)
      throw fail(
        `resident (${shown([...at, 'resident'])}) is larger than the VMA (${shown([...at, 'size'])})`,
        [...at, 'resident']
      )
  })
  if (p.totalVm !== undefined && p.vmas !== undefined) {
    const sum = p.vmas.reduce((a, x) => a + x.size, 0)
    if (p.totalVm < sum)
      throw fail(
        `totalVm (${shown(['processes', pi, 'totalVm'])}) is smaller than the VMAs listed (${sum} pages)`,
        ['processes', pi, 'totalVm']
      )
  }
}

/** Pids are unique; memcgs, files and mempolicy nodes exist; VMAs fit. Records pids and VMAs. */
export function checkProcesses(ctx: RefContext): void {
  const { s, fail, groups, nodeIds, pids, vmaNames } = ctx
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
    checkVmas(ctx, p, pi)
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
}

/** shareMmWith, cowFrom, sharedAnon, vfork and ppid name listed processes and fit together. */
export function checkProcessLinks({ s, fail, pids }: RefContext): void {
  s.processes.forEach((p, pi) => {
    const at = (key: string): (string | number)[] => ['processes', pi, key]
    if (p.shareMmWith !== undefined && !pids.has(p.shareMmWith))
      throw fail(`shareMmWith: no process with pid ${p.shareMmWith}`, at('shareMmWith'))
    if (p.cowFrom !== undefined && (!pids.has(p.cowFrom) || p.cowFrom === p.pid))
      throw fail(`cowFrom: no other process with pid ${p.cowFrom}`, at('cowFrom'))
    if (p.cowFrom !== undefined && (p.shareMmWith !== undefined || p.vfork === true))
      throw fail(
        'cowFrom: a process sharing an mm (shareMmWith, vfork) has no COW copy',
        at('cowFrom')
      )
    if (p.sharedAnon !== undefined && p.cowFrom === undefined)
      throw fail(
        'sharedAnon needs cowFrom (the process the pages are shared with)',
        at('sharedAnon')
      )
    if (p.vfork === true && (p.ppid === undefined || !pids.has(p.ppid)))
      throw fail('vfork: the child needs a ppid that is a listed process', at('vfork'))
    if (p.ppid !== undefined && p.ppid !== 0 && !pids.has(p.ppid) && p.ppid !== 1 && p.ppid !== 2)
      throw fail(`ppid ${p.ppid} is not a listed process`, at('ppid'))
  })
}
