/**
 * @module A whole conformance run: probe the machine, take the machine-wide lock, remove stale
 * case cgroups, build the hog, run every case through the harness and the four checks, and
 * summarise. Used by `npm run conformance` (conformance/run.ts) and by the vitest suite.
 */
import { profileForRelease } from '../src/kernel/profiles.ts'
import type { KernelProfile } from '../src/kernel/profiles.ts'
import type { CaseSpec } from './cases.ts'
import type { CaseRun } from './case-run.ts'
import { killAndRemove, staleCgroups } from './cgroup.ts'
import { checkExplain } from './checks/check-explain.ts'
import { checkOomScore } from './checks/check-oom-score.ts'
import { checkPrinter } from './checks/check-printer.ts'
import { checkSimulator } from './checks/check-simulator.ts'
import type { CheckId, CheckResult } from './checks/types.ts'
import { probeEnvironment, type Environment } from './environment.ts'
import { ReportThrottle, installCleanupHandlers, runCase, type HarnessContext } from './harness.ts'
import { buildHog } from './hog-build.ts'
import { KmsgReader, uptimeUsec } from './kmsg.ts'
import { acquireLock } from './lock.ts'

/** One case's outcome: the run and its four check results. */
export interface CaseOutcome {
  run: CaseRun
  checks: Record<CheckId, CheckResult>
}

/** A case that could not run on this machine (e.g. needs cgroup v2) and why. */
export interface SkippedCase {
  spec: CaseSpec
  reason: string
}

/** The result of a conformance run. */
export interface ConformanceResult {
  environment: Environment
  profile: KernelProfile | null
  outcomes: CaseOutcome[]
  skipped: SkippedCase[]
  durationMs: number
}

/** Options for `runConformance`. */
export interface RunOptions {
  cases: CaseSpec[]
  log?: (line: string) => void
  /** Stop at the first case with a disagreement or error. */
  failFast?: boolean
}

/** Run all four checks on one executed case. */
export async function checkCase(
  run: CaseRun,
  profile: KernelProfile
): Promise<Record<CheckId, CheckResult>> {
  return {
    1: await checkExplain(run, profile),
    2: await checkSimulator(run, profile),
    3: await checkPrinter(run, profile),
    4: checkOomScore(run, profile)
  }
}

/** Did this case pass (no error, at least one kill, every check available and agreeing)? */
export function casePassed(o: CaseOutcome): boolean {
  if (o.run.errors.length > 0 || o.run.kills.length === 0) return false
  return Object.values(o.checks).every(
    c => c.unavailable === undefined && c.disagreements.length === 0 && c.agreed === c.total
  )
}

/** Run the cases. Throws only when the environment cannot run them at all. */
export async function runConformance(opts: RunOptions): Promise<ConformanceResult> {
  const started = Date.now()
  const log = opts.log ?? (() => {})
  const env = probeEnvironment()
  if (!env.ok) return { environment: env, profile: null, outcomes: [], skipped: [], durationMs: 0 }
  const profile = profileForRelease(env.release)
  const release = await acquireLock(undefined, owner =>
    log(`waiting for another conformance run (pid ${owner}) to finish`)
  )
  installCleanupHandlers()
  process.once('exit', release)
  const reader = new KmsgReader()
  const outcomes: CaseOutcome[] = []
  const skipped: SkippedCase[] = []
  try {
    for (const dir of staleCgroups(env.controller)) {
      log(`removing stale cgroup ${dir}`)
      await killAndRemove(dir)
    }
    const throttle = new ReportThrottle()
    throttle.noteBacklog(reader.backlog, uptimeUsec())
    const ctx: HarnessContext = {
      hogBin: buildHog(env.compiler),
      controller: env.controller,
      reader,
      throttle,
      release: env.release,
      counter: { n: 0 },
      log
    }
    for (const spec of opts.cases) {
      if (spec.cgroupVersion === 2 && env.controller.version !== 2) {
        skipped.push({ spec, reason: 'needs a cgroup v2 memory controller (not available here)' })
        continue
      }
      const run = await runCase(spec, ctx)
      const checks = await checkCase(run, profile)
      const o = { run, checks }
      outcomes.push(o)
      log(
        `seed ${spec.seed} (${spec.label}): ${run.kills.length} kill(s) ` +
          `[${run.kills.map(k => `${k.killed.pid} ${k.killed.comm}`).join(', ')}] ` +
          `${run.durationMs} ms${casePassed(o) ? '' : ' FAILED'}`
      )
      if (opts.failFast === true && !casePassed(o)) break
    }
  } finally {
    reader.close()
    release()
    process.removeListener('exit', release)
  }
  return { environment: env, profile, outcomes, skipped, durationMs: Date.now() - started }
}
