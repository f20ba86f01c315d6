/** @module `oomkit daemon`: the userspace OOM killer (see src/daemon and docs/daemon.md). */
import type { Register } from '../register.ts'
import { EXIT, UserError } from '../../errors.ts'
import type { DaemonConfig } from '../../daemon/config-schema.ts'
import type { DaemonFlags } from '../../daemon/overrides.ts'
import { resolve } from 'node:path'

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

interface Options extends DaemonFlags {
  config?: string
  check?: boolean
  json?: boolean
  ffi?: boolean
}

export const registerDaemon: Register = (program, io, state) => {
  program
    .command('daemon')
    .description('A userspace OOM killer that acts before the kernel does')
    .option('-c, --config <file>', 'YAML config (see docs/daemon.md)')
    .option('--check', 'validate the config, print what would be watched, and exit')
    .option('--json', 'with --check: machine output')
    .option('--dry-run', 'decide and journal, but signal nothing')
    .option('--sort-by <key>', 'victim order: badness (kernel, default), rss, swap, growth')
    .option('-m, --mem <term[,kill]>', 'MemAvailable thresholds, e.g. 10%,5% or 512M,256M')
    .option('-s, --swap <term[,kill]>', 'SwapFree thresholds')
    .option('--cgroup <dir[=term,kill]>', 'watch a memory cgroup directory (repeatable)', collect)
    .option('--journal <file>', 'append the JSON-lines kill journal here')
    .option('--metrics <host:port|off>', 'serve Prometheus metrics (loopback)')
    .option('--prefer <regex>', 'prefer victims whose name matches (repeatable)', collect)
    .option('--avoid <regex>', 'avoid victims whose name matches (repeatable)', collect)
    .option('--ignore <regex>', 'never kill processes whose name matches (repeatable)', collect)
    .option('--pre-kill <command>', 'run before each kill (victim in OOMKIT_* env vars)')
    .option('--post-kill <command>', 'run after each kill')
    .option('--profile <name>', 'kernel profile for badness (default: this kernel)')
    .option('--log-level <level>', 'debug, info, warn, error')
    .option('--no-ffi', 'do not load koffi: signal with kill(2), no process_mrelease/mlockall')
    .action(async (opts: Options) => {
      // The running daemon's log is JSON lines already; --json only shapes --check's report.
      if (opts.json && !opts.check)
        throw new UserError('--json goes with --check (the running daemon always logs JSON lines)')
      // Only the daemon's own code loads (not the other commands'), and zod + yaml only when
      // there is a config file: idle RSS matters here (docs/daemon.md, "Footprint").
      const [{ applyFlags }, { validateConfig }, { createLiveSource }] = await Promise.all([
        import('../../daemon/overrides.ts'),
        import('../../daemon/config-validate.ts'),
        import('../../adapters/proc/live-memory-source.ts')
      ])
      const file = opts.config ? resolve(io.cwd, opts.config) : null
      const configLoad = file ? await import('../../daemon/config-load.ts') : null
      // The start, each SIGHUP and --check validate alike: --check passing means a start works.
      const load = (): DaemonConfig => {
        const config = applyFlags(file && configLoad ? configLoad.loadConfigFile(file) : null, opts)
        const m = createLiveSource().meminfo()
        validateConfig(config, {
          memTotalKb: m.memTotalKb || null,
          swapTotalKb: m.swapTotalKb || null
        })
        return config
      }
      const config = load()
      const { resolveProfile, runDaemon } = await import('../../daemon/run.ts')
      if (opts.check) {
        const [{ checkConfig }, { createHostMemorySource }, { LiveHostSource }] = await Promise.all(
          [
            import('../../daemon/check.ts'),
            import('../../adapters/proc/host-memory-source.ts'),
            import('../../adapters/proc/live-host-source.ts')
          ]
        )
        const profile = resolveProfile(config.profile)
        const report = checkConfig(
          config,
          profile.name,
          createHostMemorySource(new LiveHostSource('/'))
        )
        if (opts.json) io.stdout.write(JSON.stringify(report) + '\n')
        else {
          io.stdout.write(`${file ?? '(defaults)'}: configuration OK\n`)
          for (const line of report.lines) io.stdout.write(`  ${line}\n`)
          for (const w of report.warnings) io.stderr.write(`oomkit: warning: ${w}\n`)
        }
        state.exitCode = EXIT.ok
        return
      }
      state.exitCode = await runDaemon({
        config,
        reload: file ? load : null,
        io,
        ffi: opts.ffi === false ? 'fallback' : 'auto'
      })
    })
}
