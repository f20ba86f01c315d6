/**
 * @module Parser for /proc/zoneinfo: per node and zone, free pages, the min/low/high(/promo)
 * watermarks, boost, spanned/present/managed page counts and the lowmem_reserve[] array
 * (`protection:`), and the node's `node_unreclaimable`. All values are pages.
 */
import type { ZoneReading } from './host-source.ts'

/** Every zone block of /proc/zoneinfo, in file order. */
export function parseZoneinfo(text: string): ZoneReading[] {
  const zones: ZoneReading[] = []
  let cur: ZoneReading | null = null
  for (const raw of text.split('\n')) {
    const head = /^Node (\d+), zone\s+(\S+)/.exec(raw)
    if (head) {
      cur = {
        node: Number(head[1]),
        zone: head[2] as string,
        free: 0,
        min: 0,
        low: 0,
        high: 0,
        promo: null,
        boost: 0,
        spanned: 0,
        present: 0,
        managed: 0,
        protection: []
      }
      zones.push(cur)
      continue
    }
    if (cur === null) continue
    const line = raw.trim()
    const hopeless = /^node_unreclaimable:\s+(\d+)$/.exec(line)
    if (hopeless) cur.nodeUnreclaimable = hopeless[1] !== '0'
    const prot = /^protection: \(([^)]*)\)/.exec(line)
    if (prot) {
      cur.protection = (prot[1] as string).split(',').map(s => Number(s.trim()))
      continue
    }
    const kv = /^(?:pages )?(free|min|low|high|promo|boost|spanned|present|managed)\s+(\d+)$/.exec(
      line
    )
    if (kv) {
      const key = kv[1] as 'free' | 'min' | 'low' | 'high' | 'promo' | 'boost'
      ;(cur as unknown as Record<string, number>)[key] = Number(kv[2])
    }
  }
  return zones
}
