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

/** The worker's answer. */
export type WebAnswer =
  | {
      id: number
      kind: 'explain'
      text: string
      json: string
      reports: ReportHeadline[]
      ms: number
    }
  | { id: number; kind: 'simulate'; lines: string[]; truncated: boolean; ms: number }
  | {
      id: number
      kind: 'error'
      message: string
      where: string | null
      line: number | null
      col: number | null
    }
  | { id: number; kind: 'progress'; fraction: number }
