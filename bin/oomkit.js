#!/usr/bin/env node
// The only file that touches the real process: it binds stdio and argv and sets the exit code.
import { cli } from '../dist/cli/main.js'

const code = await cli({
  argv: process.argv.slice(2),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd()
})
process.exitCode = code
