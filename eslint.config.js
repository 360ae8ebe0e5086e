// Lint, with the layer rules of ../shared/DESIGN.md enforced:
// - src/engine imports nothing from main, preload, renderer, host, server,
//   cli, Electron, Node built-ins or the DOM (it runs in a worker and under
//   vitest, and later perhaps elsewhere);
// - src/renderer imports only types from src/shared, and nothing from the
//   engine, host, server, main or Electron;
// - src/shared depends on nothing.
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

// Bare Node module names, matched exactly (a pattern such as 'process' would also match './process').
const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'http', 'https', 'net', 'crypto', 'stream', 'util', 'events', 'url', 'zlib', 'buffer', 'process']

export default tseslint.config(
  {
    ignores: [
      'out/**', 'build/**', 'node_modules/**', '.cache/**', 'resources/**',
      'src/engine/cpu/*/assembly/**', 'src/engine/cpu/*/generated/**',
      'guests/**', 'docs/**',
    ],
  },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/attributes-order': 'off',
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.mjs', '*.config.*', 'test/**/*.ts', 'test/**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts', 'src/engine/testing/**'],
    languageOptions: { globals: { ...globals.es2023 } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'The engine uses no Node built-ins; the host passes what it needs.' })),
        patterns: [
          { group: ['**/main/**', '**/preload/**', '**/renderer/**', '**/host/**', '**/server/**', '**/cli/**'], message: 'The engine imports nothing from the shells (DESIGN.md, layers).' },
          { group: ['electron', 'electron/*', 'vue', 'pinia', '@xterm/*', 'ws'], message: 'The engine is pure TypeScript.' },
          { group: ['node:*', 'fs/*'], message: 'The engine uses no Node built-ins; the host passes what it needs.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'window', message: 'No DOM in the engine.' },
        { name: 'document', message: 'No DOM in the engine.' },
        { name: 'navigator', message: 'No DOM in the engine.' },
        { name: 'process', message: 'No Node globals in the engine.' },
        { name: 'Buffer', message: 'No Node globals in the engine; use Uint8Array.' },
        { name: 'require', message: 'No Node globals in the engine.' },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.vue'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/engine/**', '**/engine', '**/host/**', '**/server/**', '**/main/**', '**/preload/**', '**/cli/**'], message: 'The renderer talks to the lab only through the contract.' },
          { group: ['electron', 'electron/*', 'node:*', 'ws'], message: 'The renderer runs in a browser sandbox.' },
          { group: ['**/shared/**'], allowTypeImports: true, message: 'The renderer imports only types from src/shared.' },
        ],
      }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*', 'electron', 'node:*', 'vue'], message: 'src/shared depends on nothing.' }] }],
    },
  },
)
