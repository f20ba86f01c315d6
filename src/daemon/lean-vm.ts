/**
 * @module V8 settings the daemon applies to itself when it starts (not for `--check` or the other
 * commands): `--no-opt` keeps V8's optimising compiler (TurboFan) out of the process, so its code
 * in node's binary is never paged in: ~3.5 MB less idle RSS for a loop that mostly waits on /proc
 * reads (the interpreter and the Sparkplug baseline compiler still run). `--optimize-for-size`
 * makes V8 grow its old generation by small steps and collect it sooner: under process churn
 * (1,000 starts a second, 100 KB command lines) the scans' short-lived strings are promoted out of
 * the 1 MiB young generation, and with V8's default growth the old generation doubled before its
 * first full collection (+20.9 MiB of RSS after 60 s; +7.1 MiB with the flag, same test). bin/oomkit.js applies
 * them first thing, before the CLI's modules load (set later, TurboFan has already run on the
 * module loader); at run time because `--no-opt` cannot go through NODE_OPTIONS and re-executing
 * node would change the daemon's PID under systemd. docs/daemon.md, "Footprint".
 */
import { setFlagsFromString } from 'node:v8'

/** The V8 flags `oomkit daemon` sets for itself. */
export const DAEMON_V8_FLAGS: readonly string[] = ['--no-opt', '--optimize-for-size']

/**
 * What the packaged units put in NODE_OPTIONS: V8 sizes its young generation at start-up only
 * (setting it at run time does nothing), and under process churn (a scan reading hundreds of
 * short-lived processes every 500 ms) the default lets it grow to 32 MiB of RSS; capped at 1 MiB
 * semi-spaces the daemon stays within a few MiB of idle (docs/daemon.md, "Footprint").
 */
export const DAEMON_NODE_OPTIONS = '--max-semi-space-size=1'

/** Apply DAEMON_V8_FLAGS; call before the daemon's own modules load and run. */
export function leanVm(): void {
  for (const flag of DAEMON_V8_FLAGS) setFlagsFromString(flag)
}
