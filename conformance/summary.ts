/**
 * @module Text output of a conformance run: the one-line summary
 * (`conformance: N cases, K kills, agreements: c1 a/b, c2 a/b, c3 a/b, c4 a/b`) and, for every
 * failure, the case's seed with the kernel's side and ours next to each other.
 */
import type { CheckId } from './checks/types.ts'
import type { ConformanceResult, CaseOutcome } from './runner.ts'
import { casePassed } from './runner.ts'

/** Per-check totals over all cases. */
export function agreementTotals(
  r: ConformanceResult
): Record<CheckId, { agreed: number; total: number }> {
  const t = {
    1: { agreed: 0, total: 0 },
    2: { agreed: 0, total: 0 },
    3: { agreed: 0, total: 0 },
    4: { agreed: 0, total: 0 }
  }
  for (const o of r.outcomes) {
    for (const id of [1, 2, 3, 4] as const) {
      t[id].agreed += o.checks[id].agreed
      t[id].total += o.checks[id].total
    }
  }
  return t
}

/** The summary line. */
export function summaryLine(r: ConformanceResult): string {
  const kills = r.outcomes.reduce((n, o) => n + o.run.kills.length, 0)
  const t = agreementTotals(r)
  const parts = ([1, 2, 3, 4] as const).map(id => `c${id} ${t[id].agreed}/${t[id].total}`)
  let line = `conformance: ${r.outcomes.length} cases, ${kills} kills, agreements: ${parts.join(', ')}`
  const drift = (id: CheckId): number =>
    r.outcomes.reduce((n, o) => n + (o.checks[id].drift ?? 0), 0)
  const exact = r.outcomes.reduce((n, o) => n + (o.checks[4].exactAgreed ?? 0), 0)
  line += ` (counter-drift allowances: c2 ${drift(2)}, c4 ${drift(4)}; c4 from exact /proc counters alone ${exact}/${t[4].total})`
  const races = r.outcomes.reduce((n, o) => n + (o.checks[2].explained ?? 0), 0)
  if (races > 0)
    line += ` (c2: ${races} kill(s) made before the previous victim's memory was back, not compared: exit-race.ts)`
  if (r.skipped.length > 0) line += ` (${r.skipped.length} skipped: ${r.skipped[0]!.reason})`
  return line
}

/** Did the whole run pass? */
export function runPassed(r: ConformanceResult): boolean {
  return r.environment.ok && r.outcomes.length > 0 && r.outcomes.every(casePassed)
}

function indent(lines: readonly string[], prefix = '    '): string[] {
  return lines.map(l => prefix + l)
}

/** The failure details of one case (empty when it passed). */
export function caseFailureText(o: CaseOutcome): string[] {
  if (casePassed(o)) return []
  const s = o.run.spec
  const out = [
    `--- seed ${s.seed} (${s.label}) FAILED — replay: npm run conformance -- --seed ${s.seed}`,
    `    case: limit ${s.limitKb} KiB, grower hog ${s.grower}, step ${s.stepKb} KiB, hogs ${JSON.stringify(s.hogs.map(h => [h.name, h.privateKb, h.adj, h.forks, h.threads, h.cloneVm, h.sharedKb]))}`
  ]
  for (const e of o.run.errors) out.push(`    harness: ${e}`)
  if (o.run.kills.length === 0) out.push('    harness: the kernel killed nothing')
  const unavailable = new Set<string>()
  for (const id of [1, 2, 3, 4] as const) {
    const c = o.checks[id]
    if (c.unavailable !== undefined) {
      unavailable.add(`    check ${id}: ${c.unavailable}`)
      continue
    }
    for (const d of c.disagreements) {
      out.push(`    check ${id}${d.kill !== null ? `, kill ${d.kill + 1}` : ''}: ${d.message}`)
      out.push(
        '      kernel:',
        ...indent(d.kernel, '        '),
        '      ours:',
        ...indent(d.ours, '        ')
      )
    }
  }
  out.push(...unavailable)
  const hasDisagreement = Object.values(o.checks).some(c => c.disagreements.length > 0)
  if (hasDisagreement && o.run.logLines.length > 0) {
    out.push("    the kernel's report(s):")
    out.push(
      ...indent(
        o.run.logLines.filter(l => !l.includes('] memory.') && !/\] (total_|[a-z_]+ \d+$)/.test(l)),
        '      '
      )
    )
  }
  return out
}

/** Everything to print after a run: failures first, then notes, then the summary line. */
export function reportText(r: ConformanceResult): string[] {
  if (!r.environment.ok) return [`conformance: skipped: ${r.environment.reason}`]
  const out: string[] = []
  for (const o of r.outcomes) out.push(...caseFailureText(o))
  for (const o of r.outcomes)
    for (const id of [1, 2, 3, 4] as const)
      for (const n of o.checks[id].notes ?? []) out.push(`note (check ${id}): ${n}`)
  out.push(summaryLine(r))
  out.push(
    `conformance: ${runPassed(r) ? 'PASS' : 'FAIL'} in ${(r.durationMs / 1000).toFixed(1)} s on ${r.environment.release} (profile ${r.profile?.name ?? '?'}, cgroup v${r.environment.controller.version})`
  )
  return out
}
