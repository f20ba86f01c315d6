/**
 * @module The scores-only entry of the bundle (dist/scores.js, scripts/build.ts): `oomkit scores`
 * with the common flags runs from one file, without commander or the other commands' code (the
 * start-up of a command meant to compare with `ps -e`). Any other argument list (help, --watch,
 * a flag twice, a value that looks like a flag, anything unknown) is left to the full CLI:
 * `scoresEntry` resolves to null and bin/oomkit.js loads dist/cli.js, so every message and
 * exit code of commander stays where it is.
 */
import { setFlagsFromString } from 'node:v8'
import { UserError } from '../../errors.ts'
import type { CliIO } from '../io.ts'
import { runScores, type ScoresOptions } from './scores-run.ts'

/** The flags taken here: booleans, and those with one value (as `--flag value` or `--flag=value`). */
const BOOLEAN = new Set(['--json', '--all'])
const VALUED = new Set(['--top', '--profile', '--root', '--cgroup'])

/** `scores [flags]` as the options commander would hand the action, or null (leave it to it). */
export function simpleScoresOptions(argv: readonly string[]): ScoresOptions | null {
  if (argv[0] !== 'scores') return null
  const o: Record<string, string | boolean> = {}
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!
    const eq = arg.indexOf('=')
    const flag = eq < 0 ? arg : arg.slice(0, eq)
    const key = flag.slice(2)
    if (key in o) return null
    if (BOOLEAN.has(arg)) o[key] = true
    else if (VALUED.has(flag)) {
      const value = eq < 0 ? argv[++i] : arg.slice(eq + 1)
      if (value === undefined || value.startsWith('-')) return null
      o[key] = value
    } else return null
  }
  return { ...o, interval: '2' }
}

/** Run `oomkit scores` when its arguments are simple ones (else null); user errors are one line
 * on stderr and their exit code, as the full CLI prints them. */
export async function scoresEntry(io: CliIO): Promise<number | null> {
  const options = simpleScoresOptions(io.argv)
  if (options === null) return null
  try {
    return await runScores(io, options)
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    io.stderr.write(error.lines().join('\n') + '\n')
    return error.exitCode
  }
}

/**
 * V8 flags for a `scores` run: one pass over a few thousand /proc files, each function running a
 * few thousand times at most. V8's optimising compiler (TurboFan) spends more CPU compiling the
 * parsers and the ranking than its code saves in such a run (2,100 processes: ~20 ms of ~240 ms
 * of CPU); the interpreter and the Sparkplug baseline compiler still run.
 */
export const SCORES_V8_FLAGS: readonly string[] = ['--no-opt']

/** bin/oomkit.js's call: apply SCORES_V8_FLAGS (before any of the scan runs), then `scoresEntry`. */
export async function scoresMain(io: CliIO): Promise<number | null> {
  for (const flag of SCORES_V8_FLAGS) setFlagsFromString(flag)
  return scoresEntry(io)
}
