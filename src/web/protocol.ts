/**
 * @module The messages between the page and its Web Worker: a request to explain pasted report
 * text or to simulate a scenario, and the answers (plain data, structured-clone safe).
 */

/** A job for the worker. */
export type WebJob =
  | { kind: 'explain'; text: string; profile: string | null }
  | { kind: 'simulate'; yaml: string; name: string; profile: string | null }

/** What the page sends: a job and an `id` that pairs the answer with it. */
export type WebRequest = WebJob & { id: number }

/** One report's headline, for the page's summary. */
export interface ReportHeadline {
  index: number
  victim: { pid: number; comm: string } | null
  agrees: boolean | null
  reason: string | null
}

/** The simulation page's body (charts, OOM sections) and its chart data (src/html). */
export interface SimulationReport {
  body: string
  data: unknown
}

/** The worker's answer. */
export type WebAnswer =
  | {
      id: number
      kind: 'explain'
      text: string
      json: string
      reports: ReportHeadline[]
      /** The explain page's sections: rankings with score parts, memory, log excerpts. */
      reportHtml: string
      ms: number
    }
  | {
      id: number
      kind: 'simulate'
      lines: string[]
      /** The run stopped at the page's step cap. */
      truncated: boolean
      steps: number
      report: SimulationReport | null
      ms: number
    }
  | {
      id: number
      kind: 'error'
      message: string
      where: string | null
      line: number | null
      col: number | null
    }
  | { id: number; kind: 'progress'; fraction: number }

/** An answer as a job computes it: without the request id and the time taken. */
export type JobAnswer<K extends WebAnswer['kind']> = Omit<
  Extract<WebAnswer, { kind: K }>,
  'id' | 'ms'
>
