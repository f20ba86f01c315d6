/** @module The data the page shell embeds for its script: the worker's code, examples, profiles. */

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
}
