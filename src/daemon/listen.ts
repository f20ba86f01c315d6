/**
 * @module The metrics endpoint's address: "HOST:PORT", "[IPv6]:PORT" or "PORT", and whether a
 * host is loopback (127.0.0.0/8, ::1, localhost, and their IPv4-mapped IPv6 forms such as
 * ::ffff:127.0.0.1). Light on purpose: `--check` validates the address without loading prom-client.
 */
import { BlockList, isIP } from 'node:net'
import { UserError } from '../errors.ts'

/** "127.0.0.1:9464" / "[::1]:9464" / "9464" -> host and port. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen) ?? /^()()(\d+)$/.exec(listen)
  if (!m) throw new UserError(`metrics.listen: expected host:port, got "${listen}"`)
  const port = Number(m[3])
  if (port > 65535) throw new UserError(`metrics.listen: port ${port} is out of range`)
  const host = m[1] || m[2] || '127.0.0.1'
  if (m[1] && isIP(m[1]) !== 6)
    throw new UserError(`metrics.listen: "[${m[1]}]" is not an IPv6 address`)
  return { host, port }
}

const loopback = new BlockList()
loopback.addSubnet('127.0.0.0', 8, 'ipv4')
loopback.addAddress('::1', 'ipv6')

/** 127.0.0.0/8, ::1 and localhost; an IPv4-mapped IPv6 address counts as its IPv4 address. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true
  const family = isIP(host)
  if (family === 4) return loopback.check(host, 'ipv4')
  if (family !== 6) return false
  const mapped = /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host)
  if (mapped?.[1]) return loopback.check(mapped[1], 'ipv4')
  return loopback.check(host, 'ipv6')
}

/** Parse and check the address as the listener will: a UserError when it would be refused. */
export function checkListen(
  listen: string,
  allowNonLoopback: boolean
): { host: string; port: number } {
  const parsed = parseListen(listen)
  if (!allowNonLoopback && !isLoopback(parsed.host))
    throw new UserError(
      `metrics.listen: ${parsed.host} is not a loopback address (set metrics.allowNonLoopback to bind it)`
    )
  return parsed
}
