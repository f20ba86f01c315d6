/**
 * @module `oomkit explain --follow [-]`: read /dev/kmsg (new records only), or stdin as a
 * growing stream (`journalctl -k -f | oomkit explain --follow -`), and explain each OOM as the
 * kernel finishes it: one JSON object per line with --json (the schema's shape, one report
 * each), the text otherwise. Runs until the input ends (or SIGINT).
 */
import { createInterface } from 'node:readline'
import type { KernelProfile } from '../../kernel/profiles.ts'
import type { ExplainModel } from '../../explain/explain-model.ts'
import type { CliIO } from '../io.ts'

/** A report is complete once the log has been quiet this long after it. */
const QUIET_MS = 150

export interface FollowOptions {
  json: boolean
  profile?: KernelProfile
  /** Ends the follow (tests). */
  signal?: AbortSignal
}

/** The input lines: stdin for "-", else /dev/kmsg (or the named kmsg-format device). */
async function* linesOf(file: string | undefined, io: CliIO, signal?: AbortSignal) {
  if (file === '-') {
    yield* createInterface({ input: io.stdin, crlfDelay: Infinity })
    return
  }
  const { kmsgLines, uptimeUsec } = await import('../../adapters/kmsg/kmsg-lines.ts')
  yield* kmsgLines(await uptimeUsec(), signal, file ?? '/dev/kmsg')
}

export async function runFollow(
  file: string | undefined,
  io: CliIO,
  opts: FollowOptions
): Promise<void> {
  const { createFollower } = await import('../../explain/follow.ts')
  const { explainText } = await import('../../explain/explain-text.ts')
  const { modelToLine } = await import('../../explain/explain-model.ts')
  const follower = createFollower(opts.profile)
  const print = (m: ExplainModel): void => {
    if (m.reports.length === 0) return
    if (opts.json) for (const r of m.reports) io.stdout.write(modelToLine(m, r) + '\n')
    else io.stdout.write(explainText(m))
  }
  let timer: NodeJS.Timeout | undefined
  for await (const line of linesOf(file, io, opts.signal)) {
    clearTimeout(timer)
    if (line.startsWith('oomkit: ')) io.stderr.write(`${line}\n`)
    print(follower.push(line))
    timer = setTimeout(() => print(follower.idle()), QUIET_MS)
  }
  clearTimeout(timer)
  print(follower.idle())
}
