/**
 * Records a Readings trace for the policy tests: a hog grows inside a fresh v1 memory cgroup
 * (toward, but not past, its limit) while the live MemorySource is sampled every 20 ms.
 *   node --import tsx tests/daemon/record-trace.ts OUT.json
 */
import { writeFileSync } from 'node:fs'
import { createLiveSource } from '../../src/adapters/proc/live-memory-source.ts'
import type { Readings } from '../../src/daemon/readings.ts'
import { buildHog, makeCgroup, removeCgroup, startHog, tempDir } from './cgroup-lab.ts'

const out = process.argv[2] ?? 'trace.json'
const MiB = 1024 * 1024
const dir = makeCgroup(`oomkit-trace-${process.pid}`, 256 * MiB)
try {
  const hog = buildHog(tempDir('oomkit-trace-'))
  const source = createLiveSource()
  const t0 = performance.now()
  const samples: Readings[] = []
  const sample = (): void => {
    const cg = source.cgroup(dir)
    samples.push({
      timeMs: Math.round((performance.now() - t0) * 10) / 10,
      meminfo: source.meminfo(),
      psi: source.psi(),
      cgroups: cg ? [{ ...cg, path: '/sys/fs/cgroup/memory/app' }] : []
    })
  }
  const timer = setInterval(sample, 20)
  await new Promise(r => setTimeout(r, 200))
  const steady = await startHog(hog, dir, ['16', '10', '48'])
  const grower = await startHog(hog, dir, ['8', '40', '232'])
  await new Promise(r => setTimeout(r, 1600))
  grower.child.kill('SIGKILL')
  await grower.exited
  await new Promise(r => setTimeout(r, 300))
  clearInterval(timer)
  steady.child.kill('SIGKILL')
  await steady.exited
  writeFileSync(
    out,
    JSON.stringify(
      {
        description:
          'v1 memcg limit 256 MiB: a 48 MiB hog, then a hog growing 8 MiB / 40 ms to 232 MiB, SIGKILLed at ~1.8 s; sampled every 20 ms',
        samples
      },
      null,
      0
    ) + '\n'
  )
  process.stdout.write(`${samples.length} samples -> ${out}\n`)
} finally {
  await removeCgroup(dir)
}
