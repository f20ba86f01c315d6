/** Test helpers: run the CLI in-process with captured output. */
import { Readable } from 'node:stream'
import { cli } from '../src/cli/main.ts'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

export async function runCli(
  argv: string[],
  options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {}
): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await cli({
    argv,
    stdin: Readable.from([options.stdin ?? '']),
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? process.cwd()
  })
  return { code, stdout, stderr }
}
