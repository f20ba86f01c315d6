/**
 * @module `oomkit explain FILE` on a large regular file with two threads: a worker scans the file
 * (explain-scan-worker.ts) and posts the ranges around the OOM anchors as it finds them, while
 * this thread parses and explains each at once. The ranges, their order and the parser are
 * those of the one-thread path (`parseSource`), so the output is the same byte for byte.
 *
 * Only from the bundle (the worker is `dist/explain-scan-worker.js`), and only for files large
 * enough that the scan outlasts the worker's start-up.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ByteSource } from '../../adapters/file/byte-source.ts'
import { utf16Order } from '../../explain/decode.ts'
import type { EventSink } from '../../explain/event-sink.ts'
import type { LineRange } from '../../explain/line-ranges.ts'
import { createRangeParser } from '../../explain/parse-source.ts'
import type { ReportParserOptions } from '../../explain/parser.ts'
import { readAt } from '../../explain/scan-source.ts'

type Message =
  { ranges: LineRange[] } | { done: true } | { error: { message: string; code?: string } }

/** The worker's script next to the bundle's chunks, or null when running from the sources. */
function workerScript(): string | null {
  const url = new URL('../explain-scan-worker.js', import.meta.url)
  return url.protocol === 'file:' && existsSync(url) ? fileURLToPath(url) : null
}

/** Parse the ranges the worker posts, as they come; resolves when it is done. */
function parseAsPosted(
  worker: Worker,
  source: ByteSource,
  options: ReportParserOptions,
  sink: EventSink
): Promise<void> {
  const parser = createRangeParser(source, options, sink)
  return new Promise((resolve, reject) => {
    worker.on('message', (m: Message) => {
      try {
        if ('ranges' in m) for (const r of m.ranges) parser.add(r)
        else if ('done' in m) {
          parser.end()
          resolve()
        } else reject(Object.assign(new Error(m.error.message), { code: m.error.code }))
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    })
    worker.on('error', reject)
    worker.on('exit', code => reject(new Error(`the scan thread exited (${code})`)))
  })
}

/**
 * Parse the file at `path` with the scan on a second thread, handing the events to `sink`;
 * false (nothing done) when it is not a regular file, is UTF-16, or the worker's script is not
 * there (the caller decides which files are large enough). I/O errors are thrown as Node errors.
 */
export async function parseWithScanThread(
  path: string,
  options: ReportParserOptions,
  sink: EventSink
): Promise<boolean> {
  const script = workerScript()
  if (script === null) return false
  const fd = openSync(path, 'r')
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) return false
    const source: ByteSource = {
      size: st.size,
      readInto: (into, offset, length, position) => readSync(fd, into, offset, length, position)
    }
    if (utf16Order(readAt(source, 0, 64)) !== null) return false
    const worker = new Worker(script, { workerData: { path } })
    try {
      await parseAsPosted(worker, source, options, sink)
    } finally {
      void worker.terminate()
    }
    return true
  } finally {
    closeSync(fd)
  }
}
