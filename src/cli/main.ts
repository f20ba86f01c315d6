/**
 * @module The oomkit command line: a thin layer that parses flags, reads inputs through
 * adapters, calls the engine and prints. `cli(io)` resolves to the exit code.
 */
import { Command, CommanderError } from 'commander'
import { describeFsError } from '../adapters/file/atomic-write.ts'
import { EXIT, UserError } from '../errors.ts'
import type { CliIO, TextSink } from './io.ts'
import type { Register, RunState } from './register.ts'
import { registerSimulate } from './commands/simulate.ts'
import { registerExplain } from './commands/explain.ts'
import { registerScores } from './commands/scores.ts'
import { registerSnapshot } from './commands/snapshot.ts'
import { registerDaemon } from './commands/daemon.ts'
import { registerWeb } from './commands/web.ts'

const registrations: readonly Register[] = [
  registerSimulate,
  registerExplain,
  registerScores,
  registerSnapshot,
  registerDaemon,
  registerWeb
]

/** The sink's width for help text; undefined (commander's 80) when it is not a terminal, as
 * commander's own default does for the real stdout (its type says number, its default does not). */
const helpWidth = (sink: TextSink): number =>
  (sink.isTTY === true ? sink.columns : undefined) as number

function buildProgram(io: CliIO, state: RunState): Command {
  const program = new Command('oomkit')
    .description(
      "The Linux kernel's OOM killer, end to end: simulate it, explain its reports, predict it on this host, and act before it."
    )
    .version('0.1.0', '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: s => io.stdout.write(s),
      writeErr: s => io.stderr.write(s),
      // Help wraps at the width of the terminal it is written to (80 when not a terminal).
      getOutHelpWidth: () => helpWidth(io.stdout),
      getErrHelpWidth: () => helpWidth(io.stderr),
      outputError: () => {
        /* printed by cli() as one line */
      }
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Conventions:
  --json        machine output on stdout; human text otherwise
  diagnostics   go to stderr; colour only on a TTY and never with NO_COLOR
  exit codes    0 ok, 1 the job failed, 2 usage or input error`
    )
  for (const register of registrations) register(program, io, state)
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput())
  return program
}

/**
 * Commander's message as one line: "error: unknown command 'simulat'\n(Did you mean simulate?)"
 * becomes "unknown command 'simulat' (did you mean simulate?)".
 */
export function commanderLine(message: string): string {
  const [first = message, ...rest] = message.replace(/^error: /, '').split('\n')
  const hint = rest.map(l => l.trim()).find(l => /^\(Did you mean/.test(l))
  return hint === undefined ? first : `${first} ${hint.replace('(Did you mean', '(did you mean')}`
}

/** A failed write to stdout (a full disk, a closed descriptor) as a one-line failure. */
function outputError(error: unknown): UserError | undefined {
  const e = error as NodeJS.ErrnoException
  if (!(error instanceof Error) || e.syscall !== 'write' || e.code === undefined) return undefined
  return new UserError(`cannot write the output: ${describeFsError(e)}`, { exitCode: EXIT.failure })
}

/** Run the CLI with injected I/O; resolves to the process exit code. */
export async function cli(io: CliIO): Promise<number> {
  const state: RunState = { exitCode: EXIT.ok }
  const program = buildProgram(io, state)
  try {
    await program.parseAsync([...io.argv], { from: 'user' })
    return state.exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.ok
      io.stderr.write(`oomkit: ${commanderLine(error.message)}\n`)
      return EXIT.usage
    }
    if (error instanceof UserError) {
      io.stderr.write(error.lines().join('\n') + '\n')
      return error.exitCode
    }
    const output = outputError(error)
    if (output !== undefined) {
      io.stderr.write(output.line() + '\n')
      return output.exitCode
    }
    throw error
  }
}
