/**
 * The live kernel as the oracle: on this machine the predicted /proc/<pid>/oom_score equals the
 * kernel's for every process, for processes we start with raised oom_score_adj and sizes, for a
 * process growing page by page across oom_score boundaries, and for zombies and processes that
 * exit. Skipped (with the reason) where /proc is not Linux's.
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { LiveHostSource } from '../../src/adapters/proc/live-host-source.ts'
import { chooseProfile, rankHost } from '../../src/host/ranking.ts'
import type { HostReading } from '../../src/host/scan.ts'
import { readProcess, scanHost } from '../../src/host/scan.ts'
import { runCli } from '../helpers.ts'
import { holdKernelLockPerTest } from '../kernel-lock.ts'
import { SKIP_REAL_KERNEL } from '../real-kernel-skip.ts'

const linux = !SKIP_REAL_KERNEL && existsSync('/proc/self/oom_score') && existsSync('/proc/meminfo')
const hasPython = linux && spawnSync('python3', ['-c', 'pass']).status === 0
const children: ChildProcess[] = []

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.pid !== undefined) c.kill('SIGKILL')
})

/** Start a node process holding `mb` MiB of touched memory; resolves with its pid once ready. */
function holder(mb: number, adj: number): Promise<number> {
  const code = `const b = Buffer.alloc(${mb} * 1048576, 1); process.stdout.write('ready\\n'); setInterval(() => b[0]++, 1e6)`
  const c = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(c)
  return new Promise((resolve, reject) => {
    c.once('error', reject)
    c.stdout.once('data', () => {
      writeFileSync(`/proc/${c.pid}/oom_score_adj`, String(adj))
      resolve(c.pid!)
    })
  })
}

function procState(pid: number): string {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3)
  } catch {
    return 'gone'
  }
}

describe.skipIf(!linux)('live kernel (/proc of this machine)', () => {
  holdKernelLockPerTest()

  it("predicts the kernel's oom_score for every process of this host that holds still", () => {
    // Processes come and go and grow while /proc is read (a vfork child, a busy build): judge
    // only those that read the same in two scans, and say how many were left out.
    const scan = () => {
      const reading = scanHost(new LiveHostSource('/'))
      return rankHost(reading, chooseProfile(reading)!).processes
    }
    const key = (p: ReturnType<typeof scan>[number]) =>
      [
        p.comm,
        p.state,
        p.rssPages,
        p.swapPages,
        p.pgtablesPages,
        p.oomScoreAdj,
        p.kernelOomScore
      ].join(' ')
    const first = scan()
    const second = new Map(scan().map(p => [p.pid, key(p)]))
    const read = first.filter(p => p.kernelOomScore !== null)
    const stable = read.filter(p => second.get(p.pid) === key(p))
    console.log(
      `live oom_score: compared ${stable.length} processes, skipped ${read.length - stable.length} that changed or exited between two reads`
    )
    expect(stable.length).toBeGreaterThan(10)
    const wrong = stable
      .filter(p => p.predictedOomScore !== p.kernelOomScore)
      .map(p => `${p.pid} ${p.comm}: predicted ${p.predictedOomScore} kernel ${p.kernelOomScore}`)
    expect(wrong).toEqual([])
  })

  it('ranks processes started with raised oom_score_adj and sizes as the kernel scores them', async () => {
    const big = await holder(300, 0)
    const mid = await holder(120, 400)
    const small = await holder(40, 900)
    const r = await runCli(['scores', '--json'])
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout) as {
      processes: {
        pid: number
        predictedOomScore: number
        kernelOomScore: number
        badness: number | null
      }[]
      global: { victim: { pid: number } | null }
    }
    const get = (pid: number) => doc.processes.find(p => p.pid === pid)!
    for (const pid of [big, mid, small]) {
      expect(get(pid).predictedOomScore).toBe(get(pid).kernelOomScore)
    }
    // adj 900 outweighs 300 MiB of rss: 900 * totalpages/1000 pages.
    const points = (pid: number) => get(pid).badness ?? -1 // null: ineligible
    expect(points(small)).toBeGreaterThan(points(mid))
    expect(points(mid)).toBeGreaterThan(points(big))
    expect(get(small).kernelOomScore).toBeGreaterThan(get(mid).kernelOomScore)
    // The global victim is the highest-scoring process of the host: ours, unless an unrelated
    // process (another test's holder, a browser tab at adj 300+) scores at least as high
    // meanwhile; then it is one of those, never one that the holder outscores.
    const rivals = doc.processes
      .filter(p => p.pid !== small && (p.badness ?? -1) >= points(small))
      .map(p => p.pid)
    const victim = doc.global.victim?.pid
    if (rivals.length === 0) expect(victim).toBe(small)
    else expect(rivals).toContain(victim)
  })

  it.skipIf(!hasPython)(
    'stays equal for a process growing page by page across oom_score boundaries',
    async () => {
      // ~2.3 oom_score steps of totalpages/1000 pages on a 24 GiB host; 3 pages per step.
      const total = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) / 4
      const pages = Math.ceil(total / 1000) * 2 + 2000
      const script = [
        'import mmap, os, signal, sys',
        'n, step = int(sys.argv[1]), int(sys.argv[2])',
        'm = mmap.mmap(-1, n * 4096)',
        'for i in range(0, n, step):',
        '    for j in range(i, min(i + step, n)): m[j * 4096] = 1',
        '    os.kill(os.getpid(), signal.SIGSTOP)'
      ].join('\n')
      const c = spawn('python3', ['-c', script, String(pages), '3'], { stdio: 'ignore' })
      children.push(c)
      const pid = c.pid!
      const source = new LiveHostSource('/')
      const base: HostReading = scanHost(source)
      const profile = chooseProfile(base)!
      const known = new Set(base.memcgs?.groups.map(g => g.path) ?? ['/'])
      const scores = new Set<number>()
      const wrong: string[] = []
      let steps = 0
      for (;;) {
        let st = procState(pid)
        while (st !== 'T' && st !== 'gone' && st !== 'Z') {
          await new Promise(r => setImmediate(r))
          st = procState(pid)
        }
        if (st !== 'T') break
        const sample = readProcess(source, pid, base.memcgs?.version ?? null, known)
        if (typeof sample === 'object') {
          const p = rankHost({ ...base, processes: [sample] }, profile).processes[0]!
          scores.add(p.kernelOomScore!)
          if (p.predictedOomScore !== p.kernelOomScore) {
            wrong.push(
              `step ${steps}: rss ${p.rssPages} pgtables ${p.pgtablesPages} predicted ${p.predictedOomScore} kernel ${p.kernelOomScore}`
            )
          }
        }
        steps++
        process.kill(pid, 'SIGCONT')
      }
      expect(steps).toBeGreaterThan(1000)
      expect(scores.size).toBeGreaterThanOrEqual(2) // crossed at least one boundary
      expect(wrong).toEqual([])
    },
    120_000
  )

  it('reads a zombie (no mm, oom_score 0) and a process that has exited', async () => {
    const sh = spawn('sh', ['-c', 'sleep 0.01 & exec sleep 30'], { stdio: 'ignore' })
    children.push(sh)
    await new Promise(r => setTimeout(r, 300))
    const source = new LiveHostSource('/')
    const reading = scanHost(source)
    const zombie = reading.processes.find(p => p.ppid === sh.pid && p.state === 'Z')
    expect(zombie).toBeDefined()
    expect(zombie!.hasMm).toBe(false)
    const ranked = rankHost(reading, chooseProfile(reading)!).processes.find(
      p => p.pid === zombie!.pid
    )!
    expect(ranked.badness).toEqual({ eligible: false, reason: 'no-mm' })
    expect(ranked.predictedOomScore).toBe(ranked.kernelOomScore)
    // After the parent is killed and reaped, its pid reads as gone.
    const exited = new Promise(r => sh.once('exit', r))
    sh.kill('SIGKILL')
    await exited
    expect(source.procStatus(sh.pid!)).toEqual({ ok: false, why: 'gone' })
    expect(source.procOomScore(sh.pid!)).toEqual({ ok: false, why: 'gone' })
  })

  it('never fails while a short-lived child comes and goes during scans', async () => {
    const c = spawn('sleep', ['0.2'], { stdio: 'ignore' })
    children.push(c)
    const done = new Promise(r => c.once('exit', r))
    let scans = 0
    let sawIt = false
    const started = Date.now()
    while (c.exitCode === null && Date.now() - started < 5000) {
      const reading = scanHost(new LiveHostSource('/'))
      sawIt ||= reading.processes.some(p => p.pid === c.pid)
      scans++
      await new Promise(r => setTimeout(r, 5))
    }
    await done
    const after = scanHost(new LiveHostSource('/'))
    expect(scans).toBeGreaterThan(0)
    expect(sawIt).toBe(true)
    expect(after.processes.some(p => p.pid === c.pid)).toBe(false)
  })
})

describe.skipIf(linux)('live kernel (/proc of this machine)', () => {
  it.skip('skipped: /proc is not a Linux procfs here (or OOMKIT_SKIP_REAL_KERNEL=1)', () => {})
})
