/**
 * @module The simulator's public API: load a scenario, run it in-process, check its `expect:`
 * block, and the built-in default scenario.
 */
export { parseScenario, loadScenario, ScenarioError, sizeToPages, durationToNs } from './load.ts'
export { runScenario, type RunOptions, type RunResult } from './runner.ts'
export { checkExpect, logText } from './expect.ts'
export { DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO_YAML } from './default-scenario.ts'
export { scenarioJsonSchema, type Scenario, type ScenarioFile } from './schema.ts'
export type { Samples } from './samples.ts'
export { noOomNote, type RunSummary } from './summary.ts'
export { traceToJsonLines, type TraceEvent } from './trace.ts'
