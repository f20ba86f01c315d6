/**
 * @module `oomkit explain [FILE|-]`: read kernel log text (a file, or stdin with `-` or when
 * stdin is not a terminal), find every OOM report in it, replay the victim selection and explain
 * it: human text by default, `{"reports": [...]}` with --json. `--profile NAME` overrides the
 * guessed kernel profile. A gzip file or stream is read as the text inside it. Exit 0 when the input was read (even with no OOM in it), 2 when it
 * could not be read.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { profileNames, findProfile } from '../../kernel/profiles.ts'
import type { ReportParserOptions } from '../../explain/parser.ts'
import type { EventSink } from '../../explain/event-sink.ts'
import { EXIT, UserError } from '../../errors.ts'
import type { CliIO } from '../io.ts'
import type { Register } from '../register.ts'

interface ExplainOptions {
  json?: boolean
  profile?: string
  html?: string
  follow?: boolean
}

async function readStdin(io: CliIO): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of io.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  }
  return Buffer.concat(chunks)
}

function ioError(error: unknown, file: string): UserError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new UserError('no such file', { where: file })
  if (code === 'EISDIR') return new UserError('is a directory', { where: file })
  if (code === 'EACCES') return new UserError('permission denied', { where: file })
  return new UserError(`cannot read: ${String((error as Error).message)}`, { where: file })
}

/** The whole input as bytes (the HTML page embeds the text). */
async function readAll(file: string | undefined, io: CliIO): Promise<Buffer> {
  if (file === undefined || file === '-') {
    if (file === undefined && io.stdin.isTTY === true)
      throw new UserError('explain needs a FILE, or log text on stdin (use - to read stdin)')
    return readStdin(io)
  }
  try {
    return await readFile(resolve(io.cwd, file))
  } catch (error) {
    throw ioError(error, file)
  }
}

/** The input as bytes, decompressed when it is gzip. */
async function readAllText(file: string | undefined, io: CliIO): Promise<Buffer> {
  const { gunzipIfNeeded } = await import('../../adapters/file/gzip.ts')
  return gunzipIfNeeded(await readAll(file, io))
}

/** Stdin as chunks: the real descriptor 0 is read into one reused buffer (flat memory). */
async function stdinChunks(io: CliIO): Promise<AsyncIterable<Buffer | string>> {
  const stdin = io.stdin as AsyncIterable<Buffer | string> & { fd?: unknown }
  if (stdin.fd !== 0) return stdin
  const { reopenStdin } = await import('../../adapters/file/fd-chunks.ts')
  return reopenStdin() ?? stdin
}

/**
 * Parse the named file, or stdin for "-" / no file on a non-terminal stdin, handing the events
 * to `sink` as they complete.
 */
async function parseInput(
  file: string | undefined,
  io: CliIO,
  options: ReportParserOptions,
  sink: EventSink
): Promise<void> {
  const { withFileSource } = await import('../../adapters/file/file-source.ts')
  const { parseSource } = await import('../../explain/parse-source.ts')
  if (file === undefined || file === '-') {
    if (file === undefined && io.stdin.isTTY === true)
      throw new UserError('explain needs a FILE, or log text on stdin (use - to read stdin)')
    const { maybeGunzip } = await import('../../adapters/file/gzip.ts')
    const { parseStream } = await import('../../explain/stream-input.ts')
    try {
      await parseStream(maybeGunzip(await stdinChunks(io)), options, sink)
      return
    } catch (error) {
      // A damaged gzip stream (zlib's Z_DATA_ERROR ...) is one line, as for a file.
      if ((error as NodeJS.ErrnoException).code !== undefined) throw ioError(error, '-')
      throw error
    }
  }
  try {
    const path = resolve(io.cwd, file)
    const { gunzipFile, isGzipFile } = await import('../../adapters/file/gzip.ts')
    if (isGzipFile(path)) {
      const { parseStream } = await import('../../explain/stream-input.ts')
      await parseStream(gunzipFile(path), options, sink)
      return
    }
    withFileSource(path, source => parseSource(source, options, sink))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== undefined) throw ioError(error, file)
    throw error
  }
}

export const registerExplain: Register = (program, io, state) => {
  program
    .command('explain')
    .description('Read real kernel OOM reports, replay the selection and say why the victim died')
    .argument('[file]', 'kernel log text (dmesg, syslog, journalctl, /dev/kmsg); - for stdin')
    .option('--json', 'machine output: {"reports": [...]}')
    .option('--profile <name>', `kernel profile to replay with (${profileNames.join(', ')})`)
    .option('--html <file>', 'also write a self-contained HTML report to FILE')
    .option(
      '--follow',
      'follow /dev/kmsg (or - : stdin as a growing stream) and explain each OOM as it ends'
    )
    .action(async (file: string | undefined, opts: ExplainOptions) => {
      let profile
      if (opts.profile !== undefined) {
        profile = findProfile(opts.profile)
        if (!profile)
          throw new UserError(
            `unknown profile "${opts.profile}" (known: ${profileNames.join(', ')})`
          )
      }
      const options = profile ? { profile } : {}
      if (opts.follow === true) {
        const { runFollow } = await import('./explain-follow.ts')
        await runFollow(file, io, { json: opts.json === true, ...options })
        state.exitCode = EXIT.ok
        return
      }
      // The parser, replay and HTML renderer load only when this command runs.
      if (opts.html !== undefined) {
        const { buildExplainModel, modelToJson } = await import('../../explain/explain-model.ts')
        const { explainText } = await import('../../explain/explain-text.ts')
        const { parseBuffer } = await import('../../explain/read-input.ts')
        const { writeExplainHtmlFile } = await import('../../html/write.ts')
        const buf = await readAllText(file, io)
        const events = parseBuffer(buf, options)
        const model = buildExplainModel(events, profile)
        await writeExplainHtmlFile(resolve(io.cwd, opts.html), {
          model,
          events,
          text: buf,
          source: file ?? '-'
        })
        io.stdout.write(opts.json === true ? modelToJson(model) + '\n' : explainText(model))
        state.exitCode = EXIT.ok
        return
      }
      // Each report is explained and written as soon as it is parsed, then dropped.
      const { createExplainOutput } = await import('../../explain/explain-output.ts')
      const output = createExplainOutput(opts.json === true, t => io.stdout.write(t), profile)
      await parseInput(file, io, options, events => output.add(events))
      output.end()
      state.exitCode = EXIT.ok
    })
}
