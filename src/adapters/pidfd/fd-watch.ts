/**
 * @module One wait for every kernel event the daemon listens to: a single poll(2) over the
 * registered descriptors (memcg threshold eventfds: POLLIN; PSI trigger files: POLLPRI), run on
 * koffi's worker pool because Node's event loop cannot wait for POLLPRI or on an eventfd. The
 * poll has no timeout, so an idle daemon is not woken by it at all; adding or removing a
 * descriptor (and closing) writes to a private eventfd that ends the poll in flight, which then
 * re-arms with the new set. With nothing registered no poll is in flight, so the process can exit.
 */
import { closeSync, readSync, writeSync } from 'node:fs'
import { loadLibc } from './koffi-libc.ts'
import type { Libc } from './koffi-libc.ts'

/** poll(2) event bits (include/uapi/asm-generic/poll.h). */
export const POLLIN = 0x001
export const POLLPRI = 0x002
const POLLERR = 0x008
const POLLHUP = 0x010
const POLLNVAL = 0x020
/** eventfd(2) flags: EFD_CLOEXEC (= O_CLOEXEC), EFD_NONBLOCK (= O_NONBLOCK). */
const EFD_FLAGS = 0o2000000 | 0o4000

/** What a registered descriptor reports: an event, or that it is gone (POLLERR/HUP/NVAL). */
export interface FdHandlers {
  onEvent(): void
  onGone?(): void
}

/** The shared wait; `eventfd()` makes descriptors for memcg thresholds. */
export interface FdWatch {
  add(fd: number, events: number, handlers: FdHandlers): void
  remove(fd: number): void
  /** A new non-blocking eventfd, or null when eventfd(2) fails. */
  eventfd(): number | null
  /** Read an eventfd's counter back to zero (nothing when it is already zero). */
  drain(fd: number): void
  close(): void
}

interface Entry {
  events: number
  handlers: FdHandlers
}

const counter = Buffer.alloc(8)

function drainEventfd(fd: number): void {
  try {
    readSync(fd, counter, 0, 8, null)
  } catch {
    /* EAGAIN: already zero */
  }
}

class KoffiFdWatch implements FdWatch {
  private readonly entries = new Map<number, Entry>()
  private inFlight = false
  private closed = false
  private readonly libc: Libc
  private readonly kick: number

  constructor(libc: Libc, kick: number) {
    this.libc = libc
    this.kick = kick
  }

  add(fd: number, events: number, handlers: FdHandlers): void {
    this.entries.set(fd, { events, handlers })
    this.rearm()
  }

  remove(fd: number): void {
    if (this.entries.delete(fd)) this.rearm()
  }

  eventfd(): number | null {
    const fd = Number(this.libc.eventfd(0, EFD_FLAGS))
    return fd >= 0 ? fd : null
  }

  drain(fd: number): void {
    drainEventfd(fd)
  }

  close(): void {
    this.closed = true
    this.entries.clear()
    if (this.inFlight) this.interrupt()
    else closeSync(this.kick)
  }

  /** Start a poll, or end the one in flight so that it restarts with the current set. */
  private rearm(): void {
    if (this.inFlight) this.interrupt()
    else this.start()
  }

  private interrupt(): void {
    const one = Buffer.alloc(8)
    one.writeBigUInt64LE(1n)
    writeSync(this.kick, one)
  }

  private start(): void {
    if (this.closed || this.entries.size === 0) return
    const fds = [...this.entries.keys()]
    const buf = Buffer.alloc(8 * (fds.length + 1))
    buf.writeInt32LE(this.kick, 0)
    buf.writeInt16LE(POLLIN, 4)
    fds.forEach((fd, i) => {
      buf.writeInt32LE(fd, 8 * (i + 1))
      buf.writeInt16LE(this.entries.get(fd)!.events, 8 * (i + 1) + 4)
    })
    this.inFlight = true
    this.libc.pollAsync(buf, fds.length + 1, -1, (err, r) => {
      this.inFlight = false
      if (this.closed) {
        closeSync(this.kick)
        return
      }
      drainEventfd(this.kick)
      if (!err && r > 0) dispatch(this.entries, fds, buf)
      this.start()
    })
  }
}

/** Hand each descriptor's poll result (`revents` in `buf`, after the kick's slot) to its entry. */
function dispatch(entries: Map<number, Entry>, fds: number[], buf: Buffer): void {
  fds.forEach((fd, i) => {
    const revents = buf.readInt16LE(8 * (i + 1) + 6)
    const entry = entries.get(fd)
    if (!entry || revents === 0) return
    // A PSI trigger whose cgroup is gone reports POLLERR | POLLPRI (psi_trigger_poll()): gone.
    if ((revents & (POLLERR | POLLHUP | POLLNVAL)) !== 0) {
      entries.delete(fd)
      entry.handlers.onGone?.()
    } else entry.handlers.onEvent()
  })
}

let shared: Promise<FdWatch | null> | undefined

/** The process's one FdWatch, or null without koffi (then the daemon polls on timers). */
export function sharedFdWatch(): Promise<FdWatch | null> {
  shared ??= (async () => {
    const libc = await loadLibc()
    if (!libc) return null
    const kick = Number(libc.eventfd(0, EFD_FLAGS))
    return kick >= 0 ? new KoffiFdWatch(libc, kick) : null
  })()
  return shared
}
