/**
 * @module Desktop notification through notify-send, only when a session bus exists
 * (DBUS_SESSION_BUS_ADDRESS, or /run/user/<uid>/bus) and notify-send is on PATH. Checked once.
 */
import { spawn } from 'node:child_process'
import { accessSync, constants, existsSync } from 'node:fs'
import { join } from 'node:path'

/** Why notifications are on or off, for the startup log. */
export interface Notifier {
  readonly enabled: boolean
  readonly why: string
  send(summary: string, body: string): void
}

function findOnPath(name: string, path: string | undefined): string | null {
  for (const dir of (path ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    const full = join(dir, name)
    try {
      accessSync(full, constants.X_OK)
      return full
    } catch {
      /* next */
    }
  }
  return null
}

export function createNotifier(
  enabled: boolean,
  env: Readonly<Record<string, string | undefined>>
): Notifier {
  const off = (why: string): Notifier => ({ enabled: false, why, send: () => undefined })
  if (!enabled) return off('disabled in the config')
  const uid = process.getuid?.() ?? 0
  const bus =
    env.DBUS_SESSION_BUS_ADDRESS ??
    (existsSync(`/run/user/${uid}/bus`) ? `unix:path=/run/user/${uid}/bus` : undefined)
  if (!bus) return off('no session bus (DBUS_SESSION_BUS_ADDRESS unset, no /run/user/<uid>/bus)')
  const exe = findOnPath('notify-send', env.PATH)
  if (!exe) return off('notify-send not found on PATH')
  return {
    enabled: true,
    why: `notify-send via ${bus}`,
    send(summary: string, body: string): void {
      try {
        const child = spawn(exe, ['--app-name=oomkit', '--urgency=critical', summary, body], {
          env: { ...env, DBUS_SESSION_BUS_ADDRESS: bus },
          stdio: 'ignore'
        })
        child.on('error', () => undefined)
        child.unref()
      } catch {
        /* notifications are best effort */
      }
    }
  }
}
