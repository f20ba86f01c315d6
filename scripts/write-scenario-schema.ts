/**
 * @module Regenerates schema/scenario.schema.json from the simulator's zod schema:
 * `npx tsx scripts/write-scenario-schema.ts`. tests/sim/schema.test.ts fails when the file is stale.
 */
import { writeFileSync } from 'node:fs'
import { scenarioJsonSchema } from '../src/sim/schema.ts'

writeFileSync(
  new URL('../schema/scenario.schema.json', import.meta.url),
  JSON.stringify(scenarioJsonSchema(), null, 2) + '\n'
)
