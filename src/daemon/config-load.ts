/**
 * @module Loading the YAML config: parse with positions (yaml's LineCounter), validate with zod,
 * and turn the first problem into a `file:line:col: message` UserError.
 */
import { readFileSync } from 'node:fs'
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

/** Read and validate a config file (UserError when missing or invalid). */
export function loadConfigFile(file: string): DaemonConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UserError(code === 'ENOENT' ? 'no such file' : `cannot read: ${code ?? 'error'}`, {
      where: file
    })
  }
  return parseConfig(text, file)
}
