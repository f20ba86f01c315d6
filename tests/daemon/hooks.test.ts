/**
 * Hooks (issue 19): a clean environment, the victim in full on stdin and cut in the environment
 * (a 200 KB command line cannot make exec fail with E2BIG), the whole process group killed at the
 * timeout, and a hook's descendants never chosen as victims.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { HookRunner } from '../../src/daemon/hook-runner.ts'
import { HOOK_VALUE_MAX } from '../../src/daemon/hooks.ts'
import type { HookVictim } from '../../src/daemon/hooks.ts'
import { rankCandidates } from '../../src/daemon/choose.ts'
import { profiles } from '../../src/kernel/profiles.ts'
import { config, proc } from './fixtures.ts'

const dir = mkdtempSync(join(tmpdir(), 'oomkit-hooks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const victim = (cmdline: string): HookVictim => ({
  pid: 4242,
  uid: 1000,
  comm: 'hog',
  cmdline,
  memcg: '/app',
  rssKb: 1000,
  signal: 'SIGTERM',
  reason: 'cgroup-term',
  dryRun: false
})

function runner(logs: string[] = []): HookRunner {
  return new HookRunner(pino({ level: 'debug' }, { write: (s: string) => logs.push(s) }))
}

/** Running (a zombie waiting for a reaper does not count). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

describe('hooks', () => {
  it('run with a clean environment and get the whole victim on stdin, even a 200 KB command line', async () => {
    process.env.OOMKIT_TEST_SECRET = 'leak'
    const out = join(dir, 'env')
    const stdin = join(dir, 'stdin')
    const big = 'a'.repeat(200 * 1024)
    const hooks = { preKill: `env > ${out}; cat > ${stdin}`, preKillWait: 0, timeout: 5000 }
    const outcome = await runner().fire(hooks, 'pre-kill', victim(big))
    expect(outcome).toEqual({ kind: 'exit', code: 0, signal: null })
    const env = readFileSync(out, 'utf8')
    expect(env).not.toContain('OOMKIT_TEST_SECRET')
    expect(env).toMatch(/^PATH=\/usr\/local\/sbin:/m)
    expect(env).toMatch(/^OOMKIT_PID=4242$/m)
    const cmdlineVar = /^OOMKIT_CMDLINE=(a*)$/m.exec(env)
    expect(cmdlineVar?.[1]?.length).toBe(HOOK_VALUE_MAX)
    const json = JSON.parse(readFileSync(stdin, 'utf8')) as { hook: string; victim: HookVictim }
    expect(json.hook).toBe('pre-kill')
    expect(json.victim.cmdline).toBe(big)
  })

  it('at the timeout the whole process group goes, and the log says so', async () => {
    const pidFile = join(dir, 'bg.pid')
    const logs: string[] = []
    const hooks = {
      postKill: `sleep 30 & echo $! > ${pidFile}; sh -c 'sleep 31' & wait`,
      preKillWait: 0,
      timeout: 300
    }
    const r = runner(logs)
    const outcome = await r.fire(hooks, 'post-kill', victim('x'))
    expect(outcome).toEqual({ kind: 'timeout' })
    const bg = Number(readFileSync(pidFile, 'utf8'))
    await new Promise(res => setTimeout(res, 100))
    expect(alive(bg)).toBe(false)
    expect(logs.join('')).toContain('post-kill hook was killed at its timeout')
    expect(r.sessions.size).toBe(1)
  })

  it('a spawn failure is said as such, not as a timeout', async () => {
    const logs: string[] = []
    const hooks = { preKill: 'true', preKillWait: 0, timeout: 1000 }
    // An environment value with a NUL byte cannot be passed to exec.
    const outcome = await runner(logs).fire(hooks, 'pre-kill', { ...victim('x'), comm: 'a\0b' })
    expect(outcome?.kind).toBe('spawn-failed')
    expect(logs.join('')).toContain('pre-kill hook could not start')
    expect(existsSync(join(dir, 'nothing'))).toBe(false)
  })

  it("a hook's grandchild, or anything in a hook's session, is never a victim", () => {
    const self = 100
    const candidates = [
      proc({ pid: self, rssAnonKb: 10 }),
      proc({ pid: 200, ppid: self, rssAnonKb: 10, session: 200 }),
      proc({ pid: 300, ppid: 200, rssAnonKb: 900_000, session: 200 }),
      proc({ pid: 400, ppid: 1, rssAnonKb: 800_000, session: 200 }),
      proc({ pid: 500, ppid: 1, rssAnonKb: 100_000 })
    ]
    const ranked = rankCandidates({
      candidates,
      previousRss: new Map(),
      nowMs: 0,
      choose: config().choose,
      profile: profiles['6.18']!,
      totalPages: 2_000_000,
      selfPid: self,
      ownSessions: new Set([200])
    })
    expect(ranked[0]!.pid).toBe(500)
    for (const pid of [100, 200, 300, 400])
      expect(ranked.find(r => r.pid === pid)!.excluded).toBe('self')
  })
})
