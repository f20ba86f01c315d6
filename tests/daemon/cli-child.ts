/**
 * Entry point for the daemon's real-process tests and bench: `oomkit daemon ...` from source in a
 * child process (`node --import tsx tests/daemon/cli-child.ts daemon ...`), without a build. It
 * registers only the daemon command, with the CLI's error conventions, so these tests measure the
 * daemon and not the health of every other command (the full CLI wiring is covered by
 * tests/daemon/config.test.ts through runCli).
 */
import { Command, CommanderError } from 'commander'
import { leanVm } from '../../src/daemon/lean-vm.ts'
import { registerDaemon } from '../../src/cli/commands/daemon.ts'
import { EXIT, UserError } from '../../src/errors.ts'
import type { CliIO } from '../../src/cli/io.ts'

// As bin/oomkit.js does: the daemon's own V8 settings before it runs.
if (process.argv[2] === 'daemon' && !process.argv.includes('--check')) leanVm()

const io: CliIO = {
  argv: process.argv.slice(2),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd()
}
const state = { exitCode: EXIT.ok as number }
const program = new Command('oomkit').exitOverride()
registerDaemon(program, io, state)
for (const cmd of program.commands) cmd.exitOverride()
try {
  await program.parseAsync([...io.argv], { from: 'user' })
  process.exitCode = state.exitCode
} catch (error) {
  if (error instanceof UserError) {
    process.stderr.write(error.line() + '\n')
    process.exitCode = error.exitCode
  } else if (error instanceof CommanderError) {
    process.stderr.write(`oomkit: ${error.message.replace(/^error: /, '')}\n`)
    process.exitCode = EXIT.usage
  } else throw error
}
