/** @module Reading all of stdin, for the commands that take `-` as a file name. */
import type { CliIO } from './io.ts'

/** Stdin to its end, as UTF-8 text. */
export async function readStdinText(io: CliIO): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of io.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}
