/**
 * @module The Mem-Info block (show_mem()) of a global OOM, the kernel's against the simulator's:
 *
 * - the same lines, in the same order, with the same fields (a line's shape is its text with
 *   the numbers left out; a buddy line's is its zone);
 * - the watermarks identical: every zone's min/low/high net of its boost (the kernel prints
 *   them with zone->watermark_boost added; boost_watermark() raises it when an allocation
 *   steals a pageblock of another migratetype, which the simulator does not model) and its
 *   lowmem_reserve[] line (the scenario carries the zoneinfo the guest captured);
 * - the free counts within a bound: a zone's free kB may differ by at most its high − min gap,
 *   the global `free:` by the sum of those gaps, each widened by the difference of the two
 *   sides' boosts. Both kernels OOM only after every zone failed its
 *   min watermark with kswapd awake (it reclaims towards high); where free stands inside that
 *   window depends on per-CPU list drains (free_pcp, not modelled) and reclaim timing, not on the
 *   OOM decision;
 * - the node's `all_unreclaimable?` identical when the guest's evidence decides it
 *   (kswapd-evidence.ts: the node was already hopeless at the snapshot, or kswapd had started
 *   MAX_RECLAIM_RETRIES passes before the report). Otherwise it is only counted: whether
 *   kswapd's failing balance_pgdat() passes end before the grower's own retries do is a matter
 *   of scheduling on the guest's one CPU (seed 2: `yes` in three runs, `no` in a run whose
 *   guest took 20 s to boot);
 * - every other numeric field counted as agreeing or not (reported, not failed).
 */

/** One field's verdict in one report. */
export interface FieldVerdict {
  /** `global.free`, `node.active_anon`, `DMA32.min`, `DMA.lowmem_reserve`, `lines`, ... */
  field: string
  /** 'exact' must match, 'bounded' within the stated bound, 'info' counted only. */
  rule: 'exact' | 'bounded' | 'info'
  agreed: boolean
  kernel: string
  ours: string
}

const PAGE_KB = 4

/** The Mem-Info block: from "Mem-Info:" to the line before the task table (or the end). */
export function memInfoBlock(texts: readonly string[]): string[] {
  const start = texts.indexOf('Mem-Info:')
  if (start < 0) return []
  const out: string[] = []
  for (const t of texts.slice(start)) {
    if (/^Tasks state|^\[\s+pid\s+\]|^oom-kill:|^Out of memory|^Kernel panic/.test(t)) break
    out.push(t)
  }
  return out
}

const BUDDY = /^(?:Node \d+ )?(\w+): (?:\d+\*\d+kB )/
const ZONE = /^(?:Node \d+ )?(\w+) free:\d+kB/

/** A line's shape: its text with numbers left out (a buddy line: its zone). */
export function lineShape(l: string): string {
  const b = BUDDY.exec(l)
  if (b !== null) return `${b[1]}: (buddy)`
  return l.replace(/(^|[\s:=*(,-])\d+/g, '$1#').replace(/\? (yes|no)/, '? #')
}

/** Scope.name -> value for every numeric field of the block. */
export function memInfoFields(block: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  let zone = ''
  for (const l of block) {
    const z = ZONE.exec(l)
    const scope = z !== null ? z[1]! : /^Node \d+ active_anon/.test(l) ? 'node' : 'global'
    if (z !== null) zone = z[1]!
    if (l.startsWith('lowmem_reserve[]:')) {
      out.set(`${zone}.lowmem_reserve`, l.slice('lowmem_reserve[]:'.length).trim())
      continue
    }
    if (BUDDY.test(l)) {
      out.set(`${BUDDY.exec(l)![1]}.buddy_total`, /= (\d+)kB$/.exec(l)?.[1] ?? '?')
      continue
    }
    const un = /all_unreclaimable\? (yes|no)/.exec(l)
    if (un !== null) out.set(`${scope}.all_unreclaimable`, un[1]!)
    for (const m of l.matchAll(/([A-Za-z_()]+)[:=]\s?(\d+)/g)) out.set(`${scope}.${m[1]}`, m[2]!)
  }
  return out
}

/** Fields that must be identical: the watermarks, lowmem_reserve, all_unreclaimable. */
const EXACT = /\.(min|low|high|lowmem_reserve)$|^node\.all_unreclaimable$/

/** A zone's watermark boost (kB) on one side. */
const boostOf = (m: Map<string, string>, zone: string): number =>
  Number(m.get(`${zone}.boost`) ?? 0)

/** The value compared: a watermark net of the zone's boost (show_free_areas() prints
 * min_wmark_pages() etc., which add zone->watermark_boost), else the value as printed. */
function netOf(field: string, m: Map<string, string>): string {
  const w = /^(\w+)\.(min|low|high)$/.exec(field)
  const v = m.get(field) ?? ''
  return w === null ? v : String(Number(v) - boostOf(m, w[1]!))
}

const zonesOf = (k: Map<string, string>): string[] =>
  [...k.keys()].filter(f => f.endsWith('.high')).map(f => f.slice(0, -5))

/**
 * The bound of a free field (pages for global.free, kB for a zone's): the zone's high − min gap,
 * plus what the kernel's per-CPU lists held (free_pcp: pages rmqueue_bulk() took off the buddy
 * free count in batches after one watermark check; not modelled, the simulator prints 0), plus
 * the difference of the two sides' boosts (a boost lifts all three marks).
 */
function freeBound(field: string, k: Map<string, string>, o: Map<string, string>): number | null {
  const gap = (zone: string): number =>
    Number(k.get(`${zone}.high`) ?? 0) -
    Number(k.get(`${zone}.min`) ?? 0) +
    Number(k.get(`${zone}.free_pcp`) ?? 0) +
    Math.abs(boostOf(k, zone) - boostOf(o, zone))
  if (field === 'global.free') return zonesOf(k).reduce((a, z) => a + gap(z), 0) / PAGE_KB
  const zf = /^(\w+)\.free$/.exec(field)
  return zf !== null && zf[1] !== 'global' && zf[1] !== 'node' ? gap(zf[1]!) : null
}

/**
 * The free-count bound of one kernel report, in kB: every zone's high − min gap plus its
 * free_pcp. Check 2 lets the simulator grow this much more than the guest's grower did before
 * its last OOM: both sides OOM when free fails the min watermark, but where the kernel's free
 * stood in that window (and how much sat on its per-CPU lists) is not modelled.
 */
export function freeBoundKb(texts: readonly string[]): number {
  const k = memInfoFields(memInfoBlock(texts))
  return zonesOf(k).reduce(
    (a, z) =>
      a +
      Number(k.get(`${z}.high`) ?? 0) -
      Number(k.get(`${z}.min`) ?? 0) +
      Number(k.get(`${z}.free_pcp`) ?? 0),
    0
  )
}

/** Every field's verdict, plus one for the line structure. */
export function compareMemInfo(
  kernelTexts: readonly string[],
  ourTexts: readonly string[],
  unreclaimableDecided = true
): FieldVerdict[] {
  const kb = memInfoBlock(kernelTexts)
  const ob = memInfoBlock(ourTexts)
  const ks = kb.map(lineShape)
  const os = ob.map(lineShape)
  const lines: FieldVerdict = {
    field: 'lines',
    rule: 'exact',
    agreed: ks.length === os.length && ks.every((s, i) => s === os[i]),
    kernel: ks.filter(s => !os.includes(s)).join(' | ') || '(same)',
    ours: os.filter(s => !ks.includes(s)).join(' | ') || '(same)'
  }
  const k = memInfoFields(kb)
  const o = memInfoFields(ob)
  const out: FieldVerdict[] = [lines]
  for (const [field, kv] of k) {
    const ov = o.get(field)
    if (ov === undefined) continue
    const bound = freeBound(field, k, o)
    if (bound !== null) {
      const agreed = Math.abs(Number(kv) - Number(ov)) <= bound
      out.push({ field, rule: 'bounded', agreed, kernel: kv, ours: `${ov} (bound ±${bound})` })
    } else {
      const exact =
        EXACT.test(field) && (unreclaimableDecided || field !== 'node.all_unreclaimable')
      const rule = exact ? 'exact' : 'info'
      const agreed = netOf(field, k) === netOf(field, o)
      out.push({ field, rule, agreed, kernel: kv, ours: ov })
    }
  }
  return out
}
