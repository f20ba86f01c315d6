/**
 * Names can be spoofed (issue 19): a hog that calls itself `pause`, `kubelet` or `sshd` must not
 * escape the packaged rules, which match what a process cannot forge (system unit, cgroup, the
 * running executable by device and inode, uid).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { copyFileSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLiveSource } from '../../src/adapters/proc/live-memory-source.ts'
import { parseConfig } from '../../src/daemon/config-load.ts'
import type { MatchRule } from '../../src/daemon/config-schema.ts'
import { applyRules, systemUnit } from '../../src/daemon/rules.ts'
import { checkConfig } from '../../src/daemon/check.ts'
import { proc } from './fixtures.ts'
import { repoRoot, tempDir } from './cgroup-lab.ts'

const read = (p: string): string => readFileSync(join(repoRoot, p), 'utf8')

function daemonSetRules(): MatchRule[] {
  const docs = parseAllDocuments(read('packaging/kubernetes/oomkit-daemonset.yaml')).map(
    d => d.toJS() as { kind?: string; data?: Record<string, string> }
  )
  const cm = docs.find(d => d.kind === 'ConfigMap')!
  return parseConfig(cm.data!['daemon.yaml']!, 'configmap').choose.rules
}
const systemdRules = (): MatchRule[] =>
  parseConfig(read('packaging/systemd/daemon.yaml'), 'daemon.yaml').choose.rules

const sleepBin = realpathSync('/bin/sleep')

describe('spoofed names against the packaged rules', () => {
  let work = ''
  const children: ChildProcess[] = []
  const source = createLiveSource()
  beforeAll(() => {
    work = tempDir('oomkit-spoof-')
  })
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL')
    rmSync(work, { recursive: true, force: true })
  })

  /** Start a copy of sleep(1) named `name`, with argv[0] `name` too. */
  async function impostor(name: string): Promise<number> {
    const path = join(work, name)
    copyFileSync(sleepBin, path)
    const child = spawn(path, ['30'], { argv0: name, stdio: 'ignore' })
    children.push(child)
    for (let i = 0; i < 100 && source.process(child.pid!)?.comm !== name; i++)
      await new Promise(r => setTimeout(r, 10))
    return child.pid!
  }

  it('a hog named pause or kubelet is not ignored by the DaemonSet rules', async () => {
    for (const name of ['pause', 'kubelet', 'containerd']) {
      const p = source.process(await impostor(name))!
      expect(p.comm).toBe(name)
      expect(applyRules(daemonSetRules(), p).ignored).toBe(false)
    }
  })

  it('a hog named sshd or Xorg is not avoided by the systemd package rules', async () => {
    for (const name of ['sshd', 'Xorg', 'gnome-shell']) {
      const p = source.process(await impostor(name))!
      expect(applyRules(systemdRules(), p)).toMatchObject({ ignored: false, adjust: 0 })
    }
  })

  it('the real agents are still matched: by system unit, and by the executable itself', async () => {
    const kubelet = proc({ pid: 10, comm: 'kubelet', memcg: '/system.slice/kubelet.service' })
    expect(applyRules(daemonSetRules(), kubelet).ignored).toBe(true)
    // Seen from inside a cgroup namespace (the DaemonSet's container).
    const nsKubelet = { ...kubelet, memcg: '/../../system.slice/containerd.service/x' }
    expect(applyRules(daemonSetRules(), nsKubelet).ignored).toBe(true)
    // A unit of that name that a container (or a user) made below its own cgroup is not one.
    for (const memcg of [
      '/kubepods/burstable/pod1/c1/system.slice/kubelet.service',
      '/user.slice/user-1000.slice/user@1000.service/app.slice/kubelet.service'
    ])
      expect(applyRules(daemonSetRules(), { ...kubelet, memcg }).ignored).toBe(false)
    expect(systemUnit('/system.slice/sshd.service')).toBe('sshd.service')
    const sshd = proc({ pid: 11, comm: 'x', memcg: '/system.slice/ssh.service' })
    expect(applyRules(systemdRules(), sshd).adjust).toBe(-300)

    // exePath: the very file (device and inode), not a copy with the same path in its name.
    const rule: MatchRule = { exePath: sleepBin, action: 'avoid' }
    const real = spawn(sleepBin, ['30'], { stdio: 'ignore' })
    children.push(real)
    await new Promise(r => setTimeout(r, 100))
    const realP = source.process(real.pid!)!
    expect(realP.exeTrusted).toBe(true)
    expect(applyRules([rule], realP).adjust).toBe(-300)
    const copy = source.process(await impostor('sleep'))!
    expect(applyRules([rule], copy).adjust).toBe(0)
    expect(applyRules([{ exePath: copy.exe, action: 'avoid' }], realP).adjust).toBe(0)
  })

  it('--check calls a name-only protection rule advisory', () => {
    const c = parseConfig("choose: { rules: [{ name: '^pause$', action: ignore }] }", 'x.yaml')
    const report = checkConfig(c, '6.18', null)
    expect(report.warnings.join('\n')).toMatch(/advisory/)
    const packaged = parseConfig(read('packaging/systemd/daemon.yaml'), 'daemon.yaml')
    expect(
      checkConfig(packaged, '6.18', null).warnings.filter(w => w.includes('advisory'))
    ).toEqual([])
  })
})
