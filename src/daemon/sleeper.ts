/** @module A sleep that can be cut short: the loop's wait between ticks, woken by a kernel event
 * (a PSI trigger, a memcg threshold), a reload or a stop. A wake-up that comes while the loop is
 * busy (between two sleeps) ends the next sleep at once: the sample that tick took may predate
 * the event. */
export class Sleeper {
  private wake: (() => void) | null = null
  private pending = false

  /** Resolve after `ms`, or at the next wakeUp(), whichever comes first. */
  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false
      return Promise.resolve()
    }
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

  /** End the current sleep now, or the next one at once when not sleeping. */
  wakeUp(): void {
    if (this.wake) this.wake()
    else this.pending = true
  }
}
