/**
 * Which boards a lab starts with, and where a scenario's rom modules come
 * from. The default lab is one board running the default scenario
 * (resources/scenarios/default.lua, or hello.lua until that exists); the
 * loopback lab (console loopback devices on two boards) is the plumbing
 * test setup.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import type { BoardConfig } from './engine-host'
import { busyboxRootfs } from './busybox-rootfs'
import { BoardFiles, defaultUserBoardDir, parseBoardLine, scenarioBoardOrThrow } from './board-files'

const root = fileURLToPath(new URL(process.env.L4LAB_BUNDLED ? '../../' : '../../', import.meta.url))

/** Where "rom/NAME" data modules are looked for, in order. */
export const ROM_PATH = ['resources/scenarios', 'resources/guests/aarch64', '.cache/debian', 'build/guests/linux-arm64']

/** Root file systems made from Debian's busybox-static when a scenario names them: the binary each is made of. */
const BUSYBOX_ROOTFS: Readonly<Record<string, string>> = {
  'busybox-rootfs.cpio': '.cache/debian/busybox',
  'busybox-amd64-rootfs.cpio': '.cache/debian/busybox-amd64',
}

export function loopbackLab(): BoardConfig[] {
  return [
    { id: 'board0', name: 'board0', spec: { kind: 'loopback', vms: [{ name: 'loop0', color: 'g' }] } },
    { id: 'board1', name: 'board1', spec: { kind: 'loopback', vms: [{ name: 'loop1', color: 'c' }] } },
  ]
}

export function defaultScenarioPath(): string {
  const d = join(root, 'resources/scenarios/default.lua')
  return existsSync(d) ? d : join(root, 'resources/scenarios/hello.lua')
}

/**
 * A lab of one board per scenario file (the default scenario when none is
 * given), each on the board its board line names: arm0, arm1 … for aarch64
 * boards, pc0 … for x86-64 ones (`-- l4lab board: file=pc`). Throws an Error
 * that names the file it cannot read, or the board line's problem.
 */
export function scenarioLab(...files: string[]): BoardConfig[] {
  const counts = { aarch64: 0, x86_64: 0 }
  const boards = boardFiles()
  return (files.length > 0 ? files : [defaultScenarioPath()]).map((file) => {
    let source: string
    try {
      source = readFileSync(file, 'utf8')
    } catch (e) {
      throw new Error(`cannot read ${file}: ${(e as Error).message}`)
    }
    const name = basename(file)
    const board = scenarioBoardOrThrow(name, source, boards)
    const arch = board.board?.arch ?? 'aarch64'
    const id = `${arch === 'x86_64' ? 'pc' : 'arm'}${counts[arch]++}`
    return { id, name: id, scenario: name, spec: { kind: 'scenario', scenario: { name, source }, modules: scenarioModules(source), ...board } }
  })
}

/**
 * What a scenario asks of its board, in a comment line of its own (the
 * board is built before the script runs): `-- l4lab board: file=arm-ve ram=768M cpus=2`
 * (board-files.ts reads it and finds the board file).
 */
export function boardOptions(source: string): { ramMiB?: number; cpus?: number; file?: string } {
  const line = parseBoardLine(source)
  if (!line) return {}
  return { ...(line.ramMiB ? { ramMiB: line.ramMiB.value } : {}), ...(line.cpus ? { cpus: line.cpus.value } : {}), ...(line.file ? { file: line.file.value } : {}) }
}

/** The shipped board files under `base` and the user's (their boards folder). */
export function boardFiles(base: string = root, userDir: string = defaultUserBoardDir()): BoardFiles {
  return new BoardFiles(join(base, 'resources', 'boards'), userDir)
}

export function defaultLab(): BoardConfig[] {
  return scenarioLab()
}

/**
 * The data modules a scenario names as "rom/NAME" and that exist on the ROM
 * path (under `base`, the project) as files. Throws an Error that names the
 * module when one is there but cannot be read, or cannot be made (Debian's
 * busybox not fetched: the message says what to run).
 */
export function scenarioModules(source: string, base: string = root): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {}
  for (const m of source.matchAll(/rom\/([A-Za-z0-9_.+-]+)/g)) {
    const name = m[1]
    // "rom/." and "rom/.." name directories of the ROM path, not modules.
    if (out[name] || name === '.' || name === '..') continue
    const busybox = BUSYBOX_ROOTFS[name]
    if (busybox !== undefined) {
      // Made from Debian's busybox when asked for (never stored in the repository).
      const image = readModule(name, () => busyboxRootfs(join(base, busybox)))
      if (!image) throw new Error(`rom/${name} is made from Debian's busybox (${busybox}), which is not fetched: run \`bash scripts/guests/fetch-debian.sh\` in ${base} (it puts it in .cache/debian)`)
      out[name] = image
      continue
    }
    const found = romFile(name, base)
    if (found) out[name] = readModule(name, () => readFileSync(found))
    else if (name.endsWith('.cpio') && romFile(`${name}.gz`, base)) {
      // A plain cpio is unpacked from its committed gzip image, as L4Re's bootstrap unpacks
      // compressed boot modules: each guest's boot then spends no time inflating it.
      const gz = readModule(name, () => readFileSync(romFile(`${name}.gz`, base)!))
      try {
        out[name] = gunzipSync(gz)
      } catch {
        // A damaged image goes in as it is: lx's own gunzip then says what is wrong with it, on the VM's console.
        out[name] = gz
      }
    }
  }
  return out
}

/**
 * Whether scenarioModules can provide "rom/NAME" from `base`: a file on the
 * ROM path, a plain cpio from its gzip image, or the busybox rootfs when
 * Debian's busybox is fetched. (Programs are not modules; the checker asks
 * about those separately.)
 */
export function romModuleAvailable(name: string, base: string = root): boolean {
  const busybox = BUSYBOX_ROOTFS[name]
  if (busybox !== undefined) return existsSync(join(base, busybox))
  return romFile(name, base) !== null || (name.endsWith('.cpio') && romFile(`${name}.gz`, base) !== null)
}

/** The project directory the lab's resources are under. */
export function projectRoot(): string {
  return root
}

function readModule<T>(name: string, read: () => T): T {
  try {
    return read()
  } catch (e) {
    throw new Error(`cannot read rom/${name}: ${(e as Error).message}`)
  }
}

/** The first regular file of that name on the ROM path (a directory of that name is no module). */
function romFile(name: string, base: string): string | null {
  for (const dir of ROM_PATH) {
    const p = join(base, dir, name)
    try {
      if (statSync(p).isFile()) return p
    } catch {
      // Not in this directory.
    }
  }
  return null
}
