/**
 * @module The built-in default scenario, already parsed and checked. In the sources it is null
 * (the scenario is parsed from its YAML when asked for); the shipped bundle replaces this module
 * with the checked scenario as data (scripts/build.ts), so `oomkit simulate` without a file loads
 * neither the YAML parser nor the schema library.
 */
import type { Scenario } from '../../sim/schema.ts'

export const PREVALIDATED_DEFAULT: Scenario | null = null
