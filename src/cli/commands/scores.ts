/** @module `oomkit scores`: rank this host's processes as the kernel would at an OOM. */
import type { Register } from '../register.ts'
import type { ScoresOptions } from './scores-run.ts'

export const registerScores: Register = (program, io, state) => {
  program
    .command('scores')
    .description(
      'Rank the processes of this host as the kernel would at an OOM, next to /proc oom_score'
    )
    .option('--json', 'machine output: {"processes": [...], "global": {...}, "cgroups": [...]}')
    .option('--watch', 'refresh in place like top (q quits)')
    .option('--interval <seconds>', 'refresh interval for --watch', '2')
    .option('--cgroup <path>', "only this memory cgroup's subtree (e.g. /system.slice)")
    .option('--profile <name>', 'kernel profile (default: from uname -r)')
    .option('--root <dir>', 'read a captured host tree instead of / (proc/, sys/fs/cgroup/...)')
    .option('--all', 'also list processes without memory (kernel threads, zombies)')
    .option('--top <n>', 'show only the first n processes')
    .action(async (o: ScoresOptions) => {
      const { runScores } = await import('./scores-run.ts')
      state.exitCode = await runScores(io, o)
    })
}
