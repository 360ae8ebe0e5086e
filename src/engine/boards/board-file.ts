/**
 * Board files: a BoardDescriptor written as JSON (resources/boards/NAME.json
 * shipped, the user's own beside their scenarios), read and checked here so
 * that every problem has its line and column — the editor shows them in its
 * gutter, and a scenario naming a bad board is refused with file:line.
 *
 * A file holds the descriptor's fields; addresses and sizes may be numbers or
 * strings ("0x0900_0000", "320M"), `notes` holds the reasons for the tables
 * (JSON has no comments), and `extends` names a board whose tables it starts
 * from (its own memmap and irqmap entries are added or replace, its devices
 * come after the base's). The name must be the file's name without ".json":
 * that is how scenarios refer to it (`-- l4lab board: file=NAME`).
 *
 * What is checked, on the board as extended: the arch is one with a core;
 * CPUs 0..16; RAM a multiple of 64 KiB, at least 1 MiB with CPUs and at most
 * 2 GiB (what a core's linear memory holds); windows inside the 48-bit
 * physical space and not overlapping; interrupt lines below `irqLines`;
 * every device of a known compatible, with the window and line its model
 * needs; no unknown fields (a typo is not silently ignored). Never throws.
 */
import type { CoreArch } from '../cpu/core'
import { DEVICE_MODELS, deviceModel } from '../devices'
import { parseAddress } from '../util/address-text'
import { parseJsonWithPositions, type JsonNode, type JsonPos } from '../util/json-positions'
import type { BoardDescriptor, DeviceSpec, Region } from './descriptor'

export interface BoardDiagnostic {
  line: number
  column: number
  severity: 'error' | 'warning'
  message: string
}

export type BoardFileResult = { descriptor: BoardDescriptor | null; diagnostics: BoardDiagnostic[] }

/** The boards a file may extend, by name (already checked). */
export type BoardResolver = (name: string) => BoardDescriptor | null

export const BOARD_FILE_NAME = /^[a-z0-9][a-z0-9-]{0,62}\.json$/
export const BOARD_LIMITS = { maxCpus: 16, maxIrqLines: 1024, ramAlign: 64 * 1024, minRamWithCpus: 1 << 20, maxRam: 2 ** 31, physBits: 48 } as const
const ARCHES: readonly CoreArch[] = ['aarch64', 'x86_64']
const FIELDS = ['name', 'summary', 'notes', 'extends', 'arch', 'cpus', 'irqLines', 'memmap', 'irqmap', 'devices'] as const
const DEVICE_FIELDS = ['name', 'compatible', 'region', 'irq'] as const
const KEY = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/

/** Reads and checks the board file `fileName` (NAME.json) of text `source`. */
export function checkBoardFile(fileName: string, source: string, resolve: BoardResolver = () => null): BoardFileResult {
  const parsed = parseJsonWithPositions(source)
  if (!parsed.ok) return { descriptor: null, diagnostics: [{ ...parsed.pos, severity: 'error', message: `JSON: ${parsed.message}` }] }
  const r = new Reader(fileName.replace(/\.json$/, ''), resolve)
  const descriptor = r.read(parsed.root)
  r.out.sort((a, b) => a.line - b.line || a.column - b.column)
  return { descriptor: r.out.some((d) => d.severity === 'error') ? null : descriptor, diagnostics: r.out }
}

/** The first error as "FILE:LINE:COLUMN: message", or null for a good file. */
export function boardFileError(fileName: string, result: BoardFileResult): string | null {
  const e = result.diagnostics.find((d) => d.severity === 'error')
  return e ? `${fileName}:${e.line}:${e.column}: ${e.message}` : null
}

const hex = (n: number) => `0x${n.toString(16)}`

class Reader {
  readonly out: BoardDiagnostic[] = []
  /** Where each field path of this file is ("memmap.uart.base", "devices[1].irq"), for problems found after merging. */
  private readonly at = new Map<string, JsonPos>()
  private top: JsonPos = { line: 1, column: 1 }
  /** Windows written but unreadable (already reported: a device naming one is not reported again). */
  private readonly badWindows = new Set<string>()
  /** How many devices come from the board extended (they are listed first). */
  private baseDevices = 0

  constructor(private readonly stem: string, private readonly resolve: BoardResolver) {}

  private error(pos: JsonPos | undefined, message: string): void {
    this.out.push({ ...(pos ?? this.top), severity: 'error', message })
  }

  read(root: JsonNode): BoardDescriptor | null {
    this.top = root.pos
    if (root.kind !== 'object') {
      this.error(root.pos, 'a board file is one JSON object: { "name": …, "arch": …, "memmap": … }')
      return null
    }
    const f = this.fields(root, FIELDS, '')
    let base: BoardDescriptor | null = null
    if (f.extends) {
      const name = this.string(f.extends, 'extends')
      base = name === null ? null : this.resolve(name)
      if (name !== null && !base) this.error(f.extends.pos, `extends: no board named "${name}"`)
      if (name === this.stem) this.error(f.extends.pos, 'extends: a board cannot extend itself')
    }
    const name = f.name ? this.string(f.name, 'name') : null
    if (!f.name) this.error(root.pos, `name: missing (it must be "${this.stem}", the file's name)`)
    else if (name !== null && name !== this.stem) this.error(f.name.pos, `name: "${name}" must be the file's name, "${this.stem}"`)
    const summary = f.summary ? this.string(f.summary, 'summary') : null
    if (f.notes && (f.notes.kind !== 'array' || f.notes.items.some((n) => n.kind !== 'string'))) this.error(f.notes.pos, 'notes: a list of strings')
    let arch: CoreArch | null = base?.arch ?? null
    if (f.arch) {
      const a = this.string(f.arch, 'arch')
      arch = ARCHES.find((x) => x === a) ?? null
      if (a !== null && !arch) this.error(f.arch.pos, `arch: unknown architecture "${a}" (${ARCHES.join(' or ')})`)
    } else if (!f.extends) this.error(root.pos, `arch: missing (${ARCHES.join(' or ')})`)
    const cpus = f.cpus ? this.integer(f.cpus, 'cpus', 0, BOARD_LIMITS.maxCpus) : (base?.cpus ?? 1)
    const irqLines = f.irqLines ? this.integer(f.irqLines, 'irqLines', 0, BOARD_LIMITS.maxIrqLines) : (base?.irqLines ?? 0)
    const memmap: Record<string, Region> = { ...base?.memmap }
    if (f.memmap) for (const [key, node] of this.map(f.memmap, 'memmap')) {
      const region = this.region(node, `memmap.${key}`)
      if (region) memmap[key] = region
      else this.badWindows.add(key)
    }
    const irqmap: Record<string, number> = { ...base?.irqmap }
    if (f.irqmap) for (const [key, node] of this.map(f.irqmap, 'irqmap')) {
      this.at.set(`irqmap.${key}`, node.pos)
      const line = this.integer(node, `irqmap.${key}`, 0, Number.MAX_SAFE_INTEGER)
      if (line !== null) irqmap[key] = line
    }
    const devices: DeviceSpec[] = [...(base?.devices ?? [])]
    this.baseDevices = devices.length
    if (f.devices) {
      if (f.devices.kind !== 'array') this.error(f.devices.pos, 'devices: a list of { "name", "compatible", "region"?, "irq"? }')
      else f.devices.items.forEach((node, i) => {
        const d = this.device(node, `devices[${i}]`)
        if (d) devices.push(d)
      })
    }
    if (!arch || cpus === null || irqLines === null || !name) return null
    if (!memmap.ram) {
      this.error(f.memmap?.pos ?? root.pos, 'memmap.ram: missing (the board\'s RAM window; size 0 on a board without CPUs)')
      return null
    }
    const board: BoardDescriptor = { name, summary: summary ?? base?.summary ?? '', arch, cpus, irqLines, memmap: memmap as BoardDescriptor['memmap'], irqmap, devices }
    this.checkTables(board)
    return board
  }

  /** The rules on the board as a whole (after `extends`): RAM, overlaps, lines, devices. */
  private checkTables(b: BoardDescriptor): void {
    const ram = b.memmap.ram
    const ramAt = this.at.get('memmap.ram.size')
    if (ram.size % BOARD_LIMITS.ramAlign !== 0) this.error(ramAt, `memmap.ram.size: ${ram.size} bytes is not a multiple of 64 KiB`)
    if (ram.size > BOARD_LIMITS.maxRam) this.error(ramAt, `memmap.ram.size: at most 2 GiB (a core's memory), not ${Math.floor(ram.size / 2 ** 20)} MiB`)
    if (b.cpus > 0 && ram.size < BOARD_LIMITS.minRamWithCpus) this.error(ramAt, `memmap.ram.size: a board with CPUs needs at least 1 MiB of RAM, not ${ram.size} bytes`)
    const windows = Object.entries(b.memmap).filter(([, r]) => r.size > 0).sort((x, y) => x[1].base - y[1].base)
    for (let i = 1; i < windows.length; i++) {
      const [prevName, prev] = windows[i - 1]
      const [name, r] = windows[i]
      if (r.base < prev.base + prev.size) {
        // Put it where this file wrote either window (a base board's windows do not overlap).
        const pos = this.at.get(`memmap.${name}`) ?? this.at.get(`memmap.${prevName}`)
        this.error(pos, `memmap.${name} (${hex(r.base)}..${hex(r.base + r.size - 1)}) overlaps memmap.${prevName} (${hex(prev.base)}..${hex(prev.base + prev.size - 1)})`)
      }
    }
    for (const [key, line] of Object.entries(b.irqmap)) {
      if (line >= b.irqLines) this.error(this.at.get(`irqmap.${key}`) ?? this.at.get('irqLines'), `irqmap.${key}: line ${line} is out of range: the board has ${b.irqLines} lines (0..${b.irqLines - 1})`)
    }
    const seen = new Set<string>()
    b.devices.forEach((d, i) => {
      const path = i < this.baseDevices ? `devices of the board extended [${i}]` : `devices[${i - this.baseDevices}]`
      const at = (field: string) => this.at.get(`${path}.${field}`) ?? this.at.get(path)
      if (seen.has(d.name)) this.error(at('name'), `${path}.name: "${d.name}" is listed twice`)
      seen.add(d.name)
      const model = deviceModel(d.compatible)
      if (!model) {
        this.error(at('compatible'), `${path}.compatible: no device model is compatible with "${d.compatible}" (there are: ${DEVICE_MODELS.map((m) => m.compatible).join(', ')})`)
        return
      }
      if (d.region !== undefined && !b.memmap[d.region] && !this.badWindows.has(d.region)) this.error(at('region'), `${path}.region: the memory map has no window "${d.region}"`)
      if (model.needs.region && d.region === undefined) this.error(at('compatible'), `${path}: ${d.compatible} needs a register window ("region")`)
      if (d.irq !== undefined && b.irqmap[d.irq] === undefined) this.error(at('irq'), `${path}.irq: the IRQ map has no line "${d.irq}"`)
      if (model.needs.irq && d.irq === undefined) this.error(at('compatible'), `${path}: ${d.compatible} needs an interrupt line ("irq")`)
    })
  }


  private device(node: JsonNode, path: string): DeviceSpec | null {
    this.at.set(path, node.pos)
    if (node.kind !== 'object') {
      this.error(node.pos, `${path}: an object { "name", "compatible", "region"?, "irq"? }`)
      return null
    }
    const f = this.fields(node, DEVICE_FIELDS, `${path}.`)
    const name = f.name ? this.string(f.name, `${path}.name`) : null
    const compatible = f.compatible ? this.string(f.compatible, `${path}.compatible`) : null
    if (!f.name) this.error(node.pos, `${path}.name: missing`)
    if (!f.compatible) this.error(node.pos, `${path}.compatible: missing (the device model, e.g. "arm,pl031")`)
    const region = f.region ? this.string(f.region, `${path}.region`) : null
    const irq = f.irq ? this.string(f.irq, `${path}.irq`) : null
    if (name === null || compatible === null) return null
    return { name, compatible, ...(region !== null ? { region } : {}), ...(irq !== null ? { irq } : {}) }
  }

  private region(node: JsonNode, path: string): Region | null {
    this.at.set(path, node.pos)
    if (node.kind !== 'object') {
      this.error(node.pos, `${path}: an object { "base": …, "size": … }`)
      return null
    }
    const f = this.fields(node, ['base', 'size'], `${path}.`)
    if (!f.base || !f.size) {
      this.error(node.pos, `${path}: needs both "base" and "size"`)
      return null
    }
    const base = this.address(f.base, `${path}.base`)
    const size = this.address(f.size, `${path}.size`)
    if (base === null || size === null) return null
    if (base + size > 2 ** BOARD_LIMITS.physBits) {
      this.error(f.size.pos, `${path}: ends at ${hex(base + size)}, beyond the ${BOARD_LIMITS.physBits}-bit physical address space`)
      return null
    }
    return { base, size }
  }

  /** The object's fields by name; unknown ones are errors at their key. */
  private fields<K extends string>(node: JsonNode & { kind: 'object' }, known: readonly K[], prefix: string): Partial<Record<K, JsonNode>> {
    const out: Partial<Record<K, JsonNode>> = {}
    for (const e of node.entries) {
      const k = known.find((x) => x === e.key)
      this.at.set(prefix + e.key, e.value.pos)
      if (!k) this.error(e.keyPos, `${prefix}${e.key}: unknown field (the fields are ${known.join(', ')})`)
      else if (out[k]) this.error(e.keyPos, `${prefix}${e.key}: given twice`)
      else out[k] = e.value
    }
    return out
  }

  private map(node: JsonNode, path: string): [string, JsonNode][] {
    if (node.kind !== 'object') {
      this.error(node.pos, `${path}: an object of named entries`)
      return []
    }
    const out: [string, JsonNode][] = []
    for (const e of node.entries) {
      if (!KEY.test(e.key)) this.error(e.keyPos, `${path}: "${e.key}" is not a name (letters, digits, _ and -, starting with a letter)`)
      else out.push([e.key, e.value])
    }
    return out
  }

  private string(node: JsonNode, path: string): string | null {
    if (node.kind === 'string') return node.value
    this.error(node.pos, `${path}: a string`)
    return null
  }

  private integer(node: JsonNode, path: string, min: number, max: number): number | null {
    if (node.kind === 'number' && Number.isInteger(node.value) && node.value >= min && node.value <= max) return node.value
    this.error(node.pos, `${path}: an integer in ${min}..${max}`)
    return null
  }

  /** A byte address or size: a number, "0x…" (underscores allowed) or a size with K, M or G. */
  private address(node: JsonNode, path: string): number | null {
    const v = node.kind === 'number' || node.kind === 'string' ? parseAddress(node.value) : null
    if (v !== null) return v
    this.error(node.pos, `${path}: a non-negative integer, "0x…" or a size such as "64K", "320M", "1G"`)
    return null
  }
}
