import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/daemon/config-load.ts'
import { repoRoot } from './cgroup-lab.ts'
import { DAEMON_NODE_OPTIONS } from '../../src/daemon/lean-vm.ts'

const read = (p: string): string => readFileSync(join(repoRoot, p), 'utf8')

// Manifests are free-form YAML; the assertions below say what must be there.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>

describe('packaging', () => {
  it('the systemd unit runs the daemon with --config, reloads by SIGHUP and is hardened', () => {
    const unit = read('packaging/systemd/oomkit-daemon.service')
    expect(unit).toMatch(
      /^ExecStart=\/usr\/bin\/oomkit daemon --config \/etc\/oomkit\/daemon\.yaml$/m
    )
    expect(unit).toMatch(/^ExecStartPre=.* daemon --check /m)
    expect(unit).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m)
    for (const key of [
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'CapabilityBoundingSet=',
      'SystemCallFilter=',
      'OOMScoreAdjust=-900',
      'MemoryMax='
    ])
      expect(unit).toContain(key)
    expect(unit).toMatch(/SystemCallFilter=.*process_mrelease/)
    expect(unit).toContain(`Environment=NODE_OPTIONS=${DAEMON_NODE_OPTIONS}`)
  })

  it('the packaged default config is valid', () => {
    const c = parseConfig(read('packaging/systemd/daemon.yaml'), 'daemon.yaml')
    expect(c.metrics).toMatchObject({ enabled: true, listen: '127.0.0.1:9464' })
    expect(c.journal).toBe('/var/log/oomkit/kills.jsonl')
  })

  it('the DaemonSet runs on every node with hostPID, is scraped by Prometheus, and embeds a valid config', () => {
    const docs = parseAllDocuments(read('packaging/kubernetes/oomkit-daemonset.yaml')).map(
      d => d.toJS() as Manifest
    )
    const cm = docs.find(d => d.kind === 'ConfigMap')!
    const ds = docs.find(d => d.kind === 'DaemonSet')!
    const pod = ds.spec.template
    expect(pod.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9464'
    })
    expect(pod.spec.hostPID).toBe(true)
    expect(pod.spec.tolerations).toEqual([{ operator: 'Exists' }])
    expect(pod.spec.containers[0].ports[0].containerPort).toBe(9464)
    const c = parseConfig(cm.data['daemon.yaml'] as string, 'configmap')
    expect(c.metrics).toMatchObject({
      enabled: true,
      listen: '0.0.0.0:9464',
      allowNonLoopback: true
    })
    expect(c.choose.mode).toBe('cgroup')
  })
})
