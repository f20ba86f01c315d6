/**
 * @module The scenario `oomkit simulate` runs without a file: the pre-checked data the bundle
 * carries (default-scenario-data.ts), or, run from the sources, seed 003's YAML parsed and
 * checked like any scenario file.
 */
import type { Scenario } from '../../sim/schema.ts'
import { PREVALIDATED_DEFAULT } from './default-scenario-data.ts'

/** The default scenario, parsed and checked (a fresh copy each call: a run may mutate it). */
export async function defaultScenario(): Promise<Scenario> {
  if (PREVALIDATED_DEFAULT !== null) return structuredClone(PREVALIDATED_DEFAULT)
  const { DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO_YAML } =
    await import('../../sim/default-scenario.ts')
  const { parseScenario } = await import('../../sim/load.ts')
  return parseScenario(DEFAULT_SCENARIO_YAML, DEFAULT_SCENARIO_NAME)
}
