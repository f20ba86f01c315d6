/** `oomkit scores` on captured and synthetic host trees: table, JSON, errors and --watch. */
import { EventEmitter } from 'node:events'
import { dirname, join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cli } from '../../src/cli/main.ts'
import { runCli } from '../helpers.ts'

const ANSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;?]*[A-Za-z]', 'g')
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/proc')
const v2 = join(fixtures, 'cgroup-v2-6.8-synthetic')
const swap = join(fixtures, 'swap-v1-3.10-synthetic')
const v1 = join(fixtures, 'cgroup-v1-6.18')

interface Doc {
  processes: {
    pid: number
    comm: string
    badness: number | null
    predictedOomScore: number
    kernelOomScore: number | null
    cgroup: string
    nextVictim: { global: boolean; cgroups: string[] }
  }[]
  global: { profile: string; victim: { pid: number } | null; totalPages: number }
  cgroups: {
    path: string
    limitPages: number
    headroomPages: number
    victim: { pid: number } | null
  }[]
}

describe('oomkit scores', () => {
  it('--json ranks a cgroup v2 host, with global and per-cgroup victims', async () => {
    const r = await runCli(['scores', '--root', v2, '--json'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const doc = JSON.parse(r.stdout) as Doc
    expect(doc.global.profile).toBe('6.6')
    expect(doc.global.victim?.pid).toBe(2300)
    for (const p of doc.processes) expect(p.predictedOomScore).toBe(p.kernelOomScore)
    const pg = doc.cgroups.find(c => c.path === '/system.slice/postgresql.service')!
    expect(pg.limitPages).toBe(524288)
    expect(pg.victim?.pid).toBe(1240)
    const chrome = doc.processes.find(p => p.pid === 3192)!
    expect(chrome.nextVictim.cgroups).toEqual(['/user.slice/user-1000.slice'])
  })

  it('prints the table with the next victims marked', async () => {
    const r = await runCli(['scores', '--root', swap])
    expect(r.code).toBe(0)
    const row = (pid: number) => r.stdout.split('\n').find(l => new RegExp(`^.. +${pid} `).test(l))!
    expect(row(1122).startsWith('*+')).toBe(true) // global and mariadb.service
    expect(row(1403).startsWith(' +')).toBe(true) // httpd.service
    expect(row(2001).startsWith('  ')).toBe(true)
    expect(r.stdout).toContain(
      '/system.slice/httpd.service  limit 512Mi  usage 384Mi  headroom 128Mi  -> next victim 1403 (httpd)'
    )
    expect(r.stdout).toContain("predicted oom_score = kernel's for 19/19 processes")
  })

  it('--cgroup limits the view to a subtree, --profile overrides the kernel', async () => {
    const r = await runCli([
      'scores',
      '--root',
      v2,
      '--json',
      '--cgroup',
      '/user.slice',
      '--profile',
      '4.19'
    ])
    const doc = JSON.parse(r.stdout) as Doc
    expect(new Set(doc.processes.map(p => p.cgroup))).toEqual(
      new Set(['/user.slice/user-1000.slice'])
    )
    expect(doc.cgroups.map(c => c.path)).toEqual(['/user.slice/user-1000.slice'])
    expect(doc.global.profile).toBe('4.19')
    // 4.19's oom_score is badness*1000/totalpages: a different number than 6.8 prints.
    const node = doc.processes.find(p => p.pid === 3190)!
    expect(node.predictedOomScore).toBe(Math.floor((node.badness! * 1000) / doc.global.totalPages))
  })

  it('rejects bad input with one line and exit 2', async () => {
    const bad = [
      ['scores', '--root', '/nonexistent/tree'],
      ['scores', '--root', v1, '--cgroup', '/no/such/group'],
      ['scores', '--root', v1, '--profile', 'linux-banana'],
      ['scores', '--root', v1, '--top', 'x'],
      ['scores', '--watch']
    ]
    for (const argv of bad) {
      const r = await runCli(argv)
      expect(r.code, argv.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/^oomkit: .+\n$/)
      expect(r.stdout).toBe('')
    }
  })

  it('--watch draws on the alternate screen, redraws on resize and quits on q', async () => {
    const writes: string[] = []
    const tty = Object.assign(new EventEmitter(), {
      isTTY: true,
      columns: 100,
      rows: 30,
      write: (s: string) => writes.push(s)
    })
    const stdin = Object.assign(new PassThrough(), {
      isTTY: true,
      raw: false,
      setRawMode(this: { raw: boolean }, v: boolean) {
        this.raw = v
      }
    })
    const run = cli({
      argv: ['scores', '--watch', '--root', v2, '--interval', '60'],
      stdin,
      stdout: tty,
      stderr: tty,
      env: {},
      cwd: process.cwd()
    })
    const frames = () => writes.filter(w => w.startsWith('\x1b[H'))
    // Wait for the first frame however long loading the scanner takes on a busy machine (a
    // fixed 50 ms sleep failed there); the 60 s interval means no timer frame comes meanwhile.
    for (const started = Date.now(); frames().length === 0 && Date.now() - started < 20_000;)
      await new Promise(r => setTimeout(r, 10))
    expect(writes[0]).toBe('\x1b[?1049h\x1b[?25l')
    expect(stdin.raw).toBe(true)
    expect(frames().length).toBe(1)
    expect(frames()[0]).toContain('2300')
    tty.columns = 60
    tty.emit('resize')
    expect(frames().length).toBe(2)
    expect(
      frames()[1]!
        .split('\r\n')
        .every(l => l.replace(ANSI, '').length <= 60)
    ).toBe(true)
    stdin.write('q')
    expect(await run).toBe(0)
    expect(writes.at(-1)).toBe('\x1b[?25h\x1b[?1049l')
    expect(stdin.raw).toBe(false)
  })
})

describe('oomkit scores: sysctls that change the verdict', () => {
  it('says a global OOM would panic when vm.panic_on_oom is set', async () => {
    const { cpSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'oomkit-panic-'))
    try {
      cpSync(v2, dir, { recursive: true })
      writeFileSync(join(dir, 'proc/sys/vm/panic_on_oom'), '1\n')
      const text = await runCli(['scores', '--root', dir])
      expect(text.stdout).toContain('global OOM: PANIC (vm.panic_on_oom)')
      const json = JSON.parse((await runCli(['scores', '--root', dir, '--json'])).stdout) as {
        global: { action: string }
      }
      expect(json.global.action).toBe('panic')
      const plain = JSON.parse((await runCli(['scores', '--root', v2, '--json'])).stdout) as {
        global: { action: string }
      }
      expect(plain.global.action).toBe('kill')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
