/**
 * The one-pass anchor search (src/explain/anchor-search.ts, its SIMD scanner in anchor-wasm.ts)
 * finds exactly what a plain search for each anchor finds, at every offset, across piece
 * boundaries and past the scanner's output capacity; its newline count equals a byte count.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { countNewlines, findAnchors, scanBuffer } from '../../src/explain/anchor-search.ts'
import type { Hits } from '../../src/explain/anchor-search.ts'

const ANCHORS: [string, 'header' | 'end' | 'anchor'][] = [
  ['invoked oom-killer', 'header'],
  ['oom-kill:', 'end'],
  ['oom_reaper:', 'anchor'],
  ['memory.oom.group', 'anchor'],
  ['Killed process', 'end'],
  ['Kill process', 'anchor'],
  ['Out of memory and no killable', 'end'],
  ['Out of memory', 'anchor'],
  ['Memory cgroup', 'anchor'],
  ['Mem-Info:', 'anchor'],
  ['Tasks state (memory values', 'anchor'],
  ['Task in /', 'anchor'],
  ['Tasks in /', 'anchor'],
  ['Kernel panic', 'end']
]

/** The reference: every anchor by plain search; at one position the first listed wins. */
function reference(buf: Buffer): Hits {
  const at = new Map<number, 'header' | 'end' | 'anchor'>()
  for (const [text, role] of ANCHORS) {
    let p = 0
    for (;;) {
      const i = buf.indexOf(text, p, 'latin1')
      if (i < 0) break
      if (!at.has(i)) at.set(i, role)
      p = i + 1
    }
  }
  const hits: Hits = { anchors: [], headers: [], ends: [] }
  for (const [pos, role] of [...at].sort((a, b) => a[0] - b[0])) {
    hits.anchors.push(pos)
    if (role === 'header') hits.headers.push(pos)
    if (role === 'end') hits.ends.push(pos)
  }
  return hits
}

function search(buf: Buffer): Hits {
  const hits: Hits = { anchors: [], headers: [], ends: [] }
  findAnchors(buf, 0, hits)
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b)
  return { anchors: sorted(hits.anchors), headers: sorted(hits.headers), ends: sorted(hits.ends) }
}

const piece = fc.oneof(
  fc.constantFrom(...ANCHORS.map(a => a[0]), '\n', 'Kil', 'Me', 'oom', 'Task', 'Ou', 'm-', '.g'),
  fc.string({ maxLength: 40 })
)

describe('findAnchors', () => {
  it('finds what a plain search finds, at any offset', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.nat(40), (parts, pad) => {
        const buf = Buffer.from(' '.repeat(pad) + parts.join(''), 'latin1')
        expect(search(buf)).toEqual(reference(buf))
      }),
      { numRuns: 300 }
    )
  })

  it('crosses piece boundaries and the output capacity', () => {
    // 3 MB: several 1 MB pieces, and far more candidate steps than one call returns.
    const line = 'Mem Out oom_x Killed process 1 (a) Tasks state (memory values m-\n'
    const buf = Buffer.from(line.repeat(Math.ceil((3 << 20) / line.length)), 'latin1')
    expect(search(buf)).toEqual(reference(buf))
  })

  it('scans bytes in its own buffer in place, with the same result', () => {
    const text = 'x'.repeat(100) + '\ninvoked oom-killer: gfp\nKilled process 7 (a)\n'
    const src = Buffer.from(text.repeat(1000), 'latin1')
    const own = scanBuffer()
    src.copy(own)
    expect(search(own.subarray(0, src.length))).toEqual(reference(src))
  })
})

describe('countNewlines', () => {
  it('counts every newline in any range', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.nat(), fc.nat(), (s, a, b) => {
        const buf = Buffer.from(s.replace(/[a-c]/g, '\n'), 'latin1')
        const start = a % (buf.length + 1)
        const end = start + (b % (buf.length - start + 1))
        let n = 0
        for (let i = start; i < end; i++) if (buf[i] === 10) n++
        expect(countNewlines(buf, start, end)).toBe(n)
      }),
      { numRuns: 300 }
    )
  })
})
