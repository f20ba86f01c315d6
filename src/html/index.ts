/**
 * @module The HTML pages: self-contained pages for `oomkit simulate --html` and
 * `oomkit explain --html`. Renderers are pure (`renderSimulationHtml`, `renderExplainHtml`);
 * `writeSimulationHtmlFile` / `writeExplainHtmlFile` read the chart library and write the file.
 */
export type * from './page-model.ts'
export { renderSimulationHtml } from './simulation-page.ts'
export { renderExplainHtml } from './explain-page.ts'
export { simulationPageFrom } from './from-sim.ts'
export { explainPageFrom } from './from-explain.ts'
export { loadAssets, loadAssetsSync } from './assets.ts'
export {
  writeSimulationHtmlFile,
  writeSimulationHtmlFileSync,
  writeSimulationPage,
  writeExplainHtmlFile
} from './write.ts'
export type { ExplainPageInput } from './write.ts'
