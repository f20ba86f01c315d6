/**
 * @module A killer under test in its own PID namespace (`unshare --pid --fork --mount-proc
 * --kill-child`), with its own test process (the hog) as its only neighbour: whatever it
 * decides, it can signal nothing else on the host. The killer is the namespace's PID 1 (the
 * shell execs into it) when it runs alone, and the shell stays PID 1 with the killer and the
 * hog as its two children otherwise; stopping unshare SIGKILLs PID 1 and with it the whole
 * namespace.
 * The hog reads its "go" line from fd 3 and says "ready" on fd 4 (pipes to this process).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { Readable, Writable } from 'node:stream'

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

export interface HogSpec {
  path: string
  args: string[]
  oomScoreAdj?: number
  /** A v1 memory cgroup directory the hog joins before it execs. */
  cgroup?: string
}

export interface Contained {
  /** The host PID of the namespace's PID 1 (the killer when it runs alone). */
  pid: number
  output: () => string
  /** Tell the hog to start growing. */
  go(): void
  stop(): Promise<void>
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

function hogLine(hog: HogSpec): string {
  const join = hog.cgroup ? `echo $$ > ${hog.cgroup}/cgroup.procs && ` : ''
  const adj =
    hog.oomScoreAdj === undefined ? '' : `echo ${hog.oomScoreAdj} > /proc/self/oom_score_adj && `
  const inner = `${join}${adj}exec "$0" "$@"`
  return `/bin/sh -c ${quote(inner)} ${[hog.path, ...hog.args].map(quote).join(' ')} <&3 >&4 &`
}

/** The host PID of unshare's child (the namespace's PID 1). */
async function childOf(pid: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    try {
      const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
      if (kids) return Number(kids.split(' ')[0])
    } catch {
      // not there yet
    }
    await sleep(10)
  }
  throw new Error('unshare started no child')
}

/** Start `killer` (argv) as PID 1 of a new PID namespace, after the hog if any; await `ready`. */
export async function contain(
  killer: string[],
  hog: HogSpec | null,
  ready: (out: string) => boolean,
  env: NodeJS.ProcessEnv = {}
): Promise<Contained> {
  // With a hog, PID 1 stays a shell: a killer never picks its own children (its hooks), so the
  // hog must not be the killer's child.
  const argv = killer.map(quote).join(' ')
  const script = hog ? `${hogLine(hog)} ${argv} & wait` : `exec ${argv}`
  const child: ChildProcess = spawn(
    'unshare',
    ['--pid', '--fork', '--mount-proc', '--kill-child', '/bin/sh', '-c', script],
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } }
  )
  let out = ''
  let hogReady = hog === null
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()))
  ;(child.stdio[4] as Readable).on('data', () => (hogReady = true))
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await Promise.race([exited, sleep(5000)])
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  const t0 = Date.now()
  while (!(hogReady && ready(out))) {
    if (child.exitCode !== null) throw new Error(`${killer[0]} exited: ${out.slice(0, 500)}`)
    if (Date.now() - t0 > 30_000) {
      await stop()
      throw new Error(`${killer[0]} did not start: ${out.slice(0, 500)}`)
    }
    await sleep(20)
  }
  return {
    pid: await childOf(child.pid!),
    output: () => out,
    go: () => (child.stdio[3] as Writable).write('go\n'),
    stop
  }
}
