// Lint, with the layer rules of ../shared/DESIGN.md enforced:
// - src/engine imports nothing from main, preload, renderer, host, server,
//   cli, Electron, Node built-ins or the DOM (it runs in a worker and under
//   vitest, and later perhaps elsewhere);
// - src/renderer imports only types from src/shared, and nothing from the
//   engine, host, server, main or Electron;
// - src/shared depends on nothing;
// - inside the engine, each layer imports only the layers below it (the table
//   `engineLayers` below, rule l4lab/layers in scripts/lint/layers.mjs):
//   util is the bottom; formats and hw build on util; cpu on hw; devices on
//   hw and formats; virtio on devices; boards on cpu, devices and virtio; the
//   kernel on cpu, hw, util and formats and nothing from apps, lab or boards;
//   the l4 libraries and the µApps (apps, also over l4) reach the kernel only
//   through its user ABI kernel/uapi and see no machine; lab, bench and
//   index.ts may import anything in the engine; testing/ folders, *.test.ts
//   and top-level files other than index.ts are exempt;
// - the shells (cli, host, server, main, preload; not their tests) import the
//   engine only through its public entries: src/engine/index.ts, and
//   src/engine/exec.ts, the part of it `l4lab exec` needs (l4lab/layers).
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import l4lab from './scripts/lint/layers.mjs'

// Bare Node module names, matched exactly (a pattern such as 'process' would also match './process').
const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'http', 'https', 'net', 'crypto', 'stream', 'util', 'events', 'url', 'zlib', 'buffer', 'process']

// The engine's inner layers: which layers (first folders of src/engine, or
// 'index' for src/engine/index.ts) each may import, and the rule in words.
// 'kernel/uapi' admits only the kernel's user ABI (kernel/uapi.ts, kernel/uapi/).
const engineLayers = {
  util: { may: ['util'], why: 'util is the bottom of the engine and imports only util' },
  formats: { may: ['formats', 'util'], why: 'the format parsers build only on util' },
  hw: { may: ['hw', 'util'], why: 'hw builds only on util' },
  cpu: { may: ['cpu', 'hw', 'util'], why: 'cpu imports nothing above it (only cpu, hw, util)' },
  devices: { may: ['devices', 'hw', 'util', 'formats'], why: 'device models build only on hw, util and formats' },
  virtio: { may: ['virtio', 'devices', 'hw', 'util', 'formats'], why: 'virtio builds only on devices, hw, util and formats' },
  boards: { may: ['boards', 'hw', 'cpu', 'devices', 'virtio', 'util', 'formats'], why: 'a board is built from hw, cpu, devices and virtio, and imports nothing from kernel, l4, apps or lab' },
  kernel: { may: ['kernel', 'cpu', 'hw', 'util', 'formats'], why: 'the kernel imports nothing from apps, lab or boards; it builds only on cpu, hw, util and formats' },
  l4: { may: ['l4', 'util', 'formats', 'kernel/uapi'], why: 'the l4 libraries build only on util and formats and reach the kernel only through its user ABI' },
  apps: { may: ['apps', 'l4', 'util', 'formats', 'kernel/uapi', 'hw', 'devices', 'virtio'], why: 'µApps reach the kernel only through its user ABI and the l4 libraries; a VMM (uvmm) emulates devices in software with the device models (hw, devices, virtio), but no µApp sees the CPU, the boards or the lab' },
  lab: { may: ['*'], why: 'lab is the top of the engine' },
  bench: { may: ['*'], why: 'bench is the top of the engine' },
  index: { may: ['*'], why: 'index.ts is the engine\'s public face' },
}
const shellDirs = ['src/cli', 'src/host', 'src/server', 'src/main', 'src/preload']

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
    files: ['src/engine/**/*.ts', ...shellDirs.map((dir) => `${dir}/**/*.ts`)],
    ignores: ['**/*.test.ts', 'src/engine/**/testing/**'], // tests and test doubles/drivers (testing/ at any depth)
    plugins: { l4lab },
    rules: {
      'l4lab/layers': ['error', {
        root: import.meta.dirname,
        engine: 'src/engine',
        see: 'docs/architecture.md',
        layers: engineLayers,
        labels: { 'kernel/uapi': 'its user ABI' },
        // exec.ts is lx without ned: what `l4lab exec` needs, bundled without fengari.
        shells: { dirs: shellDirs, entries: ['src/engine/index.ts', 'src/engine/exec.ts'], why: 'shells use the engine\'s public faces' },
      }],
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
