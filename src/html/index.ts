/**
 * @module The HTML report: self-contained pages for `oomkit simulate --html` and
 * `oomkit explain --html`. Renderers are pure (`renderSimulationHtml`, `renderExplainHtml`);
 * `writeSimulationReport` / `writeExplainReport` read the chart library and write the file.
 */
export type * from './model.ts'
export { renderSimulationHtml } from './simulation-page.ts'
export { renderExplainHtml } from './explain-page.ts'
export { simulationPageFrom } from './from-sim.ts'
export { explainPageFrom } from './from-explain.ts'
export { loadAssets, loadAssetsSync } from './assets.ts'
export {
  writeSimulationReport,
  writeSimulationReportSync,
  writeSimulationPage,
  writeExplainReport
} from './write.ts'
export type { ExplainReportInput } from './write.ts'
