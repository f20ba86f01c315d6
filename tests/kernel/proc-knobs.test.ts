/** /proc/<pid>/oom_score_adj, oom_adj and oom_score (fs/proc/base.c) per profile. */
import { describe, expect, it } from 'vitest'
import { formatTracepoint } from '../../src/kernel/events.ts'
import {
  oomAdjFromScoreAdj,
  readOomAdj,
  readOomScore,
  readOomScoreAdj,
  scoreAdjFromOomAdj,
  writeOomAdj,
  writeOomScoreAdj
} from '../../src/kernel/proc-knobs.ts'
import type { KnobContext } from '../../src/kernel/proc-knobs.ts'
import { addTask, makeState, makeThread } from '../../src/kernel/state-builders.ts'
import { knobContext, prof, sudoWithCapSysResource } from './fixtures.ts'

const user = { pid: 4000, comm: 'bash', capSysResource: false }
const root = { pid: 4001, comm: 'sudo', capSysResource: true }
const kctx = (name = '6.11'): KnobContext => ({
  profile: prof(name),
  nowNs: 5e9,
  once: { oomAdjDeprecatedWarned: false }
})

describe('oom_adj <-> oom_score_adj conversion', () => {
  it('read: adj*17/1000 truncated toward zero, capped at 15; 1000 reads 15 (checked on Linux 6.18)', () => {
    expect([1000, 999, 950, 941, 58, 0, -58, -941, -1000].map(oomAdjFromScoreAdj)).toEqual([
      15, 15, 15, 15, 0, 0, 0, -15, -17
    ])
  })
  it('write: 15 -> 1000, else oom_adj*1000/17 truncated (-17 -> -1000, -16 -> -941, 1 -> 58, 2 -> 117)', () => {
    expect([15, 14, 2, 1, 0, -16, -17].map(scoreAdjFromOomAdj)).toEqual([
      1000, 823, 117, 58, 0, -941, -1000
    ])
  })
})

describe('oom_score_adj writes', () => {
  it('parses like kstrtoint base 0 with whitespace stripped (" 3 ", "0x10"), range -1000..1000', () => {
    const s = makeState()
    const t = addTask(s, { pid: 50 })
    expect(writeOomScoreAdj(s, t, ' 3 \n', user, kctx()).ok).toBe(true)
    expect(readOomScoreAdj(t)).toBe('3\n')
    expect(writeOomScoreAdj(s, t, '0x10', user, kctx()).ok).toBe(true)
    expect(t.oomScoreAdj).toBe(16)
    expect(writeOomScoreAdj(s, t, '1001', user, kctx())).toEqual({ ok: false, errno: 'EINVAL' })
    expect(writeOomScoreAdj(s, t, 'abc', user, kctx())).toEqual({ ok: false, errno: 'EINVAL' })
    expect(writeOomScoreAdj(s, t, '99999999999', user, kctx())).toEqual({
      ok: false,
      errno: 'ERANGE'
    })
  })

  it('lowering below oom_score_adj_min needs CAP_SYS_RESOURCE (EACCES); a capable writer also sets _min', () => {
    const s = makeState()
    const t = addTask(s, { pid: 50, oomScoreAdj: 500, oomScoreAdjMin: 200 })
    expect(writeOomScoreAdj(s, t, '300', user, kctx()).ok).toBe(true)
    expect(writeOomScoreAdj(s, t, '100', user, kctx())).toEqual({ ok: false, errno: 'EACCES' })
    expect(writeOomScoreAdj(s, t, '-500', root, kctx()).ok).toBe(true)
    expect(t).toMatchObject({ oomScoreAdj: -500, oomScoreAdjMin: -500 })
    expect(writeOomScoreAdj(s, t, '-600', user, kctx())).toEqual({ ok: false, errno: 'EACCES' })
  })

  it('fires oom_score_adj_update for the target', () => {
    const s = makeState()
    const t = addTask(s, { pid: 50, comm: 'java' })
    const r = writeOomScoreAdj(s, t, '-200', root, kctx())
    if (!r.ok) throw new Error('write failed')
    expect(r.events.map(formatTracepoint)).toEqual(['pid=50 comm=java oom_score_adj=-200'])
  })

  it('propagation: >= 5.10 only with MMF_MULTIPROCESS, skipping init, kthreads and vfork children', () => {
    const mk = (multiprocess: boolean) => {
      const s = makeState()
      const t = addTask(s, { pid: 50 })
      s.mms.get(50)!.flags.multiprocess = multiprocess
      addTask(s, { pid: 1, mmId: 50 })
      addTask(s, { pid: 51, mmId: 50 })
      addTask(s, { pid: 52, mmId: 50, inVfork: true })
      addTask(s, { pid: 53, kthread: true })
      s.processes.at(-1)!.mmId = 50
      addTask(s, { pid: 54 })
      return { s, t }
    }
    const a = mk(true)
    const ra = writeOomScoreAdj(a.s, a.t, '700', user, kctx('6.11'))
    expect(ra.ok && ra.updated).toEqual([50, 51])
    const b = mk(false)
    const rb = writeOomScoreAdj(b.s, b.t, '700', user, kctx('6.11'))
    expect(rb.ok && rb.updated).toEqual([50])
    // 4.19: mm_users > threads of the target is enough.
    const c = mk(false)
    const rc = writeOomScoreAdj(c.s, c.t, '700', user, kctx('4.19'))
    expect(rc.ok && rc.updated).toEqual([50, 51])
    // 3.10: no propagation at all.
    const d = mk(true)
    const rd = writeOomScoreAdj(d.s, d.t, '700', user, kctx('3.10'))
    expect(rd.ok && rd.updated).toEqual([50])
  })
})

describe('oom_adj writes (legacy)', () => {
  it('accepts -16..15 and -17, else EINVAL; converts; warns once with the kernel text', () => {
    const s = makeState()
    const t = addTask(s, { pid: 12761 })
    const ctx = kctx()
    expect(writeOomAdj(s, t, '16', user, ctx)).toEqual({ ok: false, errno: 'EINVAL' })
    expect(writeOomAdj(s, t, '-18', user, ctx)).toEqual({ ok: false, errno: 'EINVAL' })
    const r = writeOomAdj(s, t, '2', { ...user, pid: 12759 }, ctx)
    expect(r.ok && r.printk.map(l => l.text)).toEqual([
      'bash (12759): /proc/12761/oom_adj is deprecated, please use /proc/12761/oom_score_adj instead.'
    ])
    expect(t.oomScoreAdj).toBe(117)
    // 117*17/1000 = 1.99 truncates: writing 2 reads back 1 (checked on Linux 6.18).
    expect(readOomAdj(t)).toBe('1\n')
    const again = writeOomAdj(s, t, '3', user, ctx)
    expect(again.ok && again.printk).toEqual([])
  })

  it('lowering below the current oom_score_adj needs CAP_SYS_RESOURCE; _min is never touched', () => {
    const s = makeState()
    const t = addTask(s, { pid: 50, oomScoreAdj: 1000 })
    expect(writeOomAdj(s, t, '14', user, kctx())).toEqual({ ok: false, errno: 'EACCES' })
    expect(writeOomAdj(s, t, '15', user, kctx()).ok).toBe(true)
    expect(writeOomAdj(s, t, '-17', root, kctx()).ok).toBe(true)
    expect(t).toMatchObject({ oomScoreAdj: -1000, oomScoreAdjMin: 0 })
  })
})

describe('oom_score read', () => {
  it('prints proc_oom_score() with a newline', () => {
    const s = makeState({ totalRamPages: 6170914 })
    const t = addTask(s, { pid: 100, anon: 555402, pgtablesBytes: 1177 * 4096 })
    expect(readOomScore(t, s, prof('6.18'))).toBe('726\n')
  })
})

describe('oom_score_adj_write() / oom_adj_write(), 3.10: a target without task->mm is EINVAL', () => {
  it('3.10 refuses a kernel thread and a leader past exit_mm; 4.19 and 6.11 accept both', () => {
    for (const [name, want] of [
      ['3.10', { ok: false, errno: 'EINVAL' }],
      ['4.19', { ok: true }],
      ['6.11', { ok: true }]
    ] as const) {
      const s = makeState()
      const kt = addTask(s, { pid: 2, comm: 'kthreadd', kthread: true })
      const zombieLeader = addTask(s, {
        pid: 300,
        comm: 'app',
        anon: 100,
        threads: [
          makeThread({ tid: 300, comm: 'app', exiting: true, mmReleased: true }),
          makeThread({ tid: 301, comm: 'worker' })
        ]
      })
      expect(
        writeOomScoreAdj(s, kt, '100', sudoWithCapSysResource, knobContext(name))
      ).toMatchObject(want)
      expect(
        writeOomScoreAdj(s, zombieLeader, '100', sudoWithCapSysResource, knobContext(name))
      ).toMatchObject(want)
      expect(
        writeOomAdj(s, zombieLeader, '3', sudoWithCapSysResource, knobContext(name))
      ).toMatchObject(want)
    }
  })

  it('3.10: the range check still comes first (EINVAL either way) and a live task is written', () => {
    const s = makeState()
    const t = addTask(s, { pid: 50, anon: 10 })
    expect(writeOomScoreAdj(s, t, '-300', sudoWithCapSysResource, knobContext('3.10')).ok).toBe(
      true
    )
    expect(t.oomScoreAdj).toBe(-300)
  })
})

describe('oom_adj_read(): the cap at OOM_ADJUST_MAX arrived in 5.10', () => {
  it('oom_score_adj 942..999 reads 16 on 3.10 and 4.19, 15 on 5.10 and 6.11; 1000 reads 15', () => {
    const s = makeState()
    const t = addTask(s, { pid: 60, oomScoreAdj: 999 })
    expect(['3.10', '4.19', '5.10', '6.11'].map(n => readOomAdj(t, prof(n)))).toEqual([
      '16\n',
      '16\n',
      '15\n',
      '15\n'
    ])
    t.oomScoreAdj = 941
    expect(readOomAdj(t, prof('3.10'))).toBe('15\n')
    t.oomScoreAdj = 1000
    expect(readOomAdj(t, prof('3.10'))).toBe('15\n')
  })
})
