/** @module A sleep that can be cut short: the loop's wait between ticks, woken by a PSI event,
 * a reload or a stop. */
export class Sleeper {
  private wake: (() => void) | null = null

  /** Resolve after `ms`, or at the next wakeUp(), whichever comes first. */
  sleep(ms: number): Promise<void> {
    return new Promise<void>(resolve => {
      const timer = setTimeout(() => {
        this.wake = null
        resolve()
      }, ms)
      this.wake = () => {
        clearTimeout(timer)
        this.wake = null
        resolve()
      }
    })
  }

  /** End the current sleep now (nothing when not sleeping). */
  wakeUp(): void {
    this.wake?.()
  }
}
