/**
 * @module What `oomkit simulate` does once its flags are parsed: read and check the scenario,
 * run it (with progress on a terminal), write the trace and HTML page if asked, print the log or
 * the JSON summary, and fail with --check when the expect: block does not match. Loaded only
 * when the command runs.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { writeFileAtomicSync } from '../../adapters/file/atomic-write.ts'
import { EXIT, UserError } from '../../errors.ts'
import type { KernelProfile } from '../../kernel/profiles.ts'
import { formatDmesgTimestamp } from '../../kernel/printk/timestamp.ts'
import { checkExpect } from '../../sim/expect.ts'
import { runScenario } from '../../sim/runner.ts'
import type { RunOptions, RunResult } from '../../sim/runner.ts'
import type { Scenario } from '../../sim/schema.ts'
import { noOomNote } from '../../sim/summary.ts'
import { traceToJsonLines } from '../../sim/trace.ts'
import type { CliIO } from '../io.ts'
import { profileOption } from '../profile-option.ts'
import type { RunState } from '../register.ts'
import { readStdinText } from '../read-stdin.ts'
import { defaultScenario } from './simulate-default.ts'

/** The version of the `simulate --json` document (schema/simulate.schema.json). */
export const SIMULATE_JSON_VERSION = 1

export interface SimulateOpts {
  trace?: string
  json?: boolean
  profile?: string
  seed?: string
  check?: boolean
  html?: string
}

/** A file error's code, with the wording every command uses for permissions. */
function errorCode(e: unknown): string {
  const code = (e as { code?: string }).code ?? 'error'
  return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code
}

/** The scenario's text and the name errors point at: a file, or stdin for "-". */
async function scenarioText(file: string, io: CliIO): Promise<[string, string]> {
  if (file === '-') return [await readStdinText(io), '<stdin>']
  try {
    return [readFileSync(resolve(io.cwd, file), 'utf8'), file]
  } catch (e) {
    throw new UserError(`cannot read scenario '${file}' (${errorCode(e)})`)
  }
}

/** Parse and check the scenario; YAML the parser refuses (an alias bomb) is one line too. */
async function parse(text: string, name: string): Promise<Scenario> {
  // The YAML parser and the schema load only for a scenario that needs checking.
  const { parseScenario, ScenarioError } = await import('../../sim/load.ts')
  try {
    return parseScenario(text, name)
  } catch (e) {
    if (e instanceof ScenarioError) throw new UserError(e.message, { where: e.where, more: e.more })
    // yaml throws ReferenceError for alias abuse ("Excessive alias count ...") and RangeError
    // for nesting too deep for the stack.
    if (e instanceof ReferenceError || e instanceof RangeError)
      throw new UserError(`not a usable scenario: ${e.message}`, { where: name })
    throw e
  }
}

/** The scenario named on the command line (or the built-in default), parsed and checked. */
async function loadScenario(
  file: string | undefined,
  io: CliIO,
  opts: SimulateOpts
): Promise<Scenario> {
  if (opts.seed !== undefined && !/^-?\d+$/.test(opts.seed))
    throw new UserError(`--seed expects an integer, got '${opts.seed}'`)
  // The built-in default ships checked already (simulate-default.ts).
  if (file === undefined) return defaultScenario()
  const [text, name] = await scenarioText(file, io)
  return parse(text, name)
}

/** Run the scenario, showing progress on a terminal's stderr. */
function run(
  scenario: Scenario,
  io: CliIO,
  opts: SimulateOpts,
  profile: KernelProfile | undefined
): RunResult {
  const runOpts: RunOptions = {}
  if (profile !== undefined) runOpts.profile = profile
  if (opts.seed !== undefined) runOpts.seed = Number(opts.seed)
  if (io.stderr.isTTY === true) {
    runOpts.onProgress = ({ nowNs, endNs, steps }) =>
      io.stderr.write(
        `\rsimulating ${(nowNs / 1e9).toFixed(3)}s / ${(endNs / 1e9).toFixed(0)}s (${steps} steps)`
      )
  }
  const result = runScenario(scenario, runOpts)
  if (runOpts.onProgress !== undefined) io.stderr.write('\r\x1b[K')
  return result
}

/** The --trace and --html files. */
async function writeFiles(result: RunResult, io: CliIO, opts: SimulateOpts): Promise<void> {
  if (opts.trace !== undefined) {
    try {
      writeFileAtomicSync(resolve(io.cwd, opts.trace), traceToJsonLines(result.trace))
    } catch (e) {
      throw new UserError(`cannot write trace '${opts.trace}' (${errorCode(e)})`)
    }
  }
  if (opts.html !== undefined) {
    const { writeSimulationHtmlFileSync } = await import('../../html/write.ts')
    writeSimulationHtmlFileSync(resolve(io.cwd, opts.html), result, result.summary.profile)
  }
}

/** Run `oomkit simulate [file]` with the parsed flags. */
export async function simulate(
  file: string | undefined,
  opts: SimulateOpts,
  io: CliIO,
  state: RunState
): Promise<void> {
  const profile = opts.profile === undefined ? undefined : profileOption(opts.profile, io.stderr)
  const scenario = await loadScenario(file, io, opts)
  const result = run(scenario, io, opts, profile)
  if (opts.profile === undefined && scenario.profile !== result.summary.profile)
    io.stderr.write(
      `oomkit: kernel release ${scenario.profile} uses profile ${result.summary.profile}\n`
    )
  else if (io.stderr.isTTY === true)
    io.stderr.write(`oomkit: kernel profile ${result.summary.profile}\n`)
  await writeFiles(result, io, opts)
  const mismatches = checkExpect(scenario, result)
  const note = noOomNote(result.summary, result.log)
  if (note !== null) io.stderr.write(`oomkit: ${note}\n`)
  if (opts.json === true) {
    io.stdout.write(
      JSON.stringify(
        { version: SIMULATE_JSON_VERSION, ...result.summary, expectMismatches: mismatches },
        null,
        2
      ) + '\n'
    )
  } else {
    let out = ''
    for (const l of result.log) out += `${formatDmesgTimestamp(l.timeNs)} ${l.text}\n`
    io.stdout.write(out)
  }
  if (opts.check === true && mismatches.length > 0) {
    for (const m of mismatches) io.stderr.write(`oomkit: expect: ${m}\n`)
    state.exitCode = EXIT.failure
  }
}
