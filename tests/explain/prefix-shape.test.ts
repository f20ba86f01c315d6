/**
 * The learned prefix (prefix-shape.ts) and the per-line gates (gap lines, lost newlines) change
 * nothing: stripKnownPrefix() gives what stripPrefix() gives for every line, whatever came before.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { stripPrefix } from '../../src/explain/prefix.ts'
import { stripKnownPrefix } from '../../src/explain/prefix-shape.ts'

/** A small deterministic generator. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0
  return n => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s % n
  }
}

const dates = ['Dec  8 00:16:58', 'Dec 18 10:16:58', 'Dec 08 17:51:31.123456', 'déc.  8 17:51:31']
const hosts = [
  'web-1 kernel:',
  'kernel:',
  'host kernel[0]:',
  'web-1 systemd[1]:',
  'In(05) vcpu-5 -'
]
const stamps = ['[ 1018.982800]', '[10018.982800]', '[    0.000000]', '[Mon Dec  8 17:51:31 2025]']
const seps = [' ', '', '\t', '  ', ' \u00a0']
const messages = [
  'stress-ng-vm invoked oom-killer: gfp_mask=0x0',
  ' active_anon:1 inactive_anon:2',
  '<6>foo',
  '[  T116] bar',
  '[  1234]  1000  1234 1 2 3 4 5 bash',
  'web-1 kernel: again',
  'x kernel[12]: t',
  'kern  :warn  : x',
  '[ 5.000000] lost newline',
  '[a:b] c',
  '',
  '\r',
  '   spaced'
]

describe('stripKnownPrefix', () => {
  it('strips what stripPrefix strips, over runs of lines whose heads differ in digits', () => {
    const r = rng(7)
    const pick = <T>(xs: T[]): T => xs[r(xs.length)] as T
    let lines = 0
    for (let i = 0; i < 3000; i++) {
      const head =
        (r(4) > 0 ? `${pick(dates)} ${pick(hosts)}${pick(seps)}` : '') +
        (r(3) > 0 ? `${pick(stamps)}${pick(seps)}` : '')
      for (let k = 0; k < 5; k++) {
        const line = head.replace(/\d/g, d => (r(3) === 0 ? String(r(10)) : d)) + pick(messages)
        expect(stripKnownPrefix(line), line).toEqual(stripPrefix(line))
        lines++
      }
    }
    expect(lines).toBe(15000)
  })

  it('strips what stripPrefix strips on every fixture line, in order', () => {
    const dir = join(import.meta.dirname, '..', 'fixtures', 'oomlogs')
    for (const name of readdirSync(dir).filter(n => n.endsWith('.log')))
      for (const line of readFileSync(join(dir, name), 'utf8').split('\n'))
        expect(stripKnownPrefix(line), line).toEqual(stripPrefix(line))
  })
})
