/**
 * @module What one executed case produced: the spec, the pre-OOM snapshot, the growth that was
 * applied, and the kernel's kill reports. The checks read only this.
 */
import type { CaseSpec } from './cases.ts'
import type { KernelKill } from './kernel-report.ts'
import type { CaseSnapshot } from './snapshot-state.ts'
import type { ToggleRecord } from './oom-kill-disable.ts'

/** Which process of which hog a pid is. */
export interface PidRole {
  hog: number
  role: 'parent' | 'child' | 'clone-vm' | 'vfork'
  /** Index among the hog's forked children (role 'child'). */
  index: number
}

/** A hog that grows alongside the case's grower, in the same step size. */
export interface CoGrower {
  hog: number
  pid: number
  tid: number | null
  mode: 'lockstep' | 'free'
}

/** One executed case. */
export interface CaseRun {
  spec: CaseSpec
  /** Kernel release (uname -r). */
  release: string
  /** The memcg path the kernel prints (/oomkit-conf-<seed>-<n>). */
  memcgPath: string
  snapshot: CaseSnapshot
  roles: Map<number, PidRole>
  /**
   * Pages of each hog parent charged to the memcg it started in, before the harness moved it
   * (anon RSS and page tables read just before the move: those charges do not move along).
   */
  chargedElsewhere: Map<number, { anon: number; pgtables: number }>
  growerPid: number
  /** The grower's thread that makes its growth steps (`hog -G`), else null (the leader). */
  growerTid?: number | null
  /** Hogs growing alongside the grower (`coGrow`), with their growing thread. */
  coGrowers?: CoGrower[]
  /** KiB the grower had grown (beyond its start size) when each kill was noticed. */
  grownKbAtKill: number[]
  /** Total KiB grown when the case stopped. */
  grownKb: number
  /** The kernel's kills in order (one per "Killed process" line). */
  kills: KernelKill[]
  /** Every kernel log line from the case's marker on (dmesg format). */
  logLines: string[]
  /** How many attempts the case took (a ratelimited report makes the harness retry). */
  attempts: number
  /** Problems running the case itself (not disagreements). */
  errors: string[]
  durationMs: number
  /** The oom-kill-disable kind: when the grower stalled and when the knob was cleared. */
  oomKillDisable?: ToggleRecord
}

/** What checks 1 and 3 read: the kernel's kills and the case's name (host or QEMU guest case). */
export type ReportRun = Pick<CaseRun, 'kills'> & { spec: Pick<CaseSpec, 'seed' | 'label'> }
