import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { CLIENT_SCRIPT } from '../src/html/client-script.ts'
import {
  bytesToPages,
  formatSize,
  parseDurationMs,
  parseSize,
  readSize,
  SIZE_UNIT_NAMES
} from '../src/units.ts'

describe('parseSize: the forms scenarios, daemon configs and snapshot flags use', () => {
  it('reads binary units in any spelling and case', () => {
    const G = 1024 ** 3
    for (const t of ['1G', '1g', '1GB', '1GiB', '1gib', ' 1 G ']) expect(parseSize(t), t).toBe(G)
    expect(parseSize('512M')).toBe(512 * 1024 ** 2)
    expect(parseSize('64kB')).toBe(64 * 1024)
    expect(parseSize('4k')).toBe(4096)
    expect(parseSize('2097148kB')).toBe(2097148 * 1024)
    expect(parseSize('1T')).toBe(1024 ** 4)
    expect(parseSize('1.5GiB')).toBe(1.5 * G)
  })

  it('reads a bare number as bytes and p/pages as 4 KiB pages', () => {
    expect(parseSize('4096')).toBe(4096)
    expect(parseSize('4096B')).toBe(4096)
    expect(parseSize('100p')).toBe(100 * 4096)
    expect(parseSize('100pages')).toBe(100 * 4096)
  })

  it('rejects what is not a size, telling a bad unit from a bad shape', () => {
    expect(parseSize('12 furlongs')).toBeNull()
    expect(parseSize('-5M')).toBeNull()
    expect(parseSize('10%')).toBeNull()
    expect(parseSize('')).toBeNull()
    expect(readSize('12 furlongs')).toEqual({ ok: false, reason: 'unit', unit: 'furlongs' })
    expect(readSize('lots of')).toEqual({ ok: false, reason: 'format' })
  })

  it('rounds pages up', () => {
    expect(bytesToPages(1)).toBe(1)
    expect(bytesToPages(4096)).toBe(1)
    expect(bytesToPages(4097)).toBe(2)
    expect(bytesToPages(parseSize('1.5k') ?? NaN)).toBe(1)
  })
})

describe('formatSize', () => {
  it('names binary units and keeps three significant digits', () => {
    expect(formatSize(0)).toBe('0 B')
    expect(formatSize(1000)).toBe('1000 B')
    expect(formatSize(984 * 1024)).toBe('984 KiB')
    expect(formatSize(14.4 * 1024 ** 2)).toBe('14.4 MiB')
    expect(formatSize(7.63 * 1024 ** 3)).toBe('7.63 GiB')
    expect(formatSize(512 * 1024 ** 2)).toBe('512 MiB')
    expect(formatSize(8 * 1024 ** 3)).toBe('8 GiB')
    expect(formatSize(-1.5 * 1024 ** 2)).toBe('-1.50 MiB')
    expect(formatSize(2 * 1024 ** 5)).toBe('2 PiB')
  })

  it('has a compact form for table columns', () => {
    expect(formatSize(512 * 1024, true)).toBe('512Ki')
    expect(formatSize(88.9 * 1024 ** 2, true)).toBe('88.9Mi')
    expect(formatSize(0, true)).toBe('0B')
  })

  it('is the same function in the HTML report script', () => {
    const start = CLIENT_SCRIPT.indexOf('  var SIZE_UNITS')
    const end = CLIENT_SCRIPT.indexOf('  function fmtKb')
    const fmtBytes = runInNewContext(`${CLIENT_SCRIPT.slice(start, end)}; fmtBytes`) as (
      b: number
    ) => string
    expect(CLIENT_SCRIPT).toContain(JSON.stringify(SIZE_UNIT_NAMES))
    for (const b of [0, 1, 1023, 1024, 1536, 10_240, 102_400, 1_000_000, 1e9, 7.63 * 2 ** 30, -5e6])
      expect(fmtBytes(b), String(b)).toBe(formatSize(b))
  })
})

describe('parseDurationMs', () => {
  it('reads ns to hours', () => {
    expect(parseDurationMs('100ms')).toBe(100)
    expect(parseDurationMs('2s')).toBe(2000)
    expect(parseDurationMs('1.5m')).toBe(90_000)
    expect(parseDurationMs('2h')).toBe(7_200_000)
    expect(Math.round((parseDurationMs('40us') ?? NaN) * 1e6)).toBe(40_000)
    expect(Math.round((parseDurationMs('1ns') ?? NaN) * 1e6)).toBe(1)
    expect(parseDurationMs('soon')).toBeNull()
    expect(parseDurationMs('5')).toBeNull()
  })
})
