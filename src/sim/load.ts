/**
 * @module Loading a scenario: YAML (or JSON) text -> a validated Scenario, or a ScenarioError
 * that points at `file:line:col` with what was expected. Parses with yaml.parseDocument and a
 * LineCounter so every zod issue and every broken reference maps back to its source position.
 * The schema turns every size into a page count here, once (src/sim/schema.ts).
 */
import { LineCounter, parseDocument } from 'yaml'
import { checkReferences } from './references/check-references.ts'
import { ScenarioSpec, type Scenario, type ScenarioFile } from './schema.ts'
import { messageFor } from './zod-messages.ts'
import { offsetOf, posOf, valueAt, type Located, type Path } from './yaml-positions.ts'

export { durationToNs, sizeToPages } from './size.ts'

/** A mistake in a scenario file, with its position. */
export class ScenarioError extends Error {
  readonly where: string
  /** Further mistakes found in the same pass (up to MAX_REPORTED in all), after this one. */
  readonly more: readonly { message: string; where: string }[]
  constructor(
    message: string,
    where: string,
    more: readonly { message: string; where: string }[] = []
  ) {
    super(message)
    this.name = 'ScenarioError'
    this.where = where
    this.more = more
  }
}

/** At most this many schema mistakes are reported at once. */
export const MAX_REPORTED = 20

/** Validate plain data and check its references; `at(path)` says where a mistake is. */
function validate(input: object, at: (path: Path, key?: string) => string): Scenario {
  const r = ScenarioSpec.safeParse(input)
  if (!r.success) {
    const found = r.error.issues.slice(0, MAX_REPORTED).map(issue => {
      const m = messageFor(issue, input)
      return { message: m.message, where: at(m.path, 'key' in m ? m.key : undefined) }
    })
    const [first = { message: 'invalid', where: at([]) }, ...more] = found
    throw new ScenarioError(first.message, first.where, more)
  }
  const shown = (path: Path): string => String(valueAt(input, path))
  checkReferences(r.data, (msg, path) => new ScenarioError(msg, at(path)), shown)
  return r.data
}

/** Parse and validate a scenario. Throws ScenarioError on the first mistake. */
export function parseScenario(text: string, file: string): Scenario {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true })
  const l: Located = { doc, lc, file }
  const err = doc.errors[0]
  if (err !== undefined) {
    const msg = err.message.split('\n')[0] ?? err.message
    throw new ScenarioError(
      `YAML syntax error: ${msg.replace(/ at line \d+, column \d+.*$/, '')}`,
      posOf(l, err.pos[0])
    )
  }
  const input: unknown = doc.toJS({ maxAliasCount: 100 })
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new ScenarioError(
      'expected a mapping with name, profile, machine and processes',
      `${file}:1:1`
    )
  return validate(input, (path, key) => posOf(l, offsetOf(l, path, key)))
}

/**
 * Validate a scenario built in code (a host snapshot, a conformance case): the same checks, with
 * mistakes placed at `name:path` (e.g. "snapshot:processes[2].pid").
 */
export function loadScenario(scenario: ScenarioFile, name = 'scenario'): Scenario {
  const where = (path: Path): string =>
    `${name}:${path.map(p => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`.replace(
      ':.',
      ':'
    )
  return validate(scenario, where)
}
