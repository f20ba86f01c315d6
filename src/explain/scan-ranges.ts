/**
 * @module The scan of a large log handing out its ranges as it goes (for a parser running at the
 * same time, `oomkit explain` on a second thread): every few MB, the ranges no later hit can
 * change are passed on, widened to whole lines and numbered, exactly those `rangesFromHits`
 * gives for the whole scan.
 *
 * Why they cannot change: a later anchor's range starts at most AROUND before the scanned end
 * and a later header's at most NEAR; only a report whose header has no end line yet (and is
 * less than MAX_REPORT back) may still end elsewhere, and anchors after its header are inside it
 * either way. A range ending before all of these is final.
 */
import type { ByteSource } from '../adapters/file/byte-source.ts'
import type { Hits } from './anchor-search.ts'
import { AROUND, MAX_REPORT, NEAR, rangesFromHits } from './prefilter.ts'
import { lineRanges } from './line-ranges.ts'
import type { LineRange } from './line-ranges.ts'
import { scanSource } from './scan-source.ts'

/** How often (bytes scanned) the final ranges are handed out. */
const STEP = 4 << 20

/** The first header whose report may still end elsewhere (Infinity when none). */
function firstOpenHeader(hits: Hits, scannedTo: number): number {
  // The scan finds hits in file order: the last end is the furthest.
  const lastEnd = hits.ends[hits.ends.length - 1] ?? -1
  for (const h of hits.headers) if (h > lastEnd && h >= scannedTo - MAX_REPORT) return h
  return Infinity
}

/**
 * Scan `source`, handing `emit` its ranges in order, in batches (about every `step` bytes); the
 * last batch may be empty.
 */
export function scanLineRanges(
  source: ByteSource,
  emit: (ranges: LineRange[]) => void,
  step = STEP
): void {
  let emitted = 0
  let next = step
  const s = scanSource(source, (sofar, scannedTo) => {
    if (scannedTo < next) return
    next = scannedTo + step
    const ranges = rangesFromHits(sofar.hits, source.size)
    const limit = Math.min(scannedTo - AROUND, firstOpenHeader(sofar.hits, scannedTo) - NEAR)
    let n = emitted
    while (n < ranges.length && (ranges[n]?.end ?? Infinity) < limit) n++
    if (n > emitted) emit(lineRanges(source, sofar, ranges.slice(emitted, n)))
    emitted = n
  })
  emit(lineRanges(source, s, rangesFromHits(s.hits, source.size).slice(emitted)))
}
