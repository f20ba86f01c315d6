/**
 * @module Boot phase 7: what processes share once all exist: anonymous pages still shared
 * copy-on-write with the process they were forked from (`cowFrom`), and mms used by more than
 * one process (MMF_MULTIPROCESS, >= 5.10).
 */
import { cowShare } from '../../kernel/mm/cow.ts'
import { vmaTouched } from '../../kernel/mm/fault.ts'
import { makeVma } from '../../kernel/state-builders.ts'
import type { Scenario } from '../schema.ts'
import { MAPPING_GAP_PAGES, type ProcessBoot } from './context.ts'

type ProcessSpec = Scenario['processes'][number]

/** Map `sharedAnon` (default: all) of the source's anonymous pages COW into a 'cow' mapping. */
function linkCow(b: ProcessBoot, ps: ProcessSpec, from: number): void {
  const { oom, mem } = b.w
  const src = oom.processes.find(q => q.pid === from)
  const dst = oom.mms.get(ps.pid)
  const srcMm = src?.mmId == null ? undefined : oom.mms.get(src.mmId)
  if (src === undefined || dst === undefined || srcMm === undefined || srcMm === dst) return
  const pages = Math.min(srcMm.anon, ps.sharedAnon ?? srcMm.anon)
  if (pages <= 0) return
  const vma = makeVma({ start: b.cursor, pages, anonymous: true })
  b.cursor += pages + MAPPING_GAP_PAGES
  dst.vmas.push(vma)
  const names = b.vmaByName.get(ps.pid)
  if (names !== undefined && !names.has('cow')) names.set('cow', vma)
  vma.anon = cowShare(b.w, srcMm, src.memcg, dst, pages)
  vmaTouched.set(vma, vma.anon)
  if (ps.totalVm === undefined) dst.totalVm += pages
  mem.committedAs += pages
}

/** COW links in declaration order, then the multi-process flag of shared mms. */
export function bootSharedMms(b: ProcessBoot, s: Scenario): void {
  for (const ps of s.processes)
    if (ps.cowFrom !== undefined && ps.kthread !== true) linkCow(b, ps, ps.cowFrom)
  const users = new Map<number, number>()
  for (const p of b.w.oom.processes)
    if (p.mmId !== null) users.set(p.mmId, (users.get(p.mmId) ?? 0) + 1)
  for (const [id, n] of users) {
    const mm = b.w.oom.mms.get(id)
    if (mm !== undefined && n > 1) mm.flags.multiprocess = true
  }
}
