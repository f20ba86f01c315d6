/**
 * @module The daemon's log: one JSON object per line on stderr, in pino's shape (`level` as a
 * number, ISO `time`, `name`, the fields, `msg`; an `err` field as { type, message, stack }), so
 * the lines read the same as before, without loading pino (~0.5 MiB less idle RSS, bundled:
 * docs/daemon.md, "Footprint"). Synchronous writes: a line is out before the next step runs.
 */

/** pino's level numbers. */
const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const
export type LogLevel = keyof typeof LEVELS

/** What the daemon logs through (a pino logger fits it too, as tests use). */
export interface Logger {
  debug(fields: object, msg: string): void
  info(fields: object, msg: string): void
  warn(fields: object, msg: string): void
  error(fields: object, msg: string): void
  isLevelEnabled(level: string): boolean
}

/** An Error as pino's standard serializer shows it. */
function serialise(_key: string, value: unknown): unknown {
  if (value instanceof Error)
    return { type: value.name, message: value.message, stack: value.stack }
  return typeof value === 'bigint' ? String(value) : value
}

/** A logger writing JSON lines at `level` and above to `out`. */
export function jsonLogger(
  level: string,
  name: string,
  out: { write(chunk: string): unknown }
): Logger {
  const min = LEVELS[level as LogLevel] ?? LEVELS.info
  const at =
    (n: number) =>
    (fields: object, msg: string): void => {
      if (n < min) return
      const line = { level: n, time: new Date().toISOString(), name, ...fields, msg }
      line.level = n // a field named level never replaces it
      out.write(JSON.stringify(line, serialise) + '\n')
    }
  return {
    debug: at(LEVELS.debug),
    info: at(LEVELS.info),
    warn: at(LEVELS.warn),
    error: at(LEVELS.error),
    isLevelEnabled: l => (LEVELS[l as LogLevel] ?? Infinity) >= min
  }
}
