/**
 * The layer rule l4lab/layers (scripts/lint/layers.mjs, wired in
 * eslint.config.js): the real lint configuration run on virtual files, one
 * that breaks each rule and some that keep them. The files exist only here
 * (lintText with a filePath), so `eslint .` never sees them.
 */
import { describe, expect, it } from 'vitest'
import { ESLint } from 'eslint'
import { root } from '../support/built'

const eslint = new ESLint({ cwd: root })

/** The l4lab/layers messages for `code` as if it were `filePath`; a parse error fails the test. */
async function layerErrors(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath })
  const fatal = result.messages.filter((m) => m.fatal)
  expect(fatal, `${filePath} does not parse`).toEqual([])
  return result.messages.filter((m) => m.ruleId === 'l4lab/layers')
}

const KERNEL = 'the kernel imports nothing from apps, lab or boards'
const CPU = 'cpu imports nothing above it'
const APPS = 'µApps reach the kernel only through its user ABI and the l4 libraries'
const L4 = 'the l4 libraries build only on util and formats and reach the kernel only through its user ABI'
const SHELL = 'shells use the engine\'s public faces'

// [name, file, specifier, words the message must contain]
const violations: [string, string, string, string[]][] = [
  ['kernel → apps', 'src/engine/kernel/sched.ts', '../apps/moe/moe', ['kernel/ may not import apps/', KERNEL, 'see docs/architecture.md']],
  ['kernel → lab', 'src/engine/kernel/objects/thread.ts', '../../lab/session', ['kernel/ may not import lab/', KERNEL]],
  ['kernel → boards', 'src/engine/kernel/boot.ts', '../boards/builder', ['kernel/ may not import boards/', KERNEL]],
  ['cpu → kernel', 'src/engine/cpu/aarch64/exec-core.ts', '../../kernel/objects/thread', ['cpu/ may not import kernel/', CPU]],
  ['cpu → apps', 'src/engine/cpu/core.ts', '../apps/lx/lx', ['cpu/ may not import apps/', CPU]],
  ['hw → cpu', 'src/engine/hw/ram.ts', '../cpu/core', ['hw/ may not import cpu/', 'hw builds only on util']],
  ['formats → hw', 'src/engine/formats/elf.ts', '../hw/ram', ['formats/ may not import hw/', 'the format parsers build only on util']],
  ['util → kernel', 'src/engine/util/bits.ts', '../kernel/uapi', ['util/ may not import kernel/', 'util is the bottom of the engine']],
  ['devices → kernel', 'src/engine/devices/pl011.ts', '../kernel/irq', ['devices/ may not import kernel/', 'device models build only on hw, util and formats']],
  ['virtio → apps', 'src/engine/virtio/blk.ts', '../apps/lx/vfs/vfs', ['virtio/ may not import apps/', 'virtio builds only on devices, hw, util and formats']],
  ['boards → kernel', 'src/engine/boards/builder.ts', '../kernel/kernel', ['boards/ may not import kernel/', 'a board is built from hw, cpu, devices and virtio']],
  ['boards → lab', 'src/engine/boards/virt.ts', '../lab/session', ['boards/ may not import lab/', 'a board is built from hw, cpu, devices and virtio']],
  ['l4 → a kernel-internal file', 'src/engine/l4/l4sys.ts', '../kernel/objects/thread', ['l4/ may import from kernel/ only its user ABI kernel/uapi', L4]],
  ['apps → kernel/objects/thread', 'src/engine/apps/moe/moe.ts', '../../kernel/objects/thread', ['apps/ may import from kernel/ only its user ABI kernel/uapi', APPS]],
  ['apps → cpu', 'src/engine/apps/lx/lx.ts', '../../cpu/aarch64/machine', ['apps/ may not import cpu/', APPS]],
  ['apps → kernel/kernel', 'src/engine/apps/uvmm/uvmm.ts', '../../kernel/kernel', ['apps/ may import from kernel/ only its user ABI kernel/uapi', APPS]],
  ['apps → boards', 'src/engine/apps/ned/ned.ts', '../../boards/virt', ['apps/ may not import boards/', APPS]],
  ['apps → lab', 'src/engine/apps/sigma0/sigma0.ts', '../../lab/session', ['apps/ may not import lab/', APPS]],
  ['kernel → index.ts', 'src/engine/kernel/kernel.ts', '..', ['kernel/ may not import index.ts', KERNEL]],
  ['src/cli → src/engine/lab/x', 'src/cli/exec.ts', '../engine/lab/x', ['src/cli may import the engine only through its public entries src/engine/index.ts, src/engine/exec.ts', SHELL]],
  ['src/host → src/engine/apps/lx/…', 'src/host/host-fs.ts', '../engine/apps/lx/vfs/hostfs', ['src/host may import the engine only through its public entries src/engine/index.ts, src/engine/exec.ts', SHELL]],
  ['src/server → an engine-internal file', 'src/server/wire.ts', '../engine/kernel/kernel', ['src/server may import the engine only through its public entries', SHELL]],
  ['src/main → an engine-internal file', 'src/main/index.ts', '../engine/lab/session.ts', ['src/main may import the engine only through its public entries', SHELL]],
  ['src/preload → an engine-internal file', 'src/preload/index.ts', '../engine/index/x', ['src/preload may import the engine only through its public entries', SHELL]],
]

describe('l4lab/layers reports each broken layer rule, stating the rule', () => {
  it.each(violations)('%s', async (_name, file, specifier, words) => {
    const errors = await layerErrors(file, `import { x } from '${specifier}'\nexport const y = x\n`)
    expect(errors).toHaveLength(1)
    expect(errors[0].line).toBe(1)
    for (const w of words) expect(errors[0].message).toContain(w)
  })
})

describe('l4lab/layers sees every form of import', () => {
  const forms: [string, string][] = [
    ['import type', `import type { Thread } from '../../kernel/objects/thread'\nexport type T = Thread\n`],
    ['import { type … }', `import { type Thread } from '../../kernel/objects/thread'\nexport type T = Thread\n`],
    ['import for side effects', `import '../../kernel/objects/thread'\n`],
    ['export { … } from', `export { Thread } from '../../kernel/objects/thread'\n`],
    ['export type { … } from', `export type { Thread } from '../../kernel/objects/thread'\n`],
    ['export * from', `export * from '../../kernel/objects/thread'\n`],
    ['export * as … from', `export * as thread from '../../kernel/objects/thread'\n`],
    ['dynamic import()', `export const m = import('../../kernel/objects/thread')\n`],
    ['import() type', `export type T = import('../../kernel/objects/thread').Thread\n`],
    ['a folder\'s index', `import { Kernel } from '../../kernel'\nexport const k = Kernel\n`],
    ['a specifier with an extension', `import { x } from '../../kernel/objects/thread.ts'\nexport const y = x\n`],
  ]
  it.each(forms)('%s', async (_name, code) => {
    const errors = await layerErrors('src/engine/apps/moe/moe.ts', code)
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain('apps/ may import from kernel/ only its user ABI kernel/uapi')
  })

  it('reports each bad import of a file and only those', async () => {
    const errors = await layerErrors('src/engine/apps/lx/lx.ts', [
      `import { a } from '../../kernel/uapi'`,
      `import { b } from '../../cpu/aarch64/machine'`,
      `import { c } from '../../l4/l4sys'`,
      `import { d } from '../../kernel/abi'`,
      `import { e } from 'some-package'`,
      `export const all = [a, b, c, d, e]`,
    ].join('\n'))
    expect(errors.map((e) => e.line)).toEqual([2, 4])
  })
})

describe('l4lab/layers allows what the layers allow', () => {
  const allowed: [string, string, string][] = [
    ['apps → kernel/uapi', 'src/engine/apps/moe/moe.ts', `import { Op } from '../../kernel/uapi'\nexport const o = Op\n`],
    ['apps → kernel/uapi.ts', 'src/engine/apps/moe/moe.ts', `import type { Op } from '../../kernel/uapi.ts'\nexport type O = Op\n`],
    ['apps → kernel/uapi/ (a folder)', 'src/engine/apps/moe/moe.ts', `import { Op } from '../../kernel/uapi/ipc'\nexport const o = Op\n`],
    ['apps → l4, util, formats, apps', 'src/engine/apps/ned/ned.ts', `import { a } from '../../l4/l4re'\nimport { b } from '../../util/bits'\nimport { c } from '../../formats/elf'\nimport { d } from '../moe/moe'\nexport const all = [a, b, c, d]\n`],
    ['apps (a VMM) → hw, devices, virtio', 'src/engine/apps/uvmm/uvmm.ts', `import { a } from '../../hw/mmio-bus'\nimport { b } from '../../devices/pl011'\nimport { c } from '../../virtio/mmio'\nexport const all = [a, b, c]\n`],
    ['l4 → kernel/uapi', 'src/engine/l4/l4sys.ts', `import { Op } from '../kernel/uapi'\nexport const o = Op\n`],
    ['lab → anything', 'src/engine/lab/session.ts', `import { a } from '../kernel/objects/thread'\nimport { b } from '../apps/lx/lx'\nimport { c } from '../boards/virt'\nimport { d } from '../cpu/aarch64/machine'\nimport { e } from '..'\nexport const all = [a, b, c, d, e]\n`],
    ['bench → anything', 'src/engine/bench/ipc-bench.ts', `import { a } from '../kernel/kernel'\nimport { b } from '../apps/moe/moe'\nexport const all = [a, b]\n`],
    ['index.ts → anything', 'src/engine/index.ts', `export * from './lab/session'\nexport { Kernel } from './kernel/kernel'\n`],
    ['kernel → cpu/core', 'src/engine/kernel/kernel.ts', `import type { Core } from '../cpu/core'\nexport type C = Core\n`],
    ['kernel/arch → cpu/aarch64', 'src/engine/kernel/arch/aarch64.ts', `import { Machine } from '../../cpu/aarch64/machine'\nexport const m = Machine\n`],
    ['kernel → hw, util, formats, kernel', 'src/engine/kernel/boot.ts', `import { a } from '../hw/ram'\nimport { b } from '../util/bits'\nimport { c } from '../formats/dtb'\nimport { d } from './objects/thread'\nexport const all = [a, b, c, d]\n`],
    ['boards → hw, cpu, devices, virtio', 'src/engine/boards/builder.ts', `import { a } from '../hw/ram'\nimport { b } from '../cpu/core'\nimport { c } from '../devices/pl011'\nimport { d } from '../virtio/blk'\nexport const all = [a, b, c, d]\n`],
    ['an engine file → outside the engine (the outer rules\' business)', 'src/engine/kernel/kernel.ts', `import type { ThreadStats } from '../../shared/contract'\nexport type T = ThreadStats\n`],
    ['src/cli → ../engine', 'src/cli/run.ts', `import { createBoard } from '../engine'\nexport const c = createBoard\n`],
    ['src/host → ../engine/index', 'src/host/engine-worker.ts', `import { createBoard } from '../engine/index'\nexport const c = createBoard\n`],
    ['src/cli → ../engine/exec (the face without ned)', 'src/cli/exec.ts', `import { ExecSession } from '../engine/exec'\nexport const e = ExecSession\n`],
    ['src/server → ../engine/index.ts', 'src/server/wire.ts', `import type { Board } from '../engine/index.ts'\nexport type B = Board\n`],
    ['a shell → another shell', 'src/cli/web.ts', `import { EngineHost } from '../host/engine-host'\nexport const e = EngineHost\n`],
  ]
  it.each(allowed)('%s', async (_name, file, code) => {
    expect(await layerErrors(file, code)).toEqual([])
  })
})

describe('l4lab/layers exempts tests, test doubles and top-level files', () => {
  const exempt: [string, string, string][] = [
    ['a shell\'s test', 'src/host/host-fs.test.ts', `import { Vfs } from '../engine/apps/lx/vfs/vfs'\nexport const v = Vfs\n`],
    ['an engine test', 'src/engine/kernel/kernel.test.ts', `import { Moe } from '../apps/moe/moe'\nexport const m = Moe\n`],
    ['src/engine/testing/', 'src/engine/testing/fake-board.ts', `import { a } from '../lab/session'\nimport { b } from '../apps/moe/moe'\nexport const all = [a, b]\n`],
    ['a testing/ folder deeper in the engine', 'src/engine/apps/lx/testing/run-lx.ts', `import { ExecBoard } from '../../../lab/exec-board'\nexport const e = ExecBoard\n`],
    ['a top-level file other than index.ts', 'src/engine/globals.d.ts', `import type { Kernel } from './kernel/kernel'\nexport type K = Kernel\n`],
  ]
  it.each(exempt)('%s', async (_name, file, code) => {
    expect(await layerErrors(file, code)).toEqual([])
  })

  it('reports an engine folder missing from the table', async () => {
    const errors = await layerErrors('src/engine/gadgets/x.ts', `export const x = 1\n`)
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain('src/engine/gadgets/ is not in the layer table')
  })
})
