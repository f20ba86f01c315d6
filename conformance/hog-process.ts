/**
 * @module One running hog (conformance/hog.c) driven over its stdin/stdout line protocol:
 * start paused, report the pid, `go` (after the harness moved it into the cgroup), `ready` with
 * the pids of its children, then `g KB` growth steps until it is killed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'

/** The shape of one hog (sizes in KiB). */
export interface HogShape {
  /** comm (<= 12 characters so the child suffixes fit in TASK_COMM_LEN). */
  name: string
  /** Private anonymous memory touched at start. */
  privateKb: number
  /** Shared anonymous (shmem) memory, touched by the parent and every forked child. */
  sharedKb: number
  /** Forked children and the private memory each touches. */
  forks: number
  childKb: number
  /** Extra threads. */
  threads: number
  /** One CLONE_VM child process sharing the mm. */
  cloneVm: boolean
  /** One vfork child parked before exec (in_vfork() until the harness kills it). */
  vfork?: boolean
  /** CPU to pin to (default 0): the kernel's per-CPU rss counters then drift alike. */
  cpu?: number
  /** Name each extra thread comm + 't' + index (`hog -T`). */
  namedThreads?: boolean
  /** Growth is made by the last extra thread (`hog -G`): the OOM's current is that thread. */
  growThread?: boolean
  /**
   * Grows alongside the case's grower: in lockstep (one step each in turn, the harness drives
   * both) or free running (`r KB`: the hog grows on its own until killed).
   */
  coGrow?: 'lockstep' | 'free'
  /** Page cache read into the case cgroup with read(), mapped by nobody (`-R`). */
  readKb?: number
  /** A file mapped shared read-only and every page read (`-F`: rss_file). */
  mapFileKb?: number
  /** A tmpfs file written and closed (`-K`): shmem nobody maps, outliving the hog. */
  tmpfsKb?: number
  /** Settle the anon (and shmem) rss counter on its CPU before `ready` (`-S`): the scenario's
   * rssPending is then the file counter's alone (kind cases, whose rows are measured). */
  settleRss?: boolean
}

/** What `ready` reported. */
export interface HogPids {
  pid: number
  children: number[]
  cloneVm: number | null
  vfork: number | null
  /** The thread that makes the growth steps (`hog -G`), else null. */
  growerTid: number | null
}

/** How a hog process ended. */
export interface HogExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A line-oriented reader over a stream. */
class Lines {
  private buf = ''
  private queue: string[] = []
  private waiters: ((l: string | null) => void)[] = []
  private ended = false
  constructor(stream: NodeJS.ReadableStream) {
    stream.setEncoding('utf8')
    stream.on('data', (d: string) => {
      this.buf += d
      let i: number
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i)
        this.buf = this.buf.slice(i + 1)
        const w = this.waiters.shift()
        if (w !== undefined) w(line)
        else this.queue.push(line)
      }
    })
    stream.on('end', () => {
      this.ended = true
      for (const w of this.waiters.splice(0)) w(null)
    })
  }
  /** The next line, or null at end of stream. */
  next(): Promise<string | null> {
    const l = this.queue.shift()
    if (l !== undefined) return Promise.resolve(l)
    if (this.ended) return Promise.resolve(null)
    return new Promise(r => this.waiters.push(r))
  }
}

/** Build the hog's argv for a shape. */
export function hogArgs(s: HogShape): string[] {
  const a = [
    '-n',
    s.name,
    '-m',
    String(s.privateKb),
    '-p',
    String(s.cpu ?? 0),
    '-P',
    String(process.pid)
  ]
  if (s.sharedKb > 0) a.push('-s', String(s.sharedKb))
  if (s.forks > 0) a.push('-f', String(s.forks), '-c', String(s.childKb))
  if (s.threads > 0) a.push('-t', String(s.threads))
  if (s.namedThreads === true) a.push('-T')
  if (s.growThread === true) a.push('-G')
  if (s.cloneVm) a.push('-v')
  if (s.vfork === true) a.push('-V')
  if ((s.readKb ?? 0) > 0) a.push('-R', String(s.readKb))
  if ((s.mapFileKb ?? 0) > 0) a.push('-F', String(s.mapFileKb))
  if ((s.tmpfsKb ?? 0) > 0) a.push('-K', String(s.tmpfsKb))
  if (s.settleRss === true) a.push('-S')
  return a
}

/** The pids of a "ready <pid> [c<child>...] [v<clone-vm child>] [V<vfork child>] [G<tid>]" line. */
export function parseReady(line: string): HogPids {
  const words = line.split(' ').slice(1)
  const pids: HogPids = {
    pid: Number(words[0]),
    children: [],
    cloneVm: null,
    vfork: null,
    growerTid: null
  }
  for (const w of words.slice(1)) {
    if (w.startsWith('c')) pids.children.push(Number(w.slice(1)))
    else if (w.startsWith('v')) pids.cloneVm = Number(w.slice(1))
    else if (w.startsWith('V')) pids.vfork = Number(w.slice(1))
    else if (w.startsWith('G')) pids.growerTid = Number(w.slice(1))
  }
  return pids
}

/** A started hog. Every hog runs in its own process group (pgid = pid). */
export class Hog {
  readonly child: ChildProcessWithoutNullStreams
  readonly pid: number
  private readonly lines: Lines
  private stderr = ''
  /** Resolves when the hog process exits. */
  readonly exited: Promise<HogExit>
  exit: HogExit | null = null
  /** The private total the last growth answer reported (KiB). */
  private lastTotalKb: number

  private constructor(bin: string, shape: HogShape, procsFile?: string) {
    this.lastTotalKb = shape.privateKb
    const args = [...hogArgs(shape), ...(procsFile === undefined ? [] : ['-C', procsFile])]
    this.child = spawn(bin, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'] })
    this.pid = this.child.pid ?? -1
    this.lines = new Lines(this.child.stdout)
    this.child.stderr.setEncoding('utf8')
    this.child.stderr.on('data', (d: string) => (this.stderr += d))
    this.child.stdin.on('error', () => {
      // the hog died (OOM-killed) while we were writing: the exit promise reports it
    })
    this.exited = new Promise(resolve => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal }
        resolve(this.exit)
      })
    })
  }

  /**
   * Start a hog and wait for its "pid" line (it is then paused, waiting for `go`). With
   * `procsFile` (a memcg's cgroup.procs) the hog joins that group before it re-executes itself,
   * so every page of the image it runs is charged there (`hog -C`).
   */
  static async start(bin: string, shape: HogShape, procsFile?: string): Promise<Hog> {
    const h = new Hog(bin, shape, procsFile)
    const line = await h.expect('pid ')
    if (Number(line.slice(4)) !== h.pid) throw new Error(`hog reported pid ${line}, not ${h.pid}`)
    return h
  }

  private async expect(prefix: string): Promise<string> {
    const line = await this.lines.next()
    if (line === null || !line.startsWith(prefix)) {
      await Promise.race([this.exited, new Promise(r => setTimeout(r, 200))])
      throw new Error(
        `hog ${this.pid}: expected "${prefix}...", got ${line === null ? 'end of output' : JSON.stringify(line)}` +
          (this.exit ? ` (exit ${this.exit.code ?? this.exit.signal})` : '') +
          (this.stderr ? `: ${this.stderr.trim()}` : '')
      )
    }
    return line
  }

  /** Let it allocate; resolves with its pids once everything is touched. */
  async go(): Promise<HogPids> {
    this.child.stdin.write('go\n')
    return parseReady(await this.expect('ready '))
  }

  /**
   * Touch `kb` more KiB. Resolves 'ok' with the new private total, or 'exited' when the hog died
   * (OOM-killed) during the step.
   */
  async grow(kb: number): Promise<{ result: 'ok'; totalKb: number } | { result: 'exited' }> {
    if (this.exit !== null) return { result: 'exited' }
    this.child.stdin.write(`g ${kb}\n`)
    // The hog's exit, not the end of its stdout, says it died: a pipe may outlive it.
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<'timeout'>(r => (timer = setTimeout(() => r('timeout'), 15_000)))
    const line = await Promise.race([this.lines.next(), this.exited.then(() => null), timeout])
    clearTimeout(timer)
    if (line === 'timeout') throw new Error(`hog ${this.pid} did not answer a growth step in 15 s`)
    if (line === null) {
      await this.exited
      return { result: 'exited' }
    }
    if (!line.startsWith('ok ')) throw new Error(`hog ${this.pid}: unexpected ${line}`)
    this.lastTotalKb = Number(line.slice(3))
    return { result: 'ok', totalKb: this.lastTotalKb }
  }

  /** KiB grown so far by free running (`r KB`), from its "ok <total>" lines. */
  freeGrownKb = 0

  /** Grow `kb` at a time on its own until killed (`r KB`); its "ok" lines are counted here. */
  runFree(kb: number): void {
    if (this.exit !== null) return
    this.child.stdin.write(`r ${kb}\n`)
    const startKb = this.lastTotalKb
    const drain = async (): Promise<void> => {
      for (let l = await this.lines.next(); l !== null; l = await this.lines.next())
        if (l.startsWith('ok ')) this.freeGrownKb = Number(l.slice(3)) - startKb
    }
    void drain()
  }

  /** SIGKILL the hog's whole process group (children, CLONE_VM child). */
  killGroup(): void {
    try {
      process.kill(-this.pid, 'SIGKILL')
    } catch {
      // group already gone
    }
  }
}
