/**
 * @module The second thread of `oomkit explain FILE` on a large file: it scans the file for the
 * OOM anchors (`scanLineRanges`) and posts the ranges to parse, in batches, while the main thread
 * parses the ones it has (explain-scan-thread.ts). Loads the scanner only, no parser.
 *
 * Messages: `{ ranges: LineRange[] }` any number of times, then `{ done: true }`, or
 * `{ error: { message, code } }` when the file could not be read.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { withFileSource } from '../../adapters/file/file-source.ts'
import { scanLineRanges } from '../../explain/scan-ranges.ts'

const port = parentPort
if (port !== null) {
  try {
    const { path } = workerData as { path: string }
    withFileSource(path, source => scanLineRanges(source, ranges => port.postMessage({ ranges })))
    port.postMessage({ done: true })
  } catch (error) {
    const { message, code } = error as NodeJS.ErrnoException
    port.postMessage({ error: { message: String(message), code } })
  }
}
