/**
 * @module
 * Proof that the structure rules bite: each layer's row of the allow-list (eslint-layers.js), and
 * the size limits, run through ESLint's Node API on code that breaks them. The rules come from
 * eslint.config.js itself (its blocks that use the `oomkit` plugin), so this tests the config as
 * shipped, with a plain (not type-aware) parser so the files need not exist.
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ESLint, type Linter } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'
import { root } from './import-graph.ts'

const shipped = (await import(pathToFileURL(join(root, 'eslint.config.js')).href)) as {
  default: Linter.Config[]
}
const structureBlocks = shipped.default.filter(c => c.plugins?.['oomkit'] !== undefined)

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...structureBlocks
  ]
})

/** The rule ids ESLint reports for `code` placed at `file`. */
async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) })
  return (result?.messages ?? []).map(m => m.ruleId ?? `fatal: ${m.message}`)
}

/** [file, import line, why it is wrong] */
const forbidden: [string, string, string][] = [
  ['src/kernel/x.ts', "import { readFileSync } from 'node:fs'", 'kernel does no I/O'],
  ['src/kernel/mm/x.ts', "import { z } from 'zod'", 'kernel uses no npm package'],
  ['src/kernel/x.ts', "import { UserError } from '../errors.ts'", 'kernel imports only kernel'],
  [
    'src/kernel/mm/x.ts',
    "import type { HostSource } from '../../adapters/proc/host-source.ts'",
    'kernel ↛ adapters, even types'
  ],
  ['src/kernel/x.ts', "const m = await import('../sim/index.ts')", 'kernel ↛ sim (dynamic import)'],
  [
    'src/errors.ts',
    "import type { Task } from './kernel/types.ts'",
    'bottom modules import nothing'
  ],
  ['src/units.ts', "import { z } from 'zod'", 'bottom modules import nothing'],
  [
    'src/adapters/proc/x.ts',
    "import { oomBadness } from '../../kernel/oom-badness.ts'",
    'adapters take kernel types only'
  ],
  ['src/adapters/x.ts', "import { runScenario } from '../sim/runner.ts'", 'adapters ↛ faces'],
  ['src/adapters/x.ts', "import { z } from 'zod'", 'adapters: node:* and koffi only'],
  ['src/sim/x.ts', "import { readFileSync } from 'node:fs'", 'sim is pure'],
  ['src/sim/x.ts', "import { readText } from '../adapters/proc/read-text.ts'", 'sim ↛ adapters'],
  [
    'src/sim/x.ts',
    "import { buildExplainModel } from '../explain/explain-model.ts'",
    'faces ↛ faces'
  ],
  ['src/sim/x.ts', "import type { CliIO } from '../cli/io.ts'", 'faces ↛ cli'],
  ['src/explain/x.ts', "import { readFileSync } from 'node:fs'", 'explain is pure'],
  ['src/explain/x.ts', "export * from '../sim/runner.ts'", 'faces ↛ faces (re-export)'],
  ['src/host/x.ts', "import { parseSize } from '../sim/size.ts'", 'faces ↛ faces'],
  ['src/host/x.ts', "import { runDaemon } from '../daemon/run.ts'", 'faces ↛ faces'],
  ['src/daemon/x.ts', "import type { CliIO } from '../cli/io.ts'", 'faces ↛ cli, even types'],
  ['src/daemon/x.ts', "import pc from 'picocolors'", 'daemon: its own npm list'],
  [
    'src/html/x.ts',
    "import { runScenario } from '../sim/runner.ts'",
    'html takes sim/explain types only'
  ],
  ['src/html/x.ts', "import { scan } from '../host/scan.ts'", 'faces ↛ faces'],
  ['src/html/x.ts', "import { cli } from '../cli/main.ts'", 'faces ↛ cli'],
  ['src/x.ts', 'export const x = 1', 'a file in no layer'],
  [
    'src/sim/x.ts',
    "import pkg from '../../package.json' with { type: 'json' }",
    'src ↛ outside src'
  ]
]

/** [file, import line] that the allow-list accepts */
const allowed: [string, string][] = [
  ['src/kernel/mm/x.ts', "import type { Task } from '../types.ts'"],
  ['src/kernel/x.ts', "import { gfp } from './gfp.ts'"],
  ['src/adapters/proc/x.ts', "import type { Task } from '../../kernel/types.ts'"],
  [
    'src/adapters/x.ts',
    "import { UserError } from '../errors.ts'\nimport { readFileSync } from 'node:fs'"
  ],
  [
    'src/sim/x.ts',
    "import { outOfMemory } from '../kernel/oom-kill.ts'\nimport { parse } from 'yaml'"
  ],
  [
    'src/explain/x.ts',
    "import { UserError } from '../errors.ts'\nimport { parseSize } from '../units.ts'"
  ],
  [
    'src/host/x.ts',
    "import { readText } from '../adapters/proc/read-text.ts'\nimport pc from 'picocolors'"
  ],
  [
    'src/daemon/x.ts',
    "import { createProcessControl } from '../adapters/pidfd/process-control.ts'"
  ],
  [
    'src/html/x.ts',
    "import type { SimResult } from '../sim/runner.ts'\nimport { type Explained } from '../explain/types.ts'"
  ],
  [
    'src/cli/commands/x.ts',
    "import { runScenario } from '../../sim/runner.ts'\nimport { Command } from 'commander'"
  ]
]

describe('layer allow-list (oomkit/layers)', () => {
  it('is wired into eslint.config.js for src/', () => {
    expect(structureBlocks.length).toBeGreaterThan(0)
  })

  it.each(forbidden)('%s: %s is rejected (%s)', async (file, line) => {
    expect(await ruleIds(file, `${line}\n`)).toContain('oomkit/layers')
  })

  it.each(allowed)('%s: %s is accepted', async (file, line) => {
    expect(await ruleIds(file, `${line}\n`)).toEqual([])
  })
})

describe('size limits', () => {
  it('rejects a src/ file over 450 lines', async () => {
    const code = Array.from({ length: 451 }, (_, i) => `export const v${i} = ${i}`).join('\n')
    expect(await ruleIds('src/kernel/x.ts', `${code}\n`)).toContain('max-lines')
  })

  it('rejects a function over 80 lines, and accepts one of 80', async () => {
    const fn = (n: number): string =>
      `export function f(): number {\n  let a = 0\n${'  a++\n'.repeat(n - 4)}  return a\n}\n`
    expect(await ruleIds('src/sim/x.ts', fn(81))).toContain('max-lines-per-function')
    expect(await ruleIds('src/sim/x.ts', fn(80))).toEqual([])
  })

  it('does not count a module-level table', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => `  r${i}: ${i},`).join('\n')
    expect(await ruleIds('src/kernel/x.ts', `export const table = {\n${rows}\n}\n`)).toEqual([])
  })
})
