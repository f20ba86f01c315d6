/**
 * @module A whole QEMU conformance run: prepare the assets (kernel, busybox, hog, initramfs),
 * boot the guest, run every case through the guest and the four checks, reboot after a panic
 * (or a dead guest), and power the guest off at the end (also on SIGINT/SIGTERM).
 */
import { profileForRelease, type KernelProfile } from '../../src/kernel/profiles.ts'
import { checkExplain } from '../checks/check-explain.ts'
import { checkPrinter } from '../checks/check-printer.ts'
import type { CheckId, CheckResult } from '../checks/types.ts'
import { prepareAssets, type GuestAssets } from './assets.ts'
import { caseScript } from './case-script.ts'
import { Guest, GUEST_MEM_MIB } from './guest.ts'
import type { GuestCase } from './guest-cases.ts'
import { checkGuestOomScore, checkGuestSimulator } from './guest-checks.ts'
import { checkPanicCase } from './panic-checks.ts'
import { collectRun, disposeRun, type GuestRun } from './guest-run.ts'

/** One guest case's outcome. */
export interface GuestOutcome {
  run: GuestRun
  checks: Record<CheckId, CheckResult>
}

/** The result of a guest run (`reason` set when QEMU could not start at all). */
export interface GuestResult {
  reason: string | null
  release: string
  profile: KernelProfile | null
  bootMs: number[]
  outcomes: GuestOutcome[]
  durationMs: number
}

/** Options of `runGuestConformance`. */
export interface GuestRunOptions {
  cases: GuestCase[]
  log?: (line: string) => void
  failFast?: boolean
  /** Keep each case's snapshot directory (the caller removes it, e.g. after --dump). */
  keepSnapshots?: boolean
}

const CASE_TIMEOUT_MS = 120_000

/** Did the case pass (no harness error, at least one kill, every check complete)? */
export function guestCasePassed(o: GuestOutcome): boolean {
  if (o.run.errors.length > 0 || (o.run.kills.length === 0 && !o.run.panicked)) return false
  return Object.values(o.checks).every(
    c =>
      c.unavailable === undefined &&
      c.disagreements.length === 0 &&
      c.agreed + (c.explained ?? 0) === c.total
  )
}

async function checkRun(
  run: GuestRun,
  profile: KernelProfile
): Promise<Record<CheckId, CheckResult>> {
  if (run.panicked) return { ...checkPanicCase(run, profile), 4: checkGuestOomScore(run, profile) }
  return {
    1: await checkExplain(run, profile),
    2: checkGuestSimulator(run, profile),
    3: await checkPrinter(run, profile),
    4: checkGuestOomScore(run, profile)
  }
}

/** Run one case on a booted guest. */
async function runOne(guest: Guest, spec: GuestCase): Promise<GuestRun> {
  const maxGrowKb =
    spec.counterCgroup === null
      ? GUEST_MEM_MIB * 1024 * 2
      : 3 * Math.max(...spec.cgroups.map(g => g.maxKb ?? 0)) + 64 * 1024
  const r = await guest.run(`seed${spec.seed}`, caseScript(spec, maxGrowKb), CASE_TIMEOUT_MS)
  const run = collectRun(spec, guest.release, r.lines)
  run.durationMs = r.ms
  if (r.rc === null && !run.panicked) {
    run.errors.push(`the guest died or timed out: ${guest.transcript.slice(-3).join(' | ')}`)
    guest.kill() // the next case boots a fresh guest
  } else if (r.rc !== null && r.rc !== 0) run.errors.push(`the case script exited ${r.rc}`)
  if (spec.kind === 'global-panic' && !run.panicked)
    run.errors.push('panic_on_oom is set but the guest did not panic')
  return run
}

/** Run the cases in the guest. */
export async function runGuestConformance(opts: GuestRunOptions): Promise<GuestResult> {
  const started = Date.now()
  const log = opts.log ?? (() => {})
  const result: GuestResult = {
    reason: null,
    release: '',
    profile: null,
    bootMs: [],
    outcomes: [],
    durationMs: 0
  }
  let assets: GuestAssets
  try {
    assets = prepareAssets()
  } catch (e) {
    result.reason = (e as Error).message
    return result
  }
  let guest: Guest | null = null
  const stop = (): void => guest?.kill()
  process.once('exit', stop)
  try {
    for (const spec of opts.cases) {
      if (guest === null || !guest.alive) {
        guest = await Guest.boot(assets)
        result.bootMs.push(guest.bootMs)
        result.release = guest.release
        log(`guest booted in ${guest.bootMs} ms (${guest.release}, pid ${guest.pid})`)
      }
      const profile = profileForRelease(guest.release)
      result.profile = profile
      const run = await runOne(guest, spec)
      const o = { run, checks: await checkRun(run, profile) }
      if (opts.keepSnapshots !== true) disposeRun(run)
      result.outcomes.push(o)
      log(
        `seed ${spec.seed} (${spec.label}): ${run.kills.length} kill(s) ` +
          `[${run.kills.map(k => `${k.killed.pid} ${k.killed.comm}`).join(', ')}] ` +
          `${run.durationMs} ms${guestCasePassed(o) ? '' : ' FAILED'}`
      )
      if (opts.failFast === true && !guestCasePassed(o)) break
    }
  } catch (e) {
    result.reason = `QEMU: ${(e as Error).message}`
  } finally {
    await guest?.shutdown()
    process.removeListener('exit', stop)
  }
  result.durationMs = Date.now() - started
  return result
}
