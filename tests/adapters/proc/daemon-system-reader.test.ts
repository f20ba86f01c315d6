import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createSystemReader,
  meminfoFields,
  psiFields
} from '../../../src/adapters/proc/daemon-system-reader.ts'
import { parseMeminfo } from '../../../src/adapters/proc/proc-fields.ts'
import { parsePsi } from '../../../src/adapters/proc/parse-proc.ts'

const MEMINFO =
  'MemTotal:       24683652 kB\nMemFree:        20000000 kB\nMemAvailable:   23000000 kB\nSwapCached:            0 kB\nSwapTotal:       2097148 kB\nSwapFree:        1048576 kB\nAnonPages:        123456 kB\n'
const PSI =
  'some avg10=1.50 avg60=0.20 avg300=0.00 total=2398\nfull avg10=0.75 avg60=0.00 avg300=0.00 total=992\n'

describe("the daemon's kept-open meminfo and PSI reads", () => {
  it('picks the same fields as the general parsers', () => {
    expect(meminfoFields(MEMINFO)).toEqual(parseMeminfo(MEMINFO))
    // SwapCached must not be taken for SwapTotal, nor a missing field for anything but 0.
    expect(meminfoFields('MemTotal: 8 kB\n')).toEqual(parseMeminfo('MemTotal: 8 kB\n'))
    expect(psiFields(PSI)).toEqual(parsePsi(PSI))
    const old = PSI.split('\n')[0]! + '\n'
    expect(psiFields(old)).toEqual(parsePsi(old))
  })

  it('re-reads a changed file from the start, and says null for a missing one', () => {
    const root = mkdtempSync(join(tmpdir(), 'oomkit-sysreader-'))
    try {
      writeFileSync(join(root, 'meminfo'), MEMINFO)
      const r = createSystemReader(root)
      expect(r.meminfo()?.memAvailableKb).toBe(23000000)
      writeFileSync(join(root, 'meminfo'), MEMINFO.replace('23000000', '22999999'))
      expect(r.meminfo()?.memAvailableKb).toBe(22999999)
      expect(r.psi()).toBeNull()
      mkdirSync(join(root, 'pressure'))
      writeFileSync(join(root, 'pressure', 'memory'), PSI)
      expect(r.psi()?.full?.avg10).toBe(0.75)
      r.close()
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('agrees with a fresh read of the live /proc, read after read', () => {
    const r = createSystemReader()
    for (let i = 0; i < 3; i++) {
      const kept = r.meminfo()!
      const fresh = parseMeminfo(readFileSync('/proc/meminfo', 'utf8'))
      expect(kept.memTotalKb).toBe(fresh.memTotalKb)
      expect(Math.abs(kept.memAvailableKb - fresh.memAvailableKb)).toBeLessThan(256 * 1024)
    }
    if (existsSync('/proc/pressure/memory')) {
      const fresh = parsePsi(readFileSync('/proc/pressure/memory', 'utf8'))
      expect(r.psi()!.some.totalUs).toBeGreaterThanOrEqual(fresh.some.totalUs)
    }
    r.close()
  })
})
