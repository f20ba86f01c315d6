// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'
import oomkit, { STRUCTURE } from './eslint-layers.js'

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'artifacts/',
      'bin/',
      'eslint.config.js',
      'eslint-layers.js',
      'vitest.config.ts'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }
      ],
      '@typescript-eslint/prefer-nullish-coalescing': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }]
    }
  },
  {
    // Layers: an allow-list per folder of src/ (eslint-layers.js; docs/ARCHITECTURE.md).
    // Size: every line counts, blank and comment lines too (what `wc -l` and an editor show).
    // Functions are measured; module-level tables (object/array literals) are not functions, so
    // declarative tables need no exemption. A table built inside a function carries a one-line
    // `// eslint-disable-next-line max-lines-per-function -- table: <reason>`.
    files: ['src/**/*.ts'],
    plugins: { oomkit },
    rules: {
      'oomkit/layers': STRUCTURE,
      'max-lines': [STRUCTURE, { max: 450 }],
      'max-lines-per-function': [STRUCTURE, { max: 80, IIFEs: true }]
    }
  },
  {
    // The pure core: no I/O, no clock, no randomness.
    files: ['src/kernel/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', 'fs', 'child_process', '../adapters/*', '../cli/*'] }
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'performance'],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'src/kernel is deterministic: take a seed.'
        },
        { object: 'Date', property: 'now', message: 'src/kernel reads no clock: take the time.' }
      ]
    }
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts', 'conformance/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off'
    }
  }
)
