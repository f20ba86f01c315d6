import { describe, expect, it } from 'vitest'
import { parseDuration, parseThreshold } from '../../src/daemon/units.ts'
import { parseSize } from '../../src/units.ts'

describe('units', () => {
  it('sizes, thresholds, durations', () => {
    expect(parseSize('512M')).toBe(512 * 1024 ** 2)
    expect(parseSize('1.5GiB')).toBe(1.5 * 1024 ** 3)
    expect(parseSize('12 furlongs')).toBeNull()
    expect(parseThreshold('10%')).toEqual({ kind: 'percent', value: 10 })
    expect(parseThreshold('150%')).toBeNull()
    expect(parseDuration('100ms')).toBe(100)
    expect(parseDuration('2s')).toBe(2000)
    expect(parseDuration('soon')).toBeNull()
  })
})
