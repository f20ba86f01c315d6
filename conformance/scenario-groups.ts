/**
 * @module A case's memory cgroups and growth as scenario parts: the limited case cgroup and its
 * sub-groups (parents first, each with its own limit if it has one: a charge must fit every
 * limit up the hierarchy, 6.18 try_charge_memcg() -> page_counter_try_charge()), and the
 * grower's steps, with the `oom-kill-disable` kind's knob set before them and cleared once the
 * grower has stalled.
 */
import type { ScenarioFile as Scenario } from '../src/sim/schema.ts'
import type { CaseRun } from './case-run.ts'

type GroupSpec = NonNullable<NonNullable<Scenario['cgroups']>['groups']>[number]
type Action = NonNullable<Scenario['timeline']>[number]

/** A group's limit settings on the case's cgroup version. */
function limited(run: CaseRun, path: string, limitKb: number | undefined): GroupSpec {
  if (run.snapshot.cgroupVersion === 1) {
    const g: GroupSpec = { path, 'memory.memsw.limit_in_bytes': 'max' }
    if (limitKb !== undefined) g['memory.limit_in_bytes'] = `${limitKb}k`
    return g
  }
  const g: GroupSpec = { path, 'memory.swap.max': 0 }
  if (limitKb !== undefined) g['memory.max'] = `${limitKb}k`
  return g
}

/** The case cgroup (with its limit and oom.group) and its sub-groups. */
export function caseGroups(run: CaseRun): GroupSpec[] {
  const root = limited(run, run.memcgPath, run.spec.limitKb)
  if (run.spec.oomGroup === true && run.snapshot.cgroupVersion === 2)
    root['memory.oom.group'] = true
  return [
    root,
    ...(run.spec.groups ?? []).map(g => limited(run, `${run.memcgPath}/${g.path}`, g.limitKb))
  ]
}

/** The grower's `steps` growth steps (ms apart), and the oom_kill_disable toggle around them:
 * set before the first step, cleared a step after the last (the grower waits in between,
 * 6.18 memcg1_oom_prepare(); nothing is printed until the cleared knob lets the OOM kill). */
export function caseTimeline(run: CaseRun, steps: number): Action[] {
  const grow: Action = {
    at: 1,
    do: 'touch',
    pid: run.growerPid,
    ...(run.growerTid == null ? {} : { thread: run.growerTid }),
    size: `${run.spec.stepKb}k`,
    vma: 'grow',
    every: 1,
    count: steps,
    until: 'killed'
  }
  if (run.spec.oomKillDisable !== true) return [grow]
  const knob = (at: number, value: boolean): Action => ({
    at,
    do: 'cgroup-set',
    path: run.memcgPath,
    key: 'memory.oom_control.oom_kill_disable',
    value
  })
  return [knob(0.5, true), grow, knob(steps + 2, false)]
}
