#!/usr/bin/env node
// The only file that touches the real process: it binds stdio and argv and sets the exit code.
// `oomkit daemon` runs without V8's optimising compiler (~3 MB less idle RSS; src/daemon/lean-vm.ts).
// The flag must be set before the CLI loads: loading and parsing already warm V8's compiler up.
if (process.argv[2] === 'daemon' && !process.argv.includes('--check')) {
  const { leanVm } = await import('../dist/lean-vm.js')
  leanVm()
}
// A reader that closes the pipe early (`oomkit ... | head`) ends the output quietly, as for any
// Unix tool, rather than in an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', error => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
}
const { cli } = await import('../dist/cli.js')

const code = await cli({
  argv: process.argv.slice(2),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd()
})
process.exitCode = code
