/**
 * Runs the HostSource contract against the live host (when /proc is Linux's) and every fixture
 * tree under tests/fixtures/proc/ (README.md there says which are captured and which synthetic).
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'vitest'
import { hostSourceContract } from './host-source.case.ts'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/proc')
const linuxProc = existsSync('/proc/self/status') && existsSync('/proc/meminfo')

if (linuxProc) {
  hostSourceContract('live host', { root: '/', copyable: false })
} else {
  describe('HostSource contract: live host', () => {
    it.skip('skipped: /proc is not a Linux procfs on this machine', () => {})
  })
}

hostSourceContract('cgroup v1, captured from a 6.18 host', {
  root: join(fixtures, 'cgroup-v1-6.18'),
  copyable: true,
  release: /^6\.18\./,
  cgroupVersion: 1,
  swap: false
})

hostSourceContract('cgroup v2, synthetic 6.8 host', {
  root: join(fixtures, 'cgroup-v2-6.8-synthetic'),
  copyable: true,
  release: /^6\.8\./,
  cgroupVersion: 2,
  swap: false
})

hostSourceContract('host with swap, synthetic 3.10 (cgroup v1)', {
  root: join(fixtures, 'swap-v1-3.10-synthetic'),
  copyable: true,
  release: /^3\.10\./,
  cgroupVersion: 1,
  swap: true
})
