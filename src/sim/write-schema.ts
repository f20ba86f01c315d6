/**
 * @module Regenerates schema/scenario.schema.json from the zod schema when imported:
 * `npx tsx src/sim/write-schema.ts`. A test fails when the file is stale.
 */
import { writeFileSync } from 'node:fs'
import { scenarioJsonSchema } from './schema.ts'

writeFileSync(
  new URL('../../schema/scenario.schema.json', import.meta.url),
  JSON.stringify(scenarioJsonSchema(), null, 2) + '\n'
)
