/**
 * @module Which kernel profile a report was printed by: from the kernel release in the stack
 * banner when there is one (`profileForRelease`), otherwise from the line forms the text shows
 * (table layout, Killed-line fields, summary line, sacrifice line, memcg block shape). When the
 * release's profile disagrees with the printed table layout, the layout wins for the columns
 * and the page-table term (distro backports, -rc kernels between profiles).
 */
import {
  legacyProfileForRelease,
  legacyProfiles,
  profileForRelease,
  profiles,
  variant
} from '../kernel/profiles.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import type { OomEvent, TableLayout } from './oom-event.ts'

/** A profile choice with the reason shown to the user. */
export interface ProfileGuess {
  profile: KernelProfile
  reason: string
}

function must(name: string): KernelProfile {
  const p = profiles[name]
  if (!p) throw new Error(`built-in profile ${name} missing`)
  return p
}

/** The evidence in the text, ignoring the release. */
function guessFromForms(e: OomEvent): ProfileGuess {
  const layout = e.tableLayout
  const killed = e.killedLines[0]
  const rhel6Kill = e.killedLines.some(k => k.uidForm === true)
  const oldHeader =
    e.trigger !== null && e.trigger.oomAdj !== null && e.trigger.oomScoreAdj === null
  if ((layout === '2.6-old' || oldHeader) && !rhel6Kill)
    return {
      profile: legacyProfiles['2.6.26'] ?? must('rhel6'),
      reason: 'oom_adj without oom_score_adj in the header or table (before 2.6.36)'
    }
  if (layout === 'rhel6' || layout === '2.6-old' || rhel6Kill)
    return { profile: must('rhel6'), reason: 'RHEL6 task-table columns or Killed-line form' }
  if (layout === '6.8')
    return { profile: must('6.11'), reason: 'rss_anon/rss_file/rss_shmem table (>= 6.8)' }
  if (layout === '4.0')
    return { profile: must('4.14'), reason: 'nr_ptes + nr_pmds table (4.0–4.14)' }
  if (layout === '3x') return { profile: must('3.10'), reason: 'nr_ptes table (3.x)' }
  const summary = e.summary !== null
  const sacrifice = e.sacrifice !== null
  if (killed?.uid !== undefined || (summary && !sacrifice))
    return {
      profile: must('5.10'),
      reason: 'Killed line with UID/pgtables or summary line without "sacrifice child" (>= 5.4)'
    }
  if (layout === '4.19' || (summary && sacrifice))
    return {
      profile: must('4.19'),
      reason: '"Tasks state" table or summary line with "sacrifice child" (4.19–5.0)'
    }
  if (layout === '4.15')
    return {
      profile: refineForLayout(must('4.14'), '4.15'),
      reason: 'pgtables_bytes table without "Tasks state" (4.15–4.18)'
    }
  if (killed?.shmemRssKb !== undefined)
    return { profile: must('4.14'), reason: 'shmem-rss in the Killed line (4.5–5.0)' }
  if (killed?.message !== undefined && killed.message !== '')
    return { profile: must('5.10'), reason: 'message prefix on the Killed line (>= 5.1)' }
  if (e.memcgInfo?.swap !== undefined)
    return { profile: must('5.10'), reason: 'cgroup v2 memory/swap lines' }
  if (sacrifice || killed !== undefined)
    return { profile: must('3.10'), reason: 'Killed line without shmem-rss (3.x)' }
  return { profile: must('5.10'), reason: 'no version evidence; assumed a current LTS kernel' }
}

/** The profile's table layout adjusted to what was printed (columns and page-table term). */
export function refineForLayout(p: KernelProfile, layout: TableLayout): KernelProfile {
  const fmt: KernelProfile['format']['tasks'] =
    layout === '2.6-old' ? 'rhel6' : layout === '4.15' ? '4.15' : layout
  if (p.format.tasks === fmt) return p
  const term: KernelProfile['badness']['pgtableTerm'] =
    layout === '4.0'
      ? 'nrPtesPmds'
      : layout === '3x' || layout === 'rhel6' || layout === '2.6-old'
        ? 'nrPtes'
        : 'pgtablesBytes'
  return variant(p, {
    name: `${p.name}+${layout}-table`,
    description: `${p.description}; task table printed in the ${layout} layout`,
    badness: { pgtableTerm: term },
    format: { tasks: fmt }
  })
}

/** Does the text show kill-path lines the profile would not print (a distro backport)? */
function contradicts(p: KernelProfile, e: OomEvent): string | null {
  const killed = e.killedLines[0]
  // oom_score_adj arrived with the 2.6.36 rewrite; a 2.6 kernel printing it is a backport (RHEL6).
  if (p.badness.form === 'totalVm' && e.trigger?.oomScoreAdj != null) return 'oom_score_adj'
  if (p.badness.form === 'totalVm' && (e.tableLayout === 'rhel6' || killed?.uidForm === true))
    return 'the RHEL6 task table or Killed-line form'
  if (e.summary !== null && !p.format.summaryLine) return 'an oom-kill summary line'
  if (e.sacrifice !== null && !p.kill.sacrificeChild) return 'a "sacrifice child" line'
  if (killed?.pgtablesKb !== undefined && p.format.killed !== '5.4')
    return 'a Killed line with UID/pgtables/oom_score_adj'
  if (
    p.kill.sacrificeChild &&
    e.sacrifice === null &&
    killed?.message !== undefined &&
    killed.message !== '' &&
    e.victim !== null
  )
    return 'a "Killed process" line with a message prefix and no "sacrifice child" line'
  return null
}

/** Built-in profiles by kernel release: a log's reports mostly share one or two releases. */
const byReleaseMemo = new Map<string, KernelProfile>()

/** The built-in (or explain-only legacy) profile at or below `release`, looked up once each. */
function releaseProfile(release: string): KernelProfile {
  let p = byReleaseMemo.get(release)
  if (p === undefined) {
    p = legacyProfileForRelease(release) ?? profileForRelease(release)
    if (byReleaseMemo.size > 1000) byReleaseMemo.clear()
    byReleaseMemo.set(release, p)
  }
  return p
}

/** Pick the profile for an event (`override` from --profile wins). */
export function guessProfile(e: OomEvent, override?: KernelProfile): ProfileGuess {
  if (override) return { profile: override, reason: 'chosen with --profile' }
  if (e.kernelRelease !== null) {
    const byRelease = releaseProfile(e.kernelRelease)
    const why = contradicts(byRelease, e)
    if (why !== null) {
      const forms = guessFromForms(e)
      return {
        profile: forms.profile,
        reason: `kernel ${e.kernelRelease} from the stack banner, but the report has ${why}, which profile ${byRelease.name} would not print (backports): using ${forms.profile.name} (${forms.reason})`
      }
    }
    let profile = byRelease
    let reason = `kernel ${e.kernelRelease} from the stack banner`
    if (e.tableLayout !== null && e.tableLayout !== '2.6-old') {
      const refined = refineForLayout(profile, e.tableLayout)
      if (refined !== profile) reason += `; task table printed in the ${e.tableLayout} layout`
      profile = refined
    }
    return { profile, reason }
  }
  return guessFromForms(e)
}
