/**
 * @module The I/O a command may touch, injected so tests run the CLI in-process.
 * Only bin/oomkit.js binds these to the real process.
 */

export interface TextSink {
  write(chunk: string): unknown
  /** True when the sink is an interactive terminal. */
  readonly isTTY?: boolean
  readonly columns?: number
}

export interface CliIO {
  readonly argv: readonly string[]
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean }
  readonly stdout: TextSink
  readonly stderr: TextSink
  readonly env: Readonly<Record<string, string | undefined>>
  /** Working directory for relative paths. */
  readonly cwd: string
}

/** Colour is used only on a TTY and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIO, sink: TextSink = io.stdout): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true
  return sink.isTTY === true
}
