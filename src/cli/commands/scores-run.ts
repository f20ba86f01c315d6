/**
 * @module What `oomkit scores` does once its flags are parsed (by commander, scores.ts, or by
 * the scores-only entry, scores-entry.ts): scan, rank and print; the exit code.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { profileNames } from '../../kernel/profiles.ts'
import type { Ranking } from '../../host/ranking.ts'
import type { WatchInput } from '../../host/watch-screen.ts'
import { EXIT, UserError } from '../../errors.ts'
import type { CliIO } from '../io.ts'
import { useColor } from '../io.ts'
import { profileOption } from '../profile-option.ts'

/** The version of the `scores --json` document (schema/scores.schema.json). */
export const SCORES_JSON_VERSION = 1

export interface ScoresOptions {
  json?: boolean
  watch?: boolean
  interval: string
  cgroup?: string
  profile?: string
  root?: string
  all?: boolean
  top?: string
}

/** The host scanner and ranking, loaded only when this command runs. */
async function loadHost() {
  const [{ LiveHostSource }, { chooseProfile, rankHost }, { scanHost }] = await Promise.all([
    import('../../adapters/proc/live-host-source.ts'),
    import('../../host/ranking.ts'),
    import('../../host/scan.ts')
  ])
  return { LiveHostSource, chooseProfile, rankHost, scanHost }
}
type Host = Awaited<ReturnType<typeof loadHost>>

/** Scan and rank once; bad --root/--profile/--cgroup are user errors. */
function rankOnce(io: CliIO, o: ScoresOptions, h: Host): Ranking {
  const { LiveHostSource, chooseProfile, rankHost, scanHost } = h
  const root = o.root === undefined ? '/' : resolve(io.cwd, o.root)
  if (!existsSync(resolve(root, 'proc'))) {
    throw new UserError(`${o.root ?? root}: no proc/ directory here (not a host tree)`)
  }
  const reading = scanHost(new LiveHostSource(root), { threads: 'vfork-parents' })
  if (reading.processes.length === 0 && reading.meminfo.MemTotal === undefined) {
    throw new UserError(`${o.root ?? root}: no processes and no proc/meminfo (not a host tree)`)
  }
  const profile = chooseProfile(reading, o.profile)
  if (profile === null) {
    throw new UserError(
      `unknown profile '${o.profile ?? ''}' (known: ${profileNames.join(', ')}, or a release like 6.8.0)`
    )
  }
  const cgroup = o.cgroup?.replace(/\/+$/, '') || (o.cgroup === undefined ? undefined : '/')
  if (cgroup !== undefined && !(reading.memcgs?.groups.some(g => g.path === cgroup) ?? false)) {
    throw new UserError(`--cgroup ${o.cgroup ?? ''}: no such memory cgroup on this host`)
  }
  return rankHost(reading, profile, cgroup === undefined ? {} : { cgroup })
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0)
    throw new UserError(`${flag} ${value}: expected a whole number`)
  return n
}

/** Run `oomkit scores` with parsed options; resolves to the exit code (user errors throw). */
export async function runScores(io: CliIO, o: ScoresOptions): Promise<number> {
  const top = positiveInt('--top', o.top)
  const interval = Number(o.interval)
  if (!Number.isFinite(interval) || interval <= 0) {
    throw new UserError(`--interval ${o.interval}: expected a positive number of seconds`)
  }
  if (o.profile !== undefined) o.profile = profileOption(o.profile, io.stderr).name
  const h = await loadHost()
  if (o.watch) {
    if (o.json) throw new UserError('--watch and --json cannot be combined')
    const stdin = io.stdin as WatchInput & { isTTY?: boolean }
    if (io.stdout.isTTY !== true || stdin.isTTY !== true) {
      throw new UserError('--watch needs an interactive terminal (stdin and stdout a TTY)')
    }
    rankOnce(io, o, h) // validate flags before taking over the screen
    const color = useColor(io)
    const { renderScoresTable } = await import('../../host/render-scores.ts')
    const { runWatch } = await import('../../host/watch-screen.ts')
    await runWatch({
      output: io.stdout,
      input: stdin,
      intervalMs: interval * 1000,
      render: (columns, rows) =>
        renderScoresTable(rankOnce(io, o, h), {
          color,
          all: o.all === true,
          rows: Math.min(top ?? Infinity, Math.max(1, rows - 12)),
          width: columns,
          title: `oomkit scores  ${new Date().toISOString().slice(11, 19)}  (q to quit)`
        })
    })
    return EXIT.ok
  }
  const ranking = rankOnce(io, o, h)
  // Only the output asked for is loaded: the JSON document or the table (and picocolors).
  if (o.json) {
    const { scoresJson } = await import('../../host/scores-json.ts')
    io.stdout.write(
      JSON.stringify(
        { version: SCORES_JSON_VERSION, ...(scoresJson(ranking) as object) },
        null,
        2
      ) + '\n'
    )
  } else {
    const { renderScoresTable } = await import('../../host/render-scores.ts')
    const lines = renderScoresTable(ranking, {
      color: useColor(io),
      all: o.all === true,
      ...(top === undefined ? {} : { rows: top })
    })
    io.stdout.write(lines.join('\n') + '\n')
  }
  return EXIT.ok
}
