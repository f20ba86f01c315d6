/**
 * @module
 * Whether the structure rules are enforced ('error') or only reported ('warn') on this branch:
 * one switch, `STRUCTURE` in eslint-layers.js, read here so the structure tests follow it.
 */
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { root } from './import-graph.ts'

const layers = (await import(pathToFileURL(join(root, 'eslint-layers.js')).href)) as {
  STRUCTURE: 'error' | 'warn'
}

/** True while the structure rules only warn: the structure tests are skipped. */
export const structurePending = layers.STRUCTURE !== 'error'
