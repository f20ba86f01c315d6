/**
 * @module Human text for `oomkit explain`: one section per OOM event saying what happened, who
 * was killed and why (the top of the replayed ranking with each score's parts), who was
 * protected, whether the replay agrees with the kernel and what would have saved the victim.
 */
import type { ExplainModel, ExplainReport } from './explain-model.ts'
import type { RankedRow } from './replay.ts'

const TOP = 10

function pad(s: string | number, n: number): string {
  return String(s).padStart(n)
}

function what(r: ExplainReport): string {
  const t = r.trigger
  const who = t ? `${t.comm}${t.pid !== null ? ` (pid ${t.pid})` : ''}` : 'a task'
  const ask = t
    ? ` asked for ${t.order !== null ? `an order-${t.order}` : 'an'} allocation${
        t.gfpFlags.length > 0
          ? ` (${t.gfpFlags.join('|')})`
          : t.gfpMask
            ? ` (gfp ${t.gfpMask})`
            : ''
      }`
    : ' needed memory'
  let where: string
  if (r.constraint === 'CONSTRAINT_MEMCG') {
    const cg = r.oomMemcg !== null ? `memory cgroup ${r.oomMemcg}` : 'a memory cgroup'
    const lim =
      r.memory.limitKb !== null
        ? ` (limit ${r.memory.limitKb} kB, usage ${r.memory.usageKb} kB)`
        : ''
    where = `and ${cg} was at its limit${lim}`
  } else if (r.constraint === 'CONSTRAINT_NONE') {
    const ram =
      r.memory.ramKb !== null
        ? ` (${r.memory.ramKb} kB usable RAM, ${r.memory.freeKb ?? '?'} kB free, swap ${r.memory.freeSwapKb ?? '?'}/${r.memory.totalSwapKb ?? '?'} kB free)`
        : ''
    where = `and the whole system was out of memory${ram}`
  } else if (r.constraint !== null) where = `under ${r.constraint}`
  else where = 'and the kernel ran out of memory'
  return `${who}${ask} ${where}.`
}

function partsText(x: RankedRow): string {
  const p = x.parts
  if (!p || x.points === null) return x.ineligibleReason ?? ''
  const terms = [`rss ${p.rss}`, `swap ${p.swap}`, `pgtables ${p.pgtables}`]
  terms.push(`adj ${p.adj >= 0 ? '+' : ''}${p.adj}`)
  if (p.rootBonus > 0) terms.push(`root -${p.rootBonus}`)
  return terms.join(', ')
}

/** One report's section, as lines. */
export function reportSection(r: ExplainReport): string[] {
  const out: string[] = []
  const when = r.time !== null ? ` at ${r.time}` : ''
  const kernel = r.kernelRelease !== null ? `kernel ${r.kernelRelease}` : 'kernel version not shown'
  out.push(`OOM event ${r.index} (lines ${r.lines.first}-${r.lines.last}${when}), ${kernel}`)
  out.push(`  profile:  ${r.profile} (${r.profileReason})`)
  out.push(`  what:     ${what(r)}`)
  if (r.killed) {
    const k = r.killed
    const mem =
      k.anonRssKb !== null
        ? `, anon-rss ${k.anonRssKb} kB, file-rss ${k.fileRssKb ?? '?'} kB${k.shmemRssKb !== null ? `, shmem-rss ${k.shmemRssKb} kB` : ''}`
        : ''
    const from =
      k.source === 'killed'
        ? ''
        : ` (from the ${k.source === 'summary' ? 'oom-kill summary' : k.source === 'reaper' ? 'oom_reaper' : '"Kill process"'} line)`
    out.push(`  killed:   pid ${k.pid} (${k.comm})${mem}${from}`)
  } else if (r.noKillable) out.push('  killed:   nobody: "Out of memory and no killable processes"')
  else out.push('  killed:   the text does not say')
  if (r.chosen && r.killed && r.chosen.pid !== r.killed.pid)
    out.push(
      `  note:     the kernel chose ${r.chosen.pid} (${r.chosen.comm}) and killed ${r.killed.pid} instead (a child sacrificed, or another thread of the process)`
    )
  if (r.explanation.oomGroup !== null) out.push(`  oom.group: ${r.explanation.oomGroup}`)
  for (const re of r.reaper)
    out.push(
      re.outcome === 'reaped'
        ? `  reaper:   reaped ${re.pid} (${re.comm}); anon-rss now ${re.anonRssKb ?? '?'} kB`
        : `  reaper:   unable to reap ${re.pid} (${re.comm})`
    )
  if (r.panic !== null) out.push(`  panic:    ${r.panic}`)
  const rp = r.replay
  out.push(`  replay:   ${rp.reason}`)
  if (rp.totalPages !== null) out.push(`  totalpages: ${rp.totalPages} (${rp.totalPagesSource})`)
  if (rp.ranking.length > 0) {
    const ranked = rp.ranking
      .filter(x => x.rank !== null)
      .sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
    out.push(
      `  ranking (points in pages${rp.printedScore !== null ? `; the kernel printed score ${rp.printedScore}, replay ${rp.replayScore ?? '?'}` : ''}):`
    )
    out.push(`    rank     pid  adj       points  comm              parts`)
    for (const x of ranked.slice(0, TOP))
      out.push(
        `    ${pad(x.rank ?? '', 4)} ${pad(x.pid, 7)} ${pad(x.oomScoreAdj, 4)} ${pad(x.points ?? '', 12)}  ${x.comm.padEnd(16)}  ${partsText(x)}`
      )
    if (ranked.length > TOP) out.push(`    ... ${ranked.length - TOP} more`)
    const out_ = rp.ranking.filter(x => !x.eligible)
    for (const x of out_.slice(0, TOP))
      out.push(`    protected ${x.pid} (${x.comm}): ${x.ineligibleReason ?? ''}`)
    if (out_.length > TOP) out.push(`    ... ${out_.length - TOP} more protected`)
  }
  if (r.explanation.why !== null) out.push(`  why:      ${r.explanation.why}`)
  if (rp.agrees !== null) out.push(`  agrees:   ${rp.agrees ? 'yes' : 'NO'}`)
  if (r.explanation.savedBy !== null) out.push(`  saved by: ${r.explanation.savedBy}`)
  for (const n of rp.notes) out.push(`  note:     ${n}`)
  for (const x of r.warnings) out.push(`  warning:  line ${x.line}: ${x.message} [${x.code}]`)
  return out
}

/** The whole human report from each report's section and the allocation failures. */
export function explainDocument(
  sections: readonly string[][],
  failures: ExplainModel['allocationFailures']
): string {
  if (sections.length === 0 && failures.length === 0) return 'no OOM report found\n'
  const out: string[] = []
  if (sections.length > 1) out.push(`${sections.length} OOM events found`, '')
  for (const s of sections) out.push(...s, '')
  for (const a of failures)
    out.push(
      `page allocation failure (lines ${a.lines.first}-${a.lines.last}): ${a.comm}, order ${a.order ?? '?'}, mode ${a.gfpMask ?? '?'} (no OOM kill)`,
      ''
    )
  if (sections.length === 0) out.unshift('no OOM report found (only page allocation failures)', '')
  return out.join('\n')
}

/** The whole human report. */
export function explainText(model: ExplainModel): string {
  return explainDocument(model.reports.map(reportSection), model.allocationFailures)
}
