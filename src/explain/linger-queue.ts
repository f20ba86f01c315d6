/**
 * @module Closed events waiting a little before they are handed out, so late reaper, oom.group
 * and duplicate Killed lines can still reach them. At most 16 wait; each waits `linger` lines.
 */
import type { Building } from './building.ts'

const MAX_WAITING = 16

export class LingerQueue {
  private waiting: Building[] = []
  private readonly linger: number

  constructor(linger: number) {
    this.linger = linger
  }

  /** One more input line went by: hand out the events whose wait is over. */
  tick(out: Building[]): void {
    this.pass(1, out)
  }

  /**
   * `lines` input lines went by: the same as as many `tick`s (the waits end in the order the
   * events came, so the ones over are always at the front).
   */
  pass(lines: number, out: Building[]): void {
    for (const h of this.waiting) h.linger -= lines
    while (this.waiting.length > 0 && (this.waiting[0]?.linger ?? 1) <= 0) {
      out.push(this.waiting.shift() as Building)
    }
  }

  get size(): number {
    return this.waiting.length
  }

  /** Start `b`'s wait (handing out the oldest when too many wait). */
  add(b: Building, out: Building[]): void {
    b.linger = this.linger
    this.waiting.push(b)
    while (this.waiting.length > MAX_WAITING) out.push(this.waiting.shift() as Building)
  }

  /** The waiting events, newest first. */
  newestFirst(): Building[] {
    return this.waiting.slice().reverse()
  }

  /** Hand out every waiting event. */
  drain(): Building[] {
    const all = this.waiting
    this.waiting = []
    return all
  }
}
