/**
 * @module Loading the YAML config: refuse a file others could have written (as sshd does) or an
 * empty one, parse with positions (yaml's LineCounter), validate with zod, and turn the first
 * problem into a `file:line:col: message` UserError.
 */
import { closeSync, fstatSync, openSync, readFileSync, realpathSync, statSync } from 'node:fs'
import type { Stats } from 'node:fs'
import { dirname } from 'node:path'
import { LineCounter, isMap, isNode, isScalar, parseDocument } from 'yaml'
import { UserError } from '../errors.ts'
import { configSchema } from './config-schema.ts'
import type { DaemonConfig } from './config-schema.ts'

/** Where a YAML path points in the text: "line:col" (1-based), or null. */
function positionOf(
  doc: ReturnType<typeof parseDocument>,
  counter: LineCounter,
  path: readonly PropertyKey[]
): string | null {
  // Walk down as far as the path exists; report the deepest node (or its key) found.
  for (let len = path.length; len >= 0; len--) {
    const node: unknown = doc.getIn(path.slice(0, len) as unknown[], true)
    if (isNode(node) && node.range) {
      const pos = counter.linePos(node.range[0])
      return `${pos.line}:${pos.col}`
    }
  }
  return null
}

/** Parse and validate config text; errors name `file:line:col`. */
export function parseConfig(text: string, file: string): DaemonConfig {
  const counter = new LineCounter()
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false })
  const yamlError = doc.errors[0]
  if (yamlError) {
    const pos = counter.linePos(yamlError.pos[0])
    const where = `${file}:${pos.line}:${pos.col}`
    throw new UserError(yamlError.message.split('\n')[0] ?? 'invalid YAML', { where })
  }
  const raw: unknown = doc.toJS() ?? {}
  const result = configSchema.safeParse(raw)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  if (!issue) throw new UserError('invalid configuration', { where: file })
  const key = issue.path.map(String).join('.')
  let pos = positionOf(doc, counter, issue.path)
  if (issue.code === 'unrecognized_keys') {
    // Point at the unknown key itself rather than at the map holding it.
    const map = issue.path.length ? doc.getIn(issue.path as unknown[], true) : doc.contents
    if (isMap(map)) {
      const pair = map.items.find(i => isScalar(i.key) && i.key.value === issue.keys[0])
      if (pair && isScalar(pair.key) && pair.key.range) {
        const p = counter.linePos(pair.key.range[0])
        pos = `${p.line}:${p.col}`
      }
    }
  }
  let message = issue.message
  if (issue.code === 'unrecognized_keys')
    message = `unknown key ${issue.keys.map(k => `"${k}"`).join(', ')}`
  throw new UserError(key ? `${key}: ${message}` : message, {
    where: pos ? `${file}:${pos}` : file
  })
}

/**
 * Refuse a file others could have written, as sshd does: the daemon runs it as root (hooks are
 * shell commands). It must be owned by root or by the user running the daemon, and neither group-
 * nor other-writable; so must its directory, unless that is sticky (/tmp).
 */
export function checkConfigTrust(file: string, st: Stats, dir: Stats, euid: number): void {
  const owners = new Set([0, euid])
  if (!owners.has(st.uid))
    throw new UserError(
      `owned by uid ${st.uid}, not root: refusing it (it could run commands as root)`,
      {
        where: file
      }
    )
  if ((st.mode & 0o022) !== 0)
    throw new UserError(
      `writable by group or others (mode ${(st.mode & 0o777).toString(8)}): refusing it; chmod go-w`,
      { where: file }
    )
  const sticky = (dir.mode & 0o1000) !== 0
  if (!owners.has(dir.uid) || ((dir.mode & 0o022) !== 0 && !sticky))
    throw new UserError(
      `its directory can be written by others (owner uid ${dir.uid}, mode ${(dir.mode & 0o7777).toString(8)}): refusing it`,
      { where: file }
    )
}

/** Text with nothing but blank lines and comments: a truncated or emptied file. */
function isEmptyConfig(text: string): boolean {
  return text.split('\n').every(line => /^\s*(#.*)?$/.test(line))
}

/** Read and validate a config file (UserError when missing, untrusted, empty or invalid). */
export function loadConfigFile(file: string): DaemonConfig {
  let text: string
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UserError(code === 'ENOENT' ? 'no such file' : `cannot read: ${code ?? 'error'}`, {
      where: file
    })
  }
  try {
    checkConfigTrust(file, fstatSync(fd), statSync(dirname(realpathSync(file))), geteuid())
    text = readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }
  // An empty file would silently mean "all defaults" (and drop every cgroup watch on SIGHUP).
  if (isEmptyConfig(text))
    throw new UserError('the file is empty (truncated?): refusing to fall back to defaults', {
      where: file
    })
  return parseConfig(text, file)
}

function geteuid(): number {
  return process.geteuid?.() ?? 0
}
