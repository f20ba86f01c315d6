/**
 * @module The data the page shell embeds for its script: the worker's code, examples, profiles,
 * and the chart library (uPlot) for the simulation report frame.
 */
import type { HtmlAssets } from '../html/page-model.ts'

/** One example scenario, embedded at build time from examples/. */
export interface WebExample {
  name: string
  text: string
}

/** The JSON island `#oomkit-web-data`. */
export interface WebPageData {
  workerJs: string
  examples: WebExample[]
  profiles: string[]
  assets: HtmlAssets
}
