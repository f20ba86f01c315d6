/**
 * @module `oomkit explain`'s output written as the events come (stdin and large files in flat
 * memory): each event is explained and written as soon as the parser hands it over, then
 * dropped. The bytes are those of `modelToJson(buildExplainModel(all))` and
 * `explainText(...)` over the whole input: `--json` writes the `{"reports": [...]}` document
 * element by element; the text keeps only each report's finished section (a few hundred
 * bytes) until the end, where the count heads it.
 */
import type { KernelProfile } from '../kernel/profiles.ts'
import { createModelBuilder, EXPLAIN_JSON_VERSION, emptyModel } from './explain-model.ts'
import type { ExplainModel } from './explain-model.ts'
import { explainDocument, reportSection } from './explain-text.ts'
import type { OomEvent } from './oom-event.ts'

/** Takes events in input order; `end()` writes what only the whole input decides. */
export interface ExplainOutput {
  add(events: readonly OomEvent[]): void
  end(): void
}

const bigintAsNumber = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v)

/**
 * JSON.stringify(value, bigintAsNumber, 2): the same text, from V8's native path (no call into
 * JavaScript per value) unless the value holds a bigint (an unlimited memcg limit), which makes
 * the native path throw.
 */
function indentedJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2)
  } catch (error) {
    if (!(error instanceof TypeError)) throw error
    return JSON.stringify(value, bigintAsNumber, 2)
  }
}

/**
 * `value` as JSON.stringify(..., 2) prints it as an array element `depth` levels deep: it is
 * stringified inside as many one-element arrays and cut out, so V8 indents it natively.
 */
function nestedJson(value: unknown, depth: number): string {
  let wrapped = value
  for (let i = 0; i < depth; i++) wrapped = [wrapped]
  const text = indentedJson(wrapped)
  // Each level adds "[\n" and its indentation before, "\n", the indentation and "]" after.
  return text.slice(depth * depth + 3 * depth, text.length - depth * depth - depth)
}

/** The JSON document, written report by report. */
function jsonOutput(write: (s: string) => void, profile?: KernelProfile): ExplainOutput {
  const builder = createModelBuilder(profile)
  const failures: ExplainModel['allocationFailures'] = []
  let count = 0
  return {
    add(events) {
      const model = emptyModel()
      builder.add(events, model)
      failures.push(...model.allocationFailures)
      for (const r of model.reports) {
        const head = count === 0 ? `{\n  "version": ${EXPLAIN_JSON_VERSION},\n  "reports": [` : ','
        write(`${head}\n    ${nestedJson(r, 2)}`)
        count++
      }
    },
    end() {
      const head =
        count === 0 ? `{\n  "version": ${EXPLAIN_JSON_VERSION},\n  "reports": [],` : '\n  ],'
      write(`${head}\n  "allocationFailures": ${nestedJson(failures, 1)}\n}\n`)
    }
  }
}

/** The human text: each report's section kept as text, the whole written at the end. */
function textOutput(write: (s: string) => void, profile?: KernelProfile): ExplainOutput {
  const builder = createModelBuilder(profile)
  const failures: ExplainModel['allocationFailures'] = []
  const sections: string[][] = []
  return {
    add(events) {
      const model = emptyModel()
      builder.add(events, model)
      failures.push(...model.allocationFailures)
      for (const r of model.reports) sections.push(reportSection(r))
    },
    end() {
      write(explainDocument(sections, failures))
    }
  }
}

/** An output for `--json` or the text, writing through `write`. */
export function createExplainOutput(
  json: boolean,
  write: (s: string) => void,
  profile?: KernelProfile
): ExplainOutput {
  return json ? jsonOutput(write, profile) : textOutput(write, profile)
}
