/**
 * @module The guest's serial console as a queue of lines (CR stripped), with a transcript for
 * diagnostics and a wait for the first line that matches.
 */

/** Lines read from a stream, consumed in order. */
export class ConsoleLines {
  private buf = ''
  private lines: string[] = []
  private waiter: (() => void) | null = null
  private ended = false
  /** Every line since the start (for diagnostics). */
  readonly transcript: string[] = []

  constructor(stream: NodeJS.ReadableStream) {
    stream.setEncoding('utf8')
    stream.on('data', (d: string) => {
      this.buf += d
      let i: number
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i).replace(/\r/g, '')
        this.buf = this.buf.slice(i + 1)
        this.lines.push(line)
        this.transcript.push(line)
      }
      this.wake()
    })
  }

  /** No more lines will come (the process exited). */
  end(): void {
    this.ended = true
    this.wake()
  }

  private wake(): void {
    const w = this.waiter
    this.waiter = null
    w?.()
  }

  /** Consume lines until one matches (returned; the others go to `sink`), or null at the
   * timeout or the end. */
  async until(
    match: (l: string) => boolean,
    timeoutMs: number,
    sink?: string[]
  ): Promise<string | null> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      while (this.lines.length > 0) {
        const l = this.lines.shift()!
        if (match(l)) return l
        sink?.push(l)
      }
      if (this.ended || Date.now() > deadline) return null
      await new Promise<void>(r => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()))
        this.waiter = () => {
          clearTimeout(t)
          r()
        }
      })
    }
  }
}
