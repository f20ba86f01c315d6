/**
 * @module One readable sentence per zod issue of a scenario, with the path (and, for an unknown
 * key, the key) its position is reported at.
 */
import type { z } from 'zod'
import { valueAt, type Path } from './yaml-positions.ts'

/** A message and where it points. */
export interface IssueMessage {
  message: string
  path: Path
  key?: string
}

const ACTIONS =
  'touch, alloc, mmap, munmap, free, read, mlock, fork, exec, exit, kill, set-oom-score-adj, set-oom-adj, sysctl, cgroup-set, cgroup-move, sysrq, swapon, swapoff, wait'

function describe(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'string') return `"${v}"`
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
    ? String(v)
    : typeof v
}

function fieldName(path: Path): string {
  const parts = path.map(p => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')
  return parts.replace(/^\./, '') || 'the scenario'
}

/** An unknown action, or the branch of a union (number or text) that matches the input. */
function unionMessage(
  issue: Extract<z.core.$ZodIssue, { code: 'invalid_union' }>,
  input: unknown
): IssueMessage {
  const path = issue.path as Path
  const disc = (issue as { discriminator?: string }).discriminator
  if (disc !== undefined || issue.message.includes('discriminator') || issue.errors.length === 0) {
    const at = path[path.length - 1] === 'do' ? path : [...path, 'do']
    const v = valueAt(input, at)
    return {
      message: `${fieldName(at.slice(0, -1))}.do: unknown action ${describe(v)} (expected one of: ${ACTIONS})`,
      path: at
    }
  }
  // Pick the branch whose issue matches the input's type.
  for (const branch of issue.errors) {
    const first = branch[0]
    if (first === undefined) continue
    if (first.code === 'invalid_format' || first.code === 'too_small' || first.code === 'too_big')
      return messageFor({ ...first, path: [...path, ...first.path] }, input)
  }
  const got = valueAt(input, path)
  return {
    message: `${fieldName(path)}: ${issue.message === 'Invalid input' ? `unexpected value ${describe(got)}` : issue.message}`,
    path
  }
}

/** One readable sentence for a zod issue. */
export function messageFor(issue: z.core.$ZodIssue, input: unknown): IssueMessage {
  const path = issue.path as Path
  const got = valueAt(input, path)
  const where = fieldName(path)
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '?'
      return { message: `unknown key '${key}' in ${where}`, path, key }
    }
    case 'invalid_type':
      if (got === undefined)
        return { message: `${where}: missing required field (expected ${issue.expected})`, path }
      return { message: `${where}: expected ${issue.expected}, got ${describe(got)}`, path }
    case 'invalid_union':
      return unionMessage(issue, input)
    case 'invalid_value':
      return {
        message: `${where}: expected one of ${issue.values.map(v => JSON.stringify(v)).join(', ')}, got ${describe(got)}`,
        path
      }
    case 'invalid_format':
      return {
        message: `${where}: ${issue.message.startsWith('Invalid') ? `bad format ${describe(got)}` : `expected ${issue.message}, got ${describe(got)}`}`,
        path
      }
    case 'too_small':
      return {
        message: `${where}: ${describe(got)} is too small (minimum ${String(issue.minimum)})`,
        path
      }
    case 'too_big':
      return {
        message: `${where}: ${describe(got)} is too large (maximum ${String(issue.maximum)})${issue.message.startsWith('Too') ? '' : `: ${issue.message}`}`,
        path
      }
    default:
      return { message: `${where}: ${issue.message}`, path }
  }
}
