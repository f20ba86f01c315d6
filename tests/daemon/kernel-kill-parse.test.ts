/**
 * The kernel's own OOM kills read back from its log lines (issue 16): the summary line gives the
 * constraint and the memcg whose limit was hit, the "Killed process" line the victim, in each
 * kernel's form (lines as real kernels printed them: this host's 6.18, /work/shared/oomlogs).
 */
import { describe, expect, it } from 'vitest'
import { KernelKillParser } from '../../src/daemon/kernel-kill-parse.ts'

const feed = (lines: string[]) => {
  const p = new KernelKillParser()
  return lines.map(l => p.push(l)).filter(k => k !== null)
}

describe('KernelKillParser', () => {
  it('a memcg OOM (6.18): constraint, the memcg hit, the victim and its memory', () => {
    const kills = feed([
      'hungry invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/oomkit-conf-9011-40,task_memcg=/oomkit-conf-9011-40,task=hungry,pid=11443,uid=0',
      'Memory cgroup out of memory: Killed process 11443 (hungry) total-vm:22956kB, anon-rss:20480kB, file-rss:1984kB, shmem-rss:0kB, UID:0 pgtables:72kB oom_score_adj:0',
      'oom_reaper: reaped process 11443 (hungry), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB'
    ])
    expect(kills).toEqual([
      {
        pid: 11443,
        comm: 'hungry',
        uid: 0,
        constraint: 'CONSTRAINT_MEMCG',
        scope: 'memcg',
        oomMemcg: '/oomkit-conf-9011-40',
        taskMemcg: '/oomkit-conf-9011-40',
        anonRssKb: 20480,
        fileRssKb: 1984,
        shmemRssKb: 0,
        message: 'Memory cgroup out of memory'
      }
    ])
  })

  it('a global OOM with a multi-node nodemask and commas in mems_allowed', () => {
    const [k] = feed([
      'oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=0,2-3,cpuset=/,mems_allowed=0-3,global_oom,task_memcg=/system.slice/clamav-daemon.service,task=clamd,pid=517,uid=111',
      'Out of memory: Killed process 517 (clamd) total-vm:2361456kB, anon-rss:1689296kB, file-rss:0kB, shmem-rss:0kB, UID:111 pgtables:4292kB oom_score_adj:0'
    ])
    expect(k).toMatchObject({
      pid: 517,
      constraint: 'CONSTRAINT_MEMORY_POLICY',
      scope: 'global',
      oomMemcg: null,
      taskMemcg: '/system.slice/clamav-daemon.service',
      uid: 111
    })
  })

  it('memory.oom.group: every killed member takes the scope of the one summary', () => {
    const kills = feed([
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/job,task_memcg=/job/a,task=a,pid=10,uid=0',
      'Memory cgroup out of memory: Killed process 10 (a) total-vm:100kB, anon-rss:50kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0',
      'Tasks in /job are going to be killed due to memory.oom.group set',
      'Memory cgroup out of memory: Killed process 11 (b) total-vm:100kB, anon-rss:40kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0'
    ])
    expect(kills.map(k => [k.pid, k.oomMemcg, k.taskMemcg])).toEqual([
      [10, '/job', '/job/a'],
      [11, '/job', null]
    ])
  })

  it('older forms: 4.x without a summary, rhel6 with its UID, each kill once', () => {
    const kills = feed([
      'stress invoked oom-killer: gfp_mask=0x24201ca, order=0, oom_score_adj=0',
      'Killed process 1990 (stress) total-vm:73532kB, anon-rss:32008kB, file-rss:212kB, shmem-rss:0kB',
      'Killed process 15462, UID 500, (t) total-vm:233384kB, anon-rss:51228kB, file-rss:384kB'
    ])
    expect(kills.map(k => [k.pid, k.comm, k.uid, k.scope, k.constraint, k.shmemRssKb])).toEqual([
      [1990, 'stress', null, 'unknown', 'unknown', 0],
      [15462, 't', 500, 'unknown', 'unknown', null]
    ])
  })

  it('a comm with parentheses and spaces', () => {
    const [k] = feed([
      'Out of memory: Killed process 7 (a (b) c) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0'
    ])
    expect(k?.comm).toBe('a (b) c')
    expect(k?.scope).toBe('global')
  })
})
