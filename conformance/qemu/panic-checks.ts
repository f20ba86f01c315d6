/**
 * @module Checks 1–3 on a panic_on_oom case, whose report ends in a panic instead of a Killed
 * line (the guest's console carried it): one item each.
 *
 * 1. explain parses the console lines as one OOM event with no victim and the kernel's task rows,
 *    and its panic text is the kernel's;
 * 2. the simulator, fed the snapshot (which recorded vm.panic_on_oom=1) and the same growth,
 *    panics with the kernel's panic line and kills nobody;
 * 3. the printer renders the task table and the panic line byte for byte.
 */
import { parseReports } from '../../src/explain/parser.ts'
import type { KernelProfile } from '../../src/kernel/profiles.ts'
import { renderPanicOnOomLine } from '../../src/kernel/printk/kill-lines.ts'
import { renderTaskTable } from '../../src/kernel/printk/task-table.ts'
import { runScenario } from '../../src/sim/index.ts'
import { ScenarioSpec } from '../../src/sim/schema.ts'
import { taskRowFromKernel } from '../checks/check-printer.ts'
import type { CheckResult, Disagreement } from '../checks/types.ts'
import { parseTaskRow } from '../kernel-report.ts'
import { guestScenario, readSnapshot } from './guest-checks.ts'
import type { GuestRun } from './guest-run.ts'

const PANIC_PREFIX = 'Kernel panic - not syncing: '

/** The console texts (timestamps stripped) of the report, from "invoked oom-killer" on. */
function reportTexts(run: GuestRun): string[] {
  const texts = run.logLines.map(l => l.replace(/^\[\s*\d+\.\d+\] ?/, ''))
  const at = texts.findIndex(t => t.includes(' invoked oom-killer: '))
  return at < 0 ? [] : texts.slice(at)
}

function result(
  run: GuestRun,
  check: 1 | 2 | 3,
  problem: string | null,
  kernel: string[],
  ours: string[]
): CheckResult {
  const disagreements: Disagreement[] =
    problem === null
      ? []
      : [
          {
            check,
            seed: run.spec.seed,
            label: run.spec.label,
            kill: 0,
            message: problem,
            kernel,
            ours
          }
        ]
  return { check, total: 1, agreed: problem === null ? 1 : 0, disagreements }
}

/** Checks 1, 2 and 3 on a panicked case. */
export function checkPanicCase(
  run: GuestRun,
  profile: KernelProfile
): Record<1 | 2 | 3, CheckResult> {
  const texts = reportTexts(run)
  const panic = texts.find(t => t.startsWith(PANIC_PREFIX)) ?? '(no panic line)'
  const header = texts.filter(
    t => t === 'Tasks state (memory values in pages):' || t.startsWith('[  pid  ]')
  )
  const rows = texts.filter(t => /^\[\s*\d+\]/.test(t))
  // 1: explain
  const events = parseReports(run.logLines.join('\n') + '\n').filter(e => e.kind === 'oom')
  const e = events[0]
  const p1 =
    events.length !== 1
      ? `the parser found ${events.length} OOM events`
      : e!.victim !== null
        ? `the parser names victim ${e!.victim.pid}`
        : (e!.tasks?.length ?? 0) !== rows.length
          ? `parsed ${e!.tasks?.length ?? 0} task rows, the kernel printed ${rows.length}`
          : e!.panic !== panic.slice(PANIC_PREFIX.length) && e!.panic !== panic
            ? `parsed panic ${JSON.stringify(e!.panic)}`
            : null
  // 2: simulator
  let p2: string | null = 'no snapshot'
  let simLines: string[] = []
  const reading = readSnapshot(run)
  if (reading !== null) {
    const r = runScenario(ScenarioSpec.parse(guestScenario(run, reading, profile)))
    simLines = [
      `panic: ${r.summary.panic ?? '(none)'}`,
      `victims: ${r.summary.victims.map(v => v.pid).join(', ') || '(none)'}`
    ]
    p2 =
      r.summary.victims.length > 0
        ? 'the simulator killed instead of panicking'
        : r.summary.panic === null || !panic.endsWith(r.summary.panic)
          ? 'the simulator panic differs'
          : null
  }
  // 3: printer
  const parsed = rows.map(parseTaskRow)
  const ours =
    parsed.every(r => r !== null) && parsed.length > 0
      ? [...renderTaskTable(parsed.map(taskRowFromKernel), profile), renderPanicOnOomLine(1)]
      : []
  const kernel3 = [...header, ...rows, panic]
  const same = ours.length === kernel3.length && ours.every((l, i) => l === kernel3[i])
  return {
    1: result(
      run,
      1,
      p1,
      [...rows, panic],
      e === undefined ? [] : [`victim ${e.victim?.pid ?? 'none'}, panic ${e.panic ?? '(none)'}`]
    ),
    2: result(run, 2, p2, [panic], simLines),
    3: result(run, 3, same ? null : 'printer output differs', kernel3, ours)
  }
}
