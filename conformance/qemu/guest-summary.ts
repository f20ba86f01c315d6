/**
 * @module Text output of a QEMU run: per-check agreement counts (overall and per case kind),
 * boot and per-case times, and for every failure the kernel's lines beside ours.
 */
import type { CheckId } from '../checks/types.ts'
import { guestCasePassed, type GuestOutcome, type GuestResult } from './guest-runner.ts'

const IDS = [1, 2, 3, 4] as const

/** Per-check agreed/total over some outcomes. */
export function guestTotals(
  outs: readonly GuestOutcome[]
): Record<CheckId, { agreed: number; total: number; explained: number }> {
  const t = {
    1: { agreed: 0, total: 0, explained: 0 },
    2: { agreed: 0, total: 0, explained: 0 },
    3: { agreed: 0, total: 0, explained: 0 },
    4: { agreed: 0, total: 0, explained: 0 }
  }
  for (const o of outs)
    for (const id of IDS) {
      t[id].agreed += o.checks[id].agreed
      t[id].total += o.checks[id].total
      t[id].explained += o.checks[id].explained ?? 0
    }
  return t
}

function counts(outs: readonly GuestOutcome[]): string {
  const t = guestTotals(outs)
  const one = (id: CheckId): string =>
    `c${id} ${t[id].agreed}/${t[id].total}` +
    (t[id].explained > 0 ? ` (+${t[id].explained} explained, see the notes)` : '')
  return IDS.map(one).join(', ')
}

/** The summary lines: overall, per kind, timings. */
export function guestSummaryLines(r: GuestResult): string[] {
  const kills = r.outcomes.reduce((n, o) => n + o.run.kills.length, 0)
  const out = [
    `conformance (qemu ${r.release}): ${r.outcomes.length} cases, ${kills} kills, agreements: ${counts(r.outcomes)}`
  ]
  const kinds = [...new Set(r.outcomes.map(o => o.run.spec.kind))]
  for (const k of kinds) {
    const outs = r.outcomes.filter(o => o.run.spec.kind === k)
    out.push(
      `  ${k}: ${outs.length} cases, ${outs.reduce((n, o) => n + o.run.kills.length, 0)} kills: ${counts(outs)}`
    )
  }
  out.push(...memInfoLines(r.outcomes))
  const ms = r.outcomes.map(o => o.run.durationMs)
  const avg = ms.length > 0 ? ms.reduce((a, b) => a + b, 0) / ms.length : 0
  out.push(
    `  boots: ${r.bootMs.length} (${r.bootMs.map(b => `${(b / 1000).toFixed(1)} s`).join(', ')}); ` +
      `per case: mean ${(avg / 1000).toFixed(1)} s, max ${(Math.max(0, ...ms) / 1000).toFixed(1)} s; ` +
      `total ${(r.durationMs / 1000).toFixed(1)} s`
  )
  return out
}

/** Per Mem-Info field over the global cases: agreed/total, the exact and bounded ones first. */
export function memInfoLines(outs: readonly GuestOutcome[]): string[] {
  const t = new Map<string, { rule: string; agreed: number; total: number }>()
  for (const o of outs)
    for (const v of o.checks[2].memInfo ?? []) {
      // A field compared exactly in one case may be counted only in another (all_unreclaimable).
      const key = `${v.rule} ${v.field}`
      const e = t.get(key) ?? { rule: v.rule, agreed: 0, total: 0 }
      e.total++
      if (v.agreed) e.agreed++
      t.set(key, e)
    }
  if (t.size === 0) return []
  const part = (rule: string): string =>
    [...t]
      .filter(([, e]) => e.rule === rule)
      .map(([k, e]) => `${k.slice(rule.length + 1)} ${e.agreed}/${e.total}`)
      .join(', ')
  return [
    `  Mem-Info (global OOMs, first report): exact: ${part('exact')}`,
    `    bounded (free within high-min per zone): ${part('bounded')}`,
    `    counted only: ${part('info')}`
  ]
}

/** The failure text of one case (empty when it passed). */
export function guestFailureText(o: GuestOutcome): string[] {
  if (guestCasePassed(o)) return []
  const s = o.run.spec
  const out = [
    `--- qemu seed ${s.seed} (${s.label}, ${s.kind}) FAILED — replay: npm run conformance -- --kernel qemu-6.1 --seed ${s.seed}`
  ]
  for (const e of o.run.errors) out.push(`    harness: ${e}`)
  if (o.run.kills.length === 0 && !o.run.panicked)
    out.push('    harness: the kernel killed nothing')
  for (const id of IDS) {
    const c = o.checks[id]
    if (c.unavailable !== undefined) out.push(`    check ${id}: unavailable: ${c.unavailable}`)
    for (const d of c.disagreements) {
      out.push(`    check ${id}${d.kill !== null ? `, kill ${d.kill + 1}` : ''}: ${d.message}`)
      out.push(
        '      kernel:',
        ...d.kernel.map(l => `        ${l}`),
        '      ours:',
        ...d.ours.map(l => `        ${l}`)
      )
    }
  }
  return out
}

/** The checks' notes (agreements that needed a stated allowance), one line each. */
export function guestNotes(r: GuestResult): string[] {
  return r.outcomes.flatMap(o =>
    IDS.flatMap(id => (o.checks[id].notes ?? []).map(n => `note (check ${id}): ${n}`))
  )
}

/** Everything to print after a run. */
export function guestReportText(r: GuestResult): string[] {
  if (r.reason !== null && r.outcomes.length === 0)
    return [`conformance (qemu): skipped: ${r.reason}`]
  const out = [...r.outcomes.flatMap(guestFailureText), ...guestNotes(r)]
  if (r.reason !== null) out.push(`conformance (qemu): stopped: ${r.reason}`)
  out.push(...guestSummaryLines(r))
  const pass = r.reason === null && r.outcomes.length > 0 && r.outcomes.every(guestCasePassed)
  out.push(`conformance (qemu): ${pass ? 'PASS' : 'FAIL'} (profile ${r.profile?.name ?? '?'})`)
  return out
}

/** Did the run pass? */
export function guestRunPassed(r: GuestResult): boolean {
  return r.reason === null && r.outcomes.length > 0 && r.outcomes.every(guestCasePassed)
}
