#!/usr/bin/env node
// The only file that touches the real process: it binds stdio and argv and sets the exit code.
// A CommonJS script (bin/package.json): `oomkit --help` and `--version` then never start Node's
// ES module loader; every other command loads the ESM bundle in dist/ through import().
'use strict'
// `oomkit daemon` runs without V8's optimising compiler (~3 MB less idle RSS; src/daemon/lean-vm.ts).
// The flag must be set before the CLI loads: loading and parsing already warm V8's compiler up.
async function applyLeanVm() {
  if (process.argv[2] === 'daemon' && !process.argv.includes('--check')) {
    const { leanVm } = await import('../dist/lean-vm.js')
    leanVm()
  }
}
// A reader that closes the pipe early (`oomkit ... | head`) ends the output quietly, as for any
// Unix tool, rather than in an EPIPE stack trace.
// Any other failed write (a full disk: ENOSPC) is one line on stderr and exit 1.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', error => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    if (stream === process.stdout)
      process.stderr.write(`oomkit: cannot write the output: ${error.code ?? error.message}\n`)
    process.exit(1)
  })
}
// Started with stdout closed (`>&-`), Node puts /dev/null, opened read-write, on descriptor 1;
// a shell's `>/dev/null` opens it write-only. Output would be lost without a word: refuse.
if (stdoutWasClosed() && !['daemon', 'snapshot', '--help', '-h'].includes(process.argv[2] ?? '')) {
  process.stderr.write('oomkit: stdout is closed; nothing could be printed (redirect it instead)\n')
  process.exit(1)
}
function stdoutWasClosed() {
  try {
    const { readFileSync, readlinkSync } = require('node:fs')
    if (readlinkSync('/proc/self/fd/1') !== '/dev/null') return false
    const flags = /flags:\s*(\d+)/.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'))?.[1]
    return flags !== undefined && (parseInt(flags, 8) & 3) === 2
  } catch {
    return false
  }
}
// `oomkit --help` and `--version` print the texts the build rendered with this very bundle
// (dist/help.json, scripts/build.ts) without loading the CLI: the same bytes, unless stdout is a
// terminal whose width would wrap the help differently (the CLI then renders it itself).
const prerendered = prerenderedOutput(process.argv.slice(2))
if (prerendered !== null) process.stdout.write(prerendered)
else void runCli()
function prerenderedOutput(args) {
  if (args.length !== 1 || !['--help', '-h', '--version', '-V'].includes(args[0])) return null
  let texts
  try {
    const { readFileSync } = require('node:fs')
    texts = JSON.parse(
      readFileSync(require('node:path').join(__dirname, '../dist/help.json'), 'utf8')
    )
  } catch {
    return null
  }
  if (args[0] === '--version' || args[0] === '-V') return texts.version
  const tty = process.stdout.isTTY === true
  return !tty || texts.helpColumns.includes(process.stdout.columns) ? texts.help : null
}
async function runCli() {
  await applyLeanVm()
  const io = {
    argv: process.argv.slice(2),
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd()
  }
  // `oomkit scores` with common flags runs from its own one-file bundle (null: the full CLI).
  if (io.argv[0] === 'scores') {
    const { scoresMain } = await import('../dist/scores.js')
    const code = await scoresMain(io)
    if (code !== null) return void (process.exitCode = code)
  }
  const { cli } = await import('../dist/cli.js')
  process.exitCode = await cli(io)
}
