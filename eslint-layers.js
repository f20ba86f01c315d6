// @ts-check
/**
 * @module
 * The layer rule (`oomkit/layers`): an allow-list of what each folder of `src/` may import.
 * Anything not listed is an error. docs/ARCHITECTURE.md ("Layers and their rules") states the
 * same table in words; tests/structure/layers.test.ts proves each row rejects a wrong import.
 *
 * Import specifiers in this repository are relative paths with a `.ts` extension, `node:*`
 * built-ins or npm package names, so resolving them needs no resolver plugin: a relative path is
 * joined to the importing file's folder and classified by its first folder under `src/`.
 */
import path from 'node:path'

/**
 * Severity of every structure rule: the layer allow-list, `max-lines`, `max-lines-per-function`,
 * and (through tests/structure, which skip while this is 'warn') no import cycles, the median file
 * length and tests/ mirroring src/. 'warn' only while the restructuring branches land; the
 * merged code must say 'error'.
 * @type {'error' | 'warn'}
 */
export const STRUCTURE = 'error'

/**
 * One row per layer. `layers`: layers whose values and types may be imported; `typeLayers`:
 * layers that may be imported with `import type` / `export type` only; `node`: whether `node:*`
 * built-ins are allowed; `npm`: the npm packages allowed (`'*'` for any).
 * `bottom` is `src/errors.ts` and `src/units.ts`: shared leaf modules with no imports of their own.
 * @type {Record<string, { layers: string[], typeLayers?: string[], node: boolean, npm: string[] | '*' }>}
 */
export const allow = {
  kernel: { layers: ['kernel'], node: false, npm: [] },
  bottom: { layers: [], node: false, npm: [] },
  adapters: { layers: ['adapters', 'bottom'], typeLayers: ['kernel'], node: true, npm: ['koffi'] },
  sim: { layers: ['sim', 'kernel', 'bottom'], node: false, npm: ['yaml', 'zod'] },
  explain: {
    layers: ['explain', 'kernel', 'bottom'],
    typeLayers: ['adapters'],
    node: false,
    npm: []
  },
  host: {
    layers: ['host', 'kernel', 'adapters', 'bottom'],
    typeLayers: ['sim'],
    node: true,
    npm: ['picocolors']
  },
  daemon: {
    layers: ['daemon', 'kernel', 'adapters', 'bottom'],
    node: true,
    npm: ['pino', 'prom-client', 'yaml', 'zod']
  },
  html: {
    layers: ['html', 'kernel', 'adapters', 'bottom'],
    typeLayers: ['sim', 'explain'],
    node: true,
    npm: ['uplot']
  },
  web: {
    layers: ['web', 'kernel', 'sim', 'explain', 'html', 'bottom'],
    node: false,
    npm: ['yaml', 'zod', 'uplot']
  },
  cli: {
    layers: [
      'cli',
      'kernel',
      'adapters',
      'sim',
      'explain',
      'host',
      'daemon',
      'html',
      'web',
      'bottom'
    ],
    node: true,
    npm: '*'
  }
}

const BOTTOM = new Set(['errors.ts', 'units.ts'])

/**
 * The layer of a path relative to the repository root, or undefined outside `src/`.
 * @param {string} rel
 */
export function layerOf(rel) {
  const parts = rel.split(/[\\/]/)
  if (parts[0] !== 'src' || parts.length < 2) return undefined
  if (parts.length === 2) return BOTTOM.has(parts[1] ?? '') ? 'bottom' : 'src-root'
  return parts[1]
}

/** @param {string} spec */
function packageName(spec) {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec)
}

/** @type {import('eslint').Rule.RuleModule} */
const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'Each folder of src/ imports only what its row of the allow-list names' },
    schema: [],
    messages: {
      layer: "{{from}} may not import {{to}} ('{{spec}}'); allowed: {{allowed}}",
      typeOnly: "{{from}} may import {{to}} for types only ('{{spec}}'): use 'import type'",
      node: "{{from}} may not import Node built-ins ('{{spec}}'): it does no I/O",
      npm: "{{from}} may not import the package '{{spec}}'; allowed: {{allowed}}",
      unknown: "'{{file}}' is in no layer: add its folder to the allow-list in eslint-layers.js",
      outside: "{{from}} may not import outside src/ ('{{spec}}')"
    }
  },
  create(context) {
    const root = context.cwd
    const file = context.filename
    const from = layerOf(path.relative(root, file))
    if (from === undefined) return {}
    const row = allow[from]
    if (row === undefined) {
      return {
        Program(node) {
          context.report({ node, messageId: 'unknown', data: { file: path.relative(root, file) } })
        }
      }
    }

    /**
     * @param {import('estree').Node} node
     * @param {unknown} source
     * @param {boolean} typeOnly
     */
    function check(node, source, typeOnly) {
      if (typeof source !== 'string') return
      const spec = source
      if (spec.startsWith('.')) {
        const target = path.relative(root, path.resolve(path.dirname(file), spec))
        const to = layerOf(target)
        if (to === undefined || to === 'src-root') {
          context.report({ node, messageId: 'outside', data: { from, spec } })
          return
        }
        if (row.layers.includes(to)) return
        if (row.typeLayers?.includes(to)) {
          if (!typeOnly) context.report({ node, messageId: 'typeOnly', data: { from, to, spec } })
          return
        }
        const allowed =
          row.layers.join(', ') + (row.typeLayers ? ` (types: ${row.typeLayers.join(', ')})` : '')
        context.report({
          node,
          messageId: 'layer',
          data: { from, to, spec, allowed: allowed || 'nothing' }
        })
        return
      }
      if (spec.startsWith('node:')) {
        if (!row.node) context.report({ node, messageId: 'node', data: { from, spec } })
        return
      }
      if (row.npm === '*' || row.npm.includes(packageName(spec))) return
      context.report({
        node,
        messageId: 'npm',
        data: { from, spec, allowed: row.npm.join(', ') || 'none' }
      })
    }

    /** @param {any} node */
    const typeOnlyDecl = node =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers?.length > 0 &&
        node.specifiers.every(
          (/** @type {any} */ s) => s.importKind === 'type' || s.exportKind === 'type'
        ))

    return {
      /** @param {any} node */
      ImportDeclaration: node => check(node, node.source.value, typeOnlyDecl(node)),
      /** @param {any} node */
      ExportNamedDeclaration: node =>
        node.source && check(node, node.source.value, typeOnlyDecl(node)),
      /** @param {any} node */
      ExportAllDeclaration: node => check(node, node.source.value, node.exportKind === 'type'),
      /** @param {any} node */
      ImportExpression: node =>
        node.source.type === 'Literal' && check(node, node.source.value, false),
      /** @param {any} node */
      TSImportType: node => {
        const lit = node.argument?.literal ?? node.argument
        if (lit?.type === 'Literal') check(node, lit.value, true)
      }
    }
  }
}

export default { rules: { layers } }
