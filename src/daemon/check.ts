/**
 * @module `oomkit daemon --check`: validate the config and report what it would watch, with
 * warnings for rules that match no running process and cgroups that do not exist.
 */
import { existsSync, lstatSync } from 'node:fs'
import { dirname } from 'node:path'
import type { DaemonConfig } from './config-schema.ts'
import type { MemorySource } from './readings.ts'
import { forgeableProtection, ruleLabel, unmatchedRules } from './rules.ts'
import { formatThreshold } from './units.ts'
import { psiTriggerProblem } from '../adapters/pidfd/psi-trigger.ts'
import type { Threshold } from './units.ts'
import { SYSRQ } from './watchdog.ts'

/** The report `--check` prints. */
export interface CheckReport {
  ok: boolean
  profile: string
  lines: string[]
  warnings: string[]
}

function stages(s: {
  warn?: Threshold | undefined
  term?: Threshold | undefined
  kill?: Threshold | undefined
}): string {
  const parts: string[] = []
  if (s.warn) parts.push(`warn ${formatThreshold(s.warn)}`)
  if (s.term) parts.push(`term ${formatThreshold(s.term)}`)
  if (s.kill) parts.push(`kill ${formatThreshold(s.kill)}`)
  return parts.join(', ') || 'off'
}

/** Why the journal could not be written at a kill (journal.ts opens it O_NOFOLLOW, regular
 * files only), or null. */
function journalProblem(path: string): string | null {
  if (!existsSync(dirname(path))) return `its directory ${dirname(path)} does not exist`
  try {
    const st = lstatSync(path)
    if (st.isSymbolicLink()) return 'is a symbolic link: the daemon refuses to write through it'
    if (!st.isFile()) return 'is not a regular file'
  } catch {
    /* created at the first kill */
  }
  return null
}

/** What start-up would warn about the watchdog's fallback (services.ts). */
function watchdogProblem(config: DaemonConfig): string | null {
  const wd = config.selfProtect.watchdog
  if (wd.action !== 'sysrq-f' || !config.memory.enabled) return null
  return existsSync(SYSRQ)
    ? null
    : `${SYSRQ} does not exist: a stall under system pressure would only be logged`
}

/** Build the report; `source` is consulted for live processes and cgroups. */
export function checkConfig(
  config: DaemonConfig,
  profileName: string,
  source: MemorySource | null
): CheckReport {
  const lines: string[] = []
  const warnings: string[] = []
  lines.push(`kernel profile: ${profileName}`)
  if (config.memory.enabled) {
    lines.push(`MemAvailable below: ${stages(config.memory.available)}`)
    lines.push(
      `SwapFree below: ${config.memory.combine === 'all' ? stages(config.memory.swapFree) : 'ignored'}`
    )
  }
  if (config.psi)
    lines.push(
      `PSI ${config.psi.metric} avg10 above: warn ${config.psi.warn ?? '-'}, term ${config.psi.term ?? '-'}, kill ${config.psi.kill ?? '-'} for ${config.psi.for} ms`
    )
  if (config.psiTrigger) {
    const t = config.psiTrigger
    lines.push(`PSI trigger: ${t.metric} ${t.stall} ms per ${t.window} ms window`)
    // Unprivileged limits: the daemon usually lacks CAP_SYS_RESOURCE in containers.
    const problem = psiTriggerProblem(t.stall, t.window, false)
    if (problem) warnings.push(`psiTrigger: ${problem}`)
  }
  for (const c of config.cgroups) {
    lines.push(`cgroup ${c.path}: headroom below ${stages(c.available)}`)
    if (source && source.cgroup(c.path) === null)
      warnings.push(`cgroup ${c.path} does not exist (or has no memory controller) yet`)
  }
  lines.push(
    `polling: ${config.interval.min}..${config.interval.max} ms${config.interval.predictive ? ', predictive' : ''}`
  )
  lines.push(
    `victims by ${config.choose.sortBy} (${config.choose.mode} mode), ${config.choose.rules.length} rule(s)`
  )
  lines.push(
    `SIGTERM grace ${config.kill.grace} ms; budget ${config.kill.budget.kills} kill(s) per ${config.kill.budget.window} ms${config.kill.dryRun ? '; DRY RUN' : ''}`
  )
  if (config.journal) {
    lines.push(`journal: ${config.journal}`)
    const problem = journalProblem(config.journal)
    if (problem) warnings.push(`journal ${config.journal}: ${problem}`)
  }
  if (config.selfProtect.watchdog.enabled) {
    const problem = watchdogProblem(config)
    if (problem) warnings.push(`watchdog: ${problem}`)
  }
  if (config.metrics.enabled) lines.push(`metrics: http://${config.metrics.listen}/metrics`)
  for (const r of config.choose.rules.filter(forgeableProtection))
    warnings.push(
      `rule "${ruleLabel(r)}" matches only what a process chooses itself (name, command line): advisory; use exePath, cgroup, unit or user`
    )
  if (source && config.choose.rules.length > 0) {
    for (const r of unmatchedRules(config.choose.rules, source.processes()))
      warnings.push(`rule "${ruleLabel(r)}" matches no running process`)
  }
  return { ok: true, profile: profileName, lines, warnings }
}
