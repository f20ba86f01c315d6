/**
 * @module prefer / avoid / ignore rules: which rules match a process and what they add up to.
 * Every field given in a rule must match (AND); `user` matches the name or the numeric uid.
 * `name` and `cmdline` are advisory: a process chooses them. `exePath` (the running file, by
 * device and inode), `cgroup`, `unit` (a system unit: a cgroup under /system.slice, which only
 * root can create) and `user` are what a process cannot forge.
 */
import type { MatchRule } from './config-schema.ts'
import type { ProcReading } from './readings.ts'

/** Default adjustment (oom_score_adj units) of a rule without `adjust`. */
export const DEFAULT_PREFER = 300
export const DEFAULT_AVOID = -300

/**
 * The system unit a memory cgroup path belongs to ("sshd.service" for
 * /system.slice/sshd.service/...), or null outside /system.slice. Inside a cgroup namespace (a
 * container) the host's cgroups read "/../../system.slice/...": a path can only climb out of the
 * reader's root that way, never from a cgroup a container created.
 */
export function systemUnit(memcg: string): string | null {
  const m =
    /^(?:\/\.\.)*\/system\.slice\/([^/]+\.(?:service|scope|socket|mount|swap))(?:\/|$)/.exec(memcg)
  return m ? (m[1] ?? null) : null
}

/** True when every field the rule names matches the process. */
export function ruleMatches(rule: MatchRule, p: ProcReading): boolean {
  if (rule.name && !rule.name.test(p.comm)) return false
  if (rule.cmdline && !rule.cmdline.test(p.cmdline)) return false
  if (rule.exe && !rule.exe.test(p.exe)) return false
  if (rule.exePath !== undefined && !(p.exe === rule.exePath && p.exeTrusted === true)) return false
  if (rule.cgroup && !rule.cgroup.test(p.memcg)) return false
  if (rule.unit) {
    const unit = systemUnit(p.memcg)
    if (unit === null || !rule.unit.test(unit)) return false
  }
  if (
    rule.user !== undefined &&
    String(rule.user) !== p.user &&
    String(rule.user) !== String(p.uid)
  )
    return false
  return true
}

/** Label of a rule for the journal: "prefer name=/^hog$/". */
export function ruleLabel(rule: MatchRule): string {
  const parts: string[] = []
  if (rule.name) parts.push(`name=${String(rule.name)}`)
  if (rule.cmdline) parts.push(`cmdline=${String(rule.cmdline)}`)
  if (rule.exe) parts.push(`exe=${String(rule.exe)}`)
  if (rule.exePath !== undefined) parts.push(`exePath=${rule.exePath}`)
  if (rule.cgroup) parts.push(`cgroup=${String(rule.cgroup)}`)
  if (rule.unit) parts.push(`unit=${String(rule.unit)}`)
  if (rule.user !== undefined) parts.push(`user=${rule.user}`)
  return `${rule.action} ${parts.join(' ')}`.trim()
}

/** What the rules say about one process. */
export interface RuleVerdict {
  ignored: boolean
  /** Sum of prefer/avoid adjustments (oom_score_adj units). */
  adjust: number
  /** Labels of the matching rules. */
  matched: string[]
}

export function applyRules(rules: readonly MatchRule[], p: ProcReading): RuleVerdict {
  const out: RuleVerdict = { ignored: false, adjust: 0, matched: [] }
  for (const rule of rules) {
    if (!ruleMatches(rule, p)) continue
    out.matched.push(ruleLabel(rule))
    if (rule.action === 'ignore') out.ignored = true
    else out.adjust += rule.adjust ?? (rule.action === 'prefer' ? DEFAULT_PREFER : DEFAULT_AVOID)
  }
  return out
}

/** An avoid/ignore rule that only matches what a process can choose (its name, command line
 * or an exe pattern): advisory, since a hog can take that name. */
export function forgeableProtection(rule: MatchRule): boolean {
  if (rule.action === 'prefer') return false
  return rule.exePath === undefined && !rule.cgroup && !rule.unit && rule.user === undefined
}

/** Rules that match none of `procs` (to warn at startup and on --check). */
export function unmatchedRules(
  rules: readonly MatchRule[],
  procs: readonly ProcReading[]
): MatchRule[] {
  return rules.filter(r => !procs.some(p => ruleMatches(r, p)))
}
