/** __ratelimit() (lib/ratelimit.c). */
import { describe, expect, it } from 'vitest'
import { makeRatelimit, ratelimitCheck } from '../../src/kernel/ratelimit.ts'

describe('__ratelimit() (lib/ratelimit.c, DEFAULT 10 per 5 s)', () => {
  it('allows 10 in a window, then counts misses until the window has fully elapsed', () => {
    const rs = makeRatelimit()
    const allowed = Array.from({ length: 12 }, (_, i) => ratelimitCheck(rs, i * 1e8).allowed)
    expect(allowed).toEqual([...Array(10).fill(true), false, false])
    // Exactly begin + interval is still the old window.
    expect(ratelimitCheck(rs, 5e9)).toEqual({ allowed: false, suppressed: 0 })
    expect(ratelimitCheck(rs, 5e9 + 1)).toEqual({ allowed: true, suppressed: 3 })
  })
})
