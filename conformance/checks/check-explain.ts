/**
 * @module Check 1: the explain parser (src/explain: parseReports + replayEvent) parses every
 * kernel report of the case — as `dmesg` prints it, one report at a time (other OOMs on the
 * machine share the log) — into one OOM event, recovers the kernel's victim, and its replay of
 * the selection picks that victim.
 */
import type { KernelProfile } from '../../src/kernel/profiles.ts'
import type { ReportRun } from '../case-run.ts'
import type { CheckResult, Disagreement } from './types.ts'

/** The parts of the explain module this check uses (loaded lazily: they may not exist yet). */
interface ParsedEvent {
  kind: string
  profile: string
  victim: { pid: number; comm: string } | null
  tasks: unknown[] | null
  warnings: { code: string; message: string }[]
}
interface ReplayResult {
  victim: { pid: number; comm: string } | null
  agrees: boolean | null
  reason: string
  ranking: { pid: number; comm: string; points: number | null; eligible: boolean }[]
}
interface Explain {
  parseReports(text: string): ParsedEvent[]
  replayEvent(e: ParsedEvent, profile: KernelProfile): ReplayResult
  profiles: Readonly<Record<string, KernelProfile>>
}

async function loadExplain(): Promise<Explain | string> {
  const parser = '../../src/explain/parser.ts'
  const replay = '../../src/explain/replay.ts'
  const prof = '../../src/kernel/profiles.ts'
  try {
    const p = (await import(parser)) as Partial<Explain>
    const r = (await import(replay)) as Partial<Explain>
    const k = (await import(prof)) as Partial<Explain>
    if (typeof p.parseReports !== 'function')
      return 'explain parser not available (parseReports missing)'
    if (typeof r.replayEvent !== 'function')
      return 'explain replay not available (replayEvent missing)'
    return { parseReports: p.parseReports, replayEvent: r.replayEvent, profiles: k.profiles! }
  } catch (e) {
    return `explain parser not available (${(e as Error).message.split('\n')[0]})`
  }
}

/** Run check 1 on every kill of a case. */
export async function checkExplain(run: ReportRun, profile: KernelProfile): Promise<CheckResult> {
  const complete = run.kills.filter(k => k.complete)
  const explain = await loadExplain()
  if (typeof explain === 'string')
    return { check: 1, total: complete.length, agreed: 0, disagreements: [], unavailable: explain }
  const disagreements: Disagreement[] = []
  let agreed = 0
  // Each report (its lines from "invoked oom-killer" to "Killed process", as dmesg prints
  // them, with whatever else the kernel logged in between) must parse as exactly one event.
  run.kills.forEach((k, i) => {
    if (!k.complete) return
    const problems: string[] = []
    const ours: string[] = []
    let events: ParsedEvent[] = []
    try {
      events = explain.parseReports(k.lines.join('\n') + '\n').filter(e => e.kind === 'oom')
    } catch (err) {
      problems.push(`parseReports threw: ${(err as Error).message}`)
    }
    const e = events[0]
    if (events.length > 1)
      problems.push(`the parser found ${events.length} OOM events in one report`)
    if (e === undefined) {
      if (problems.length === 0) problems.push('the parser found no OOM event in the report')
    } else {
      ours.push(
        `event ${i + 1}: profile ${e.profile}, victim ${e.victim ? `${e.victim.pid} (${e.victim.comm})` : 'none'}, ${e.tasks?.length ?? 0} task rows`
      )
      for (const w of e.warnings) ours.push(`warning ${w.code}: ${w.message}`)
      if (e.victim?.pid !== k.killed.pid)
        problems.push(`parsed victim ${e.victim?.pid ?? 'none'}, kernel killed ${k.killed.pid}`)
      if ((e.tasks?.length ?? -1) !== (k.tasks?.length ?? -2))
        problems.push(
          `parsed ${e.tasks?.length ?? 0} task rows, the kernel printed ${k.taskRowTexts.length}`
        )
      try {
        const rp = explain.replayEvent(e, explain.profiles[e.profile] ?? profile)
        ours.push(
          `replay: victim ${rp.victim ? `${rp.victim.pid} (${rp.victim.comm})` : 'none'}, agrees=${String(rp.agrees)}: ${rp.reason}`
        )
        for (const r of rp.ranking.slice(0, 6))
          ours.push(`  ${r.pid} ${r.comm} points=${r.points ?? 'ineligible'}`)
        if (rp.victim?.pid !== k.killed.pid)
          problems.push(`replay picks ${rp.victim?.pid ?? 'none'}, kernel killed ${k.killed.pid}`)
        else if (rp.agrees !== true)
          problems.push(`replay picks the victim but says agrees=${String(rp.agrees)}`)
      } catch (err) {
        problems.push(`replayEvent threw: ${(err as Error).message}`)
      }
    }
    if (problems.length === 0) {
      agreed++
      return
    }
    disagreements.push({
      check: 1,
      seed: run.spec.seed,
      label: run.spec.label,
      kill: i,
      message: problems.join('; '),
      kernel: [
        ...k.taskHeaderTexts,
        ...k.taskRowTexts,
        k.summaryText ?? '(no summary line)',
        k.killedText
      ],
      ours
    })
  })
  return { check: 1, total: complete.length, agreed, disagreements }
}
