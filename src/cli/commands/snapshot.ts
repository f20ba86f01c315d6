/** @module `oomkit snapshot`: this host as a scenario for `oomkit simulate`, with what-if edits. */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { profileNames } from '../../kernel/profiles.ts'
import { describeFsError, writeFileAtomicSync } from '../../adapters/file/atomic-write.ts'
import { profileOption } from '../profile-option.ts'
import { EXIT, UserError } from '../../errors.ts'
import type { CliIO } from '../io.ts'
import type { Register } from '../register.ts'

interface SnapshotOptions {
  output?: string
  root?: string
  profile?: string
  cgroup?: string
  grow: string[]
  setAdj: string[]
  limit: string[]
}

/** The scenario on stdout, or in FILE through a temporary file and a rename. */
function writeOutput(io: CliIO, output: string | undefined, text: string): void {
  if (output === undefined) {
    io.stdout.write(text)
    return
  }
  try {
    writeFileAtomicSync(resolve(io.cwd, output), text)
  } catch (error) {
    throw new UserError(`cannot write the snapshot: ${describeFsError(error)}`, { where: output })
  }
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

export const registerSnapshot: Register = (program, io, state) => {
  program
    .command('snapshot')
    .description(
      'Write this host (machine, sysctls, cgroups, processes) as a scenario for what-if runs'
    )
    .option('-o, --output <file>', 'write the scenario here (.yaml, or .json) instead of stdout')
    .option('--root <dir>', 'read a captured host tree instead of /')
    .option('--profile <name>', 'kernel profile (default: from uname -r)')
    .option('--cgroup <path>', 'only processes and cgroups in this memory cgroup subtree')
    .option(
      '--grow <pid=size>',
      'what if PID (or its thread PID/TID, or TID) grew by SIZE, in STEP steps if @STEP (e.g. 1234=+4GiB, 1234/1240=oom@1M)',
      collect,
      []
    )
    .option('--set-adj <pid=value>', "what if PID's oom_score_adj were VALUE", collect, [])
    .option('--limit <cgroup=size>', "what if CGROUP's memory limit were SIZE", collect, [])
    .action(async (o: SnapshotOptions) => {
      // The host scanner, scenario writer and yaml load only when this command runs.
      const [
        yamlModule,
        { LiveHostSource },
        { chooseProfile },
        { scanHost },
        { snapshotScenario },
        { applyGrow, applyLimit, applySetAdj, WhatIfError }
      ] = await Promise.all([
        import('yaml'),
        import('../../adapters/proc/live-host-source.ts'),
        import('../../host/ranking.ts'),
        import('../../host/scan.ts'),
        import('../../host/snapshot.ts'),
        import('../../host/what-if.ts')
      ])
      // In the bundle, yaml (CommonJS) arrives as the default export of its chunk.
      const { stringify } = yamlModule.default
      const root = o.root === undefined ? '/' : resolve(io.cwd, o.root)
      if (!existsSync(resolve(root, 'proc'))) {
        throw new UserError(`${o.root ?? root}: no proc/ directory here (not a host tree)`)
      }
      const reading = scanHost(new LiveHostSource(root))
      const named = o.profile === undefined ? undefined : profileOption(o.profile, io.stderr).name
      const profile = chooseProfile(reading, named)
      if (profile === null) {
        throw new UserError(
          `unknown profile '${o.profile ?? ''}' (known: ${profileNames.join(', ')}, or a release like 6.8.0)`
        )
      }
      const cgroup = o.cgroup === undefined ? undefined : o.cgroup.replace(/\/+$/, '') || '/'
      if (cgroup !== undefined && !(reading.memcgs?.groups.some(g => g.path === cgroup) ?? false)) {
        throw new UserError(`--cgroup ${o.cgroup ?? ''}: no such memory cgroup on this host`)
      }
      const scenario = snapshotScenario(reading, profile, {
        ...(cgroup === undefined ? {} : { cgroup }),
        note: `at ${new Date().toISOString()}`
      })
      try {
        for (const a of o.setAdj) applySetAdj(scenario, a)
        for (const a of o.limit) applyLimit(scenario, a)
        for (const a of o.grow) applyGrow(scenario, a)
      } catch (error) {
        if (error instanceof WhatIfError) throw new UserError(error.message)
        throw error
      }
      const json = o.output?.endsWith('.json') === true
      const text = json
        ? JSON.stringify(scenario, null, 2) + '\n'
        : `# oomkit snapshot of ${reading.source} (run it: oomkit simulate FILE)\n` +
          stringify(scenario, { lineWidth: 0 })
      writeOutput(io, o.output, text)
      state.exitCode = EXIT.ok
    })
}
