/**
 * memory.stat capture: v1 prints a group's own counters, v2 its subtree's (a group's own are its
 * value less its children's); `snapshot` writes the page cache and tmpfs pages a group is
 * charged for beyond what its written processes map, owned by the group.
 */
import { describe, expect, it } from 'vitest'
import { ownStats, parseMemcgStat } from '../../src/adapters/cgroup/memcg-stat.ts'
import type { MemcgReading } from '../../src/adapters/proc/host-source.ts'
import { cgroupCacheFiles } from '../../src/host/snapshot-cache.ts'
import type { ProcessSample } from '../../src/host/scan.ts'

const MiB = 1 << 20

describe('memory.stat', () => {
  it('reads the v1 and v2 names of the same counters', () => {
    const v1 = parseMemcgStat(
      `cache ${10 * MiB}\nrss 4096\nshmem ${MiB}\nmapped_file 8192\ntotal_cache 1\n`,
      1
    )
    expect(v1).toMatchObject({
      fileBytes: 10 * MiB,
      anonBytes: 4096,
      shmemBytes: MiB,
      fileMappedBytes: 8192
    })
    const v2 = parseMemcgStat(
      `anon 4096\nfile ${10 * MiB}\nshmem ${MiB}\nfile_mapped 8192\nactive_file 4096\n`,
      2
    )
    expect(v2).toMatchObject({
      fileBytes: 10 * MiB,
      anonBytes: 4096,
      fileMappedBytes: 8192,
      activeFileBytes: 4096
    })
    expect(parseMemcgStat('', 2)).toBeNull()
  })

  it('v2: a group keeps its own pages, its children counted apart', () => {
    const parent = parseMemcgStat(`file ${10 * MiB}\nshmem ${2 * MiB}\n`, 2)!
    const child = parseMemcgStat(`file ${6 * MiB}\nshmem ${2 * MiB}\n`, 2)!
    expect(ownStats(parent, [child, null])).toMatchObject({ fileBytes: 4 * MiB, shmemBytes: 0 })
  })

  it('snapshot writes the unmapped page cache (active share kept) and tmpfs of a group', () => {
    const stat = parseMemcgStat(
      `file ${100 * MiB}\nshmem ${30 * MiB}\nactive_file ${20 * MiB}\nfile_mapped ${MiB}\n`,
      2
    )
    const g = { path: '/job', stat } as MemcgReading
    const proc = { vforkParent: null, rssFileKb: 1024, rssShmemKb: 2048 } as ProcessSample
    const files = cgroupCacheFiles(g, '/job', [proc])
    expect(files).toEqual([
      {
        path: '/host/memcg/job/page-cache',
        size: 17664,
        cached: 17664,
        active: 5120,
        memcg: '/job'
      },
      { path: '/host/memcg/job/tmpfs', size: 7168, fs: 'tmpfs', memcg: '/job' }
    ])
  })
})
