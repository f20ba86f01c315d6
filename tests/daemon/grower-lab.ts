/**
 * One operator-style run against real memcg pressure: a 300 MiB v1 memory cgroup watched with
 * `--cgroup DIR=20%,10%`, residents of 80/50/20 MiB and one or more growers. Who died, and by
 * whose hand (the daemon's journal, or the kernel's memcg OOM counter)? Used by
 * fast-grower.test.ts; everything created is removed before it returns.
 */
import { join } from 'node:path'
import {
  makeCgroup,
  oomKills,
  readJournal,
  removeCgroup,
  startDaemon,
  startHog,
  waitFor
} from './cgroup-lab.ts'
import type { Hog } from './cgroup-lab.ts'

const MiB = 1024 * 1024

/** A grower: STEP MiB every INTERVAL ms, up to MAX MiB. */
export interface GrowerSpec {
  stepMib: number
  intervalMs: number
  maxMib: number
}

/** What one run ended with. */
export interface GrowerOutcome {
  /** Pids the daemon journalled as killed. */
  daemonKills: number[]
  /** The kernel's memcg OOM kills in the cgroup. */
  kernelKills: number
  growersDead: boolean
  residentsKilled: number
  stderr: string
}

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

/** Start the residents and growers, wait until every grower is dead (or 15 s), report. */
export async function growerRun(
  hogPath: string,
  work: string,
  tag: string,
  growers: GrowerSpec[]
): Promise<GrowerOutcome> {
  const dir = makeCgroup(`oomkit-grower-${process.pid}-${tag}`, 300 * MiB)
  const journal = join(work, `${tag}.jsonl`)
  const hogs: Hog[] = []
  const daemon = await startDaemon(['--cgroup', `${dir}=20%,10%`, '--journal', journal])
  try {
    for (const mib of [80, 50, 20])
      hogs.push(await startHog(hogPath, dir, [String(mib), '1', String(mib)]))
    await sleep(300)
    const residents = [...hogs]
    const started = await Promise.all(
      growers.map(g =>
        startHog(hogPath, dir, [String(g.stepMib), String(g.intervalMs), String(g.maxMib)], {
          wait: true
        })
      )
    )
    hogs.push(...started)
    for (const g of started) g.go()
    await waitFor(() => (started.every(g => !g.alive()) ? true : undefined), 15_000)
    // Let the daemon judge the last kill and write its record.
    await waitFor(
      () => (readJournal(journal).filter(e => e.event === 'kill').length > 0 ? true : undefined),
      3000
    )
    await sleep(200)
    return {
      daemonKills: readJournal(journal)
        .filter(e => e.event === 'kill')
        .map(e => e.victim.pid as number),
      kernelKills: oomKills(dir),
      growersDead: started.every(g => !g.alive()),
      residentsKilled: residents.filter(r => !r.alive()).length,
      stderr: daemon.stderr()
    }
  } finally {
    await daemon.stop()
    for (const h of hogs) if (h.alive()) h.child.kill('SIGKILL')
    await removeCgroup(dir)
  }
}
