/**
 * @module Command-line flags layered over the YAML config (flags win). Pure: flags in, a new
 * config out; a bad flag value is a UserError naming the flag.
 */
import { UserError } from '../errors.ts'
import type { DaemonConfig, MatchRule, Stages } from './config-schema.ts'
import { defaultConfig } from './config-defaults.ts'
import { parseThreshold } from './units.ts'

/** The daemon's flags as commander gives them. */
export interface DaemonFlags {
  dryRun?: boolean
  sortBy?: string
  mem?: string
  swap?: string
  cgroup?: string[]
  journal?: string
  metrics?: string
  prefer?: string[]
  avoid?: string[]
  ignore?: string[]
  preKill?: string
  postKill?: string
  profile?: string
  logLevel?: string
}

/** "TERM[,KILL]" -> stages (KILL defaults to half of TERM, as in earlyoom). */
export function parseStagesFlag(flag: string, value: string): Stages {
  const [termText, killText] = value.split(',')
  const term = termText ? parseThreshold(termText) : null
  if (!term) throw new UserError(`${flag}: expected TERM[,KILL] as "10%" or "512M", got "${value}"`)
  const kill = killText ? parseThreshold(killText) : { ...term, value: term.value / 2 }
  if (!kill) throw new UserError(`${flag}: bad KILL threshold "${killText}"`)
  return { term, kill }
}

function regexFlag(flag: string, text: string): RegExp {
  try {
    return new RegExp(text)
  } catch (error) {
    throw new UserError(`${flag}: bad regular expression: ${(error as Error).message}`)
  }
}

/** Apply flags to a config (a copy; the input is not changed). */
export function applyFlags(base: DaemonConfig | null, flags: DaemonFlags): DaemonConfig {
  const config: DaemonConfig = structuredClone(base ?? defaultConfig())
  // structuredClone keeps RegExp objects; rules are re-used as they are.
  if (base) config.choose.rules = [...base.choose.rules]
  if (flags.dryRun) config.kill.dryRun = true
  if (flags.sortBy !== undefined) {
    if (!['badness', 'rss', 'swap', 'growth'].includes(flags.sortBy))
      throw new UserError(`--sort-by: expected badness, rss, swap or growth, got "${flags.sortBy}"`)
    config.choose.sortBy = flags.sortBy as DaemonConfig['choose']['sortBy']
  }
  if (flags.mem !== undefined) config.memory.available = parseStagesFlag('--mem', flags.mem)
  if (flags.swap !== undefined) config.memory.swapFree = parseStagesFlag('--swap', flags.swap)
  for (const spec of flags.cgroup ?? []) {
    const eq = spec.indexOf('=')
    const path = eq >= 0 ? spec.slice(0, eq) : spec
    const available =
      eq >= 0
        ? parseStagesFlag('--cgroup', spec.slice(eq + 1))
        : {
            term: { kind: 'percent' as const, value: 10 },
            kill: { kind: 'percent' as const, value: 5 }
          }
    config.cgroups = [...config.cgroups.filter(c => c.path !== path), { path, available }]
  }
  if (flags.journal !== undefined) config.journal = flags.journal
  if (flags.metrics !== undefined)
    config.metrics = {
      ...config.metrics,
      enabled: flags.metrics !== 'off',
      listen: flags.metrics === 'off' ? config.metrics.listen : flags.metrics
    }
  const rules: MatchRule[] = []
  for (const r of flags.prefer ?? [])
    rules.push({ name: regexFlag('--prefer', r), action: 'prefer' })
  for (const r of flags.avoid ?? []) rules.push({ name: regexFlag('--avoid', r), action: 'avoid' })
  for (const r of flags.ignore ?? [])
    rules.push({ name: regexFlag('--ignore', r), action: 'ignore' })
  config.choose.rules = [...config.choose.rules, ...rules]
  if (flags.preKill !== undefined) config.hooks.preKill = flags.preKill
  if (flags.postKill !== undefined) config.hooks.postKill = flags.postKill
  if (flags.profile !== undefined) config.profile = flags.profile
  if (flags.logLevel !== undefined) {
    if (!['debug', 'info', 'warn', 'error'].includes(flags.logLevel))
      throw new UserError(
        `--log-level: expected debug, info, warn or error, got "${flags.logLevel}"`
      )
    config.log.level = flags.logLevel as DaemonConfig['log']['level']
  }
  if (config.interval.min > config.interval.max)
    throw new UserError('interval.min is larger than interval.max')
  return config
}
