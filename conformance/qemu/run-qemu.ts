/**
 * @module `npm run conformance -- --kernel qemu-6.1 [--cases N] [--first S] [--seed N]
 * [--fail-fast] [--list] [--dump DIR]`: the QEMU backend of the conformance command. Boots
 * Debian's 6.1 cloud kernel under QEMU (TCG), runs `N` generated guest cases (default 30) and the
 * hand-written ones, prints the per-check agreement counts. `--dump DIR` keeps, per case, the
 * kernel log, the guest's kswapd evidence (kswapd-evidence.ts), the guest snapshot tree and the
 * scenario check 2 ran. Exit codes as for the host
 * backend (3: QEMU cannot start here).
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultGuestCases, guestCaseForSeed } from './guest-cases.ts'
import { guestScenario, readSnapshot } from './guest-checks.ts'
import { disposeRun } from './guest-run.ts'
import { runGuestConformance, type GuestResult } from './guest-runner.ts'
import { guestReportText, guestRunPassed } from './guest-summary.ts'

/** The kernels `--kernel` accepts besides `host`. */
export const QEMU_KERNELS = ['qemu-6.1'] as const

/** Parsed arguments (shared with the host backend's flags). */
export interface QemuArgs {
  seed: number | null
  count: number
  first: number
  failFast: boolean
  list: boolean
  dump: string | null
}

function dumpRuns(r: GuestResult, dir: string): void {
  mkdirSync(dir, { recursive: true })
  for (const o of r.outcomes) {
    const base = join(dir, `qemu-seed-${o.run.spec.seed}`)
    writeFileSync(`${base}.kernel.log`, o.run.logLines.join('\n') + '\n')
    const { kswapdWakesUsec, kswapdSleepsUsec, reclaimProgress, vmstatEnd } = o.run
    const after = o.run.nodeUnreclaimableAfter
    writeFileSync(
      `${base}.kswapd.json`,
      JSON.stringify({ kswapdWakesUsec, kswapdSleepsUsec, reclaimProgress, vmstatEnd, after }) +
        '\n'
    )
    const reading = readSnapshot(o.run)
    if (reading !== null && r.profile !== null) {
      writeFileSync(
        `${base}.scenario.json`,
        JSON.stringify(guestScenario(o.run, reading, r.profile), null, 2) + '\n'
      )
      cpSync(o.run.snapshotDir!, `${base}.root`, { recursive: true })
    }
    disposeRun(o.run)
  }
}

/** Run the QEMU backend; returns the exit code. */
export async function mainQemu(a: QemuArgs): Promise<number> {
  const cases = a.seed !== null ? [guestCaseForSeed(a.seed)] : defaultGuestCases(a.count, a.first)
  if (a.list) {
    for (const c of cases) process.stdout.write(`${JSON.stringify(c)}\n`)
    return 0
  }
  const verbose = process.env.CONFORMANCE_QUIET === undefined
  const r = await runGuestConformance({
    cases,
    failFast: a.failFast,
    keepSnapshots: a.dump !== null,
    log: line => {
      if (verbose) process.stderr.write(`${line}\n`)
    }
  })
  if (a.dump !== null) dumpRuns(r, a.dump)
  for (const line of guestReportText(r)) process.stdout.write(`${line}\n`)
  if (r.reason !== null && r.outcomes.length === 0) return 3
  return guestRunPassed(r) ? 0 : 1
}
