/**
 * @module A `top`-like full-screen refresh loop for a terminal: alternate screen, hidden cursor,
 * raw-mode keyboard (q, Esc or Ctrl-C quits), redraw on a timer and whenever the terminal is
 * resized (the tty stream's 'resize' event, i.e. SIGWINCH). Restores the terminal on exit.
 */

/** The output terminal: a tty.WriteStream or anything shaped like one. */
export interface WatchOutput {
  write(chunk: string): unknown
  readonly columns?: number
  readonly rows?: number
  on?(event: 'resize', listener: () => void): unknown
  off?(event: 'resize', listener: () => void): unknown
}

/** The keyboard: a tty.ReadStream or anything shaped like one. */
export interface WatchInput {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown
  off?(event: 'data', listener: (chunk: Buffer | string) => void): unknown
  setRawMode?(raw: boolean): unknown
  resume?(): unknown
  pause?(): unknown
}

/** Options of `runWatch`. */
export interface WatchOptions {
  output: WatchOutput
  input: WatchInput
  /** Screen contents for a terminal of `columns` x `rows`. May throw; the error is shown. */
  render(columns: number, rows: number): string[]
  intervalMs: number
}

const ENTER = '\x1b[?1049h\x1b[?25l'
const LEAVE = '\x1b[?25h\x1b[?1049l'

/** Run until the user quits; resolves after the terminal is restored. */
export function runWatch(o: WatchOptions): Promise<void> {
  return new Promise(resolve => {
    const draw = (): void => {
      const columns = o.output.columns ?? 80
      const rows = o.output.rows ?? 24
      let lines: string[]
      try {
        lines = o.render(columns, rows)
      } catch (error) {
        lines = [`error: ${error instanceof Error ? error.message : String(error)}`]
      }
      const body = lines
        .slice(0, rows)
        .map(l => l + '\x1b[K')
        .join('\r\n')
      o.output.write('\x1b[H' + body + '\x1b[J')
    }
    const onKey = (chunk: Buffer | string): void => {
      const s = chunk.toString()
      if (s === 'q' || s === 'Q' || s === '\x03' || s === '\x1b') finish()
    }
    const timer = setInterval(draw, o.intervalMs)
    let done = false
    const finish = (): void => {
      if (done) return
      done = true
      clearInterval(timer)
      o.output.off?.('resize', draw)
      o.input.off?.('data', onKey)
      o.input.setRawMode?.(false)
      o.input.pause?.()
      o.output.write(LEAVE)
      resolve()
    }
    o.output.write(ENTER)
    o.output.on?.('resize', draw)
    o.input.setRawMode?.(true)
    o.input.on('data', onKey)
    o.input.resume?.()
    draw()
  })
}
