/**
 * @module Semantic checks of a loaded scenario, one kind of reference at a time: the profile, the
 * machine's zones, cgroups, files, processes and their links, the timeline. The first broken
 * reference throws the error `fail` builds for its path.
 */
import type { Scenario } from '../schema.ts'
import type { Path } from '../yaml-positions.ts'
import { checkCgroups, checkFiles } from './cgroups.ts'
import { refContext, type Fail } from './context.ts'
import { checkLinkLoops, checkMachineSize, checkProcessSizes } from './feasibility.ts'
import { checkMachine, checkProfile } from './machine.ts'
import { checkProcesses, checkProcessLinks } from './processes.ts'
import { checkTimeline } from './timeline.ts'

/** Check every reference; `shown(path)` is the value as written, for messages. */
export function checkReferences(s: Scenario, fail: Fail, shown: (path: Path) => string): void {
  const ctx = refContext(s, fail, shown)
  checkProfile(ctx)
  checkMachine(ctx)
  checkMachineSize(ctx)
  checkCgroups(ctx)
  checkFiles(ctx)
  checkProcesses(ctx)
  checkProcessLinks(ctx)
  checkProcessSizes(ctx)
  checkLinkLoops(ctx)
  checkTimeline(ctx)
}
