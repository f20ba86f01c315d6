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
import { isGzip } from '../../adapters/file/gzip.ts'
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

/**
 * The worker's messages, from its start on (a Worker drops messages nobody listens to), to
 * `handle` once there is one.
 */
function listen(worker: Worker): (handle: (m: Message | Error) => void) => void {
  const queue: (Message | Error)[] = []
  let handler: ((m: Message | Error) => void) | null = null
  const take = (m: Message | Error): void => {
    if (handler === null) queue.push(m)
    else handler(m)
  }
  worker.on('message', take)
  worker.on('error', take)
  worker.on('exit', code => take(new Error(`the scan thread exited (${code})`)))
  return handle => {
    handler = handle
    for (const m of queue.splice(0)) handle(m)
  }
}

/** Parse the ranges the worker posts, as they come; resolves when it is done. */
function parseAsPosted(
  messages: ReturnType<typeof listen>,
  source: ByteSource,
  options: ReportParserOptions,
  sink: EventSink
): Promise<void> {
  const parser = createRangeParser(source, options, sink)
  return new Promise((resolve, reject) => {
    messages(m => {
      try {
        if (m instanceof Error) reject(m)
        else if ('ranges' in m) for (const r of m.ranges) parser.add(r)
        else if ('done' in m) {
          parser.end()
          resolve()
        } else reject(Object.assign(new Error(m.error.message), { code: m.error.code }))
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    })
  })
}

/** A scan thread under way on a file, whose ranges this thread has still to parse. */
export interface ScanThread {
  /** Parse the ranges as the worker posts them, handing the events to `sink`. */
  parse(options: ReportParserOptions, sink: EventSink): Promise<void>
}

/**
 * Start scanning the file at `path` on a second thread, before the parser loads here; null
 * (nothing started) when it is not a regular file, is gzip or UTF-16, or the worker's script is
 * not there (the caller decides which files are large enough). Never throws: a file that cannot
 * be read is left to the one-thread path, which says why.
 */
export function startScanThread(path: string): ScanThread | null {
  const script = workerScript()
  if (script === null) return null
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return null
  }
  const st = fstatSync(fd)
  const source: ByteSource = {
    size: st.size,
    readInto: (into, offset, length, position) => readSync(fd, into, offset, length, position)
  }
  const head = st.isFile() ? readAt(source, 0, 64) : Buffer.alloc(0)
  if (head.length < 64 || isGzip(head) || utf16Order(head) !== null) {
    closeSync(fd)
    return null
  }
  const worker = new Worker(script, { workerData: { path } })
  const messages = listen(worker)
  return {
    async parse(options, sink) {
      try {
        await parseAsPosted(messages, source, options, sink)
      } finally {
        void worker.terminate()
        closeSync(fd)
      }
    }
  }
}
