/**
 * A flattened device tree (DTB) writer, after the Devicetree Specification
 * v0.4, chapter 5: a board builds the tree its guest boots with (x0 holds
 * its address on arm64, Documentation/arch/arm64/booting.rst).
 *
 * Usage mirrors libfdt's sequential-write API (fdt_begin_node / fdt_property
 * / fdt_end_node):
 *
 *   const w = new FdtWriter()
 *   w.begin('')                              // the root
 *   w.prop('compatible', 'linux,dummy-virt')
 *   w.propU32('#address-cells', 2)
 *   w.begin('pl011@9000000')
 *   w.propStrings('compatible', ['arm,pl011', 'arm,primecell'])
 *   w.propU64s('reg', [0x9000000n, 0x1000n])
 *   w.end()
 *   w.end()
 *   const r = w.finish({ bootCpuid: 0 })    // { ok: true, blob } or { ok: false, reason }
 *
 * Misuse (a bad name, a property outside a node or after a child node, a
 * duplicate, unbalanced begin/end, a value out of range) does not throw: the
 * first error is kept, later calls do nothing, and `finish` returns it.
 *
 * Layout, as dtc writes it: the 40-byte header, the memory reservation block
 * (8-byte aligned, §5.3.2), the structure block (4-byte aligned tokens,
 * §5.4.1), the strings block (property names, each stored once, §5.5).
 */

export const FDT_MAGIC = 0xd00dfeed
export const FDT_VERSION = 17
/** Version 17 blobs are readable by version 16 readers (§5.2, last_comp_version). */
export const FDT_LAST_COMP_VERSION = 16
export const FDT_HEADER_SIZE = 40

/** Structure block tokens (§5.4.1). */
export const enum FdtToken {
  BeginNode = 1,
  EndNode = 2,
  Prop = 3,
  Nop = 4,
  End = 9,
}

/** Header field offsets (§5.2, struct fdt_header); every field is a big-endian u32. */
export const enum FdtHeader {
  Magic = 0,
  TotalSize = 4,
  OffDtStruct = 8,
  OffDtStrings = 12,
  OffMemRsvmap = 16,
  Version = 20,
  LastCompVersion = 24,
  BootCpuidPhys = 28,
  SizeDtStrings = 32,
  SizeDtStruct = 36,
}

export type FdtResult = { ok: true; blob: Uint8Array } | { ok: false; reason: string }

/** node-name: 1–31 of these, starting with a letter; unit-address: one or more of them (§2.2.1). */
const NODE_NAME = /^[A-Za-z][0-9A-Za-z,._+-]{0,30}(@[0-9A-Za-z,._+-]+)?$/
/** Property names: 1–31 of these (§2.2.4.1). */
const PROP_NAME = /^[0-9A-Za-z,._+?#-]{1,31}$/
const U64_MAX = (1n << 64n) - 1n

/** A growable big-endian byte buffer. */
class Bytes {
  buf = new Uint8Array(256)
  length = 0

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return
    let cap = this.buf.length * 2
    while (cap < this.length + n) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
  }
  u32(v: number): void {
    this.room(4)
    new DataView(this.buf.buffer).setUint32(this.length, v >>> 0)
    this.length += 4
  }
  bytes(b: Uint8Array): void {
    this.room(b.length)
    this.buf.set(b, this.length)
    this.length += b.length
  }
  /** Zero padding to the next multiple of 4 (the buffer is zero-filled, so only the length moves). */
  align4(): void {
    const pad = (4 - (this.length & 3)) & 3
    this.room(pad)
    this.length += pad
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.length)
  }
}

interface OpenNode {
  name: string
  props: Set<string>
  children: Set<string>
  /** §5.4.2: all properties of a node precede its first child. */
  hasChild: boolean
}

const enc = new TextEncoder()

export class FdtWriter {
  private readonly struct = new Bytes()
  private readonly strings = new Bytes()
  private readonly stringOffsets = new Map<string, number>()
  private readonly reservations: Array<{ address: bigint; size: bigint }> = []
  private readonly open: OpenNode[] = []
  /** Phandles handed out or written: allocPhandle skips them. */
  private readonly phandles = new Set<number>()
  /** Phandles some node carries. */
  private readonly written = new Set<number>()
  private nextPhandle = 1
  private rootDone = false
  private error: string | null = null

  /** The first error, or null. */
  get failure(): string | null {
    return this.error
  }

  /** Adds a memory reservation block entry (§5.3): memory the client must not use, such as the DTB itself or firmware. */
  reserve(address: bigint | number, size: bigint | number): void {
    const a = toU64(address)
    const s = toU64(size)
    if (a === null || s === null) return this.fail(`memory reservation ${String(address)}+${String(size)}: not a u64`)
    // A (0, 0) entry would end the list early (§5.3.2); an empty reservation reserves nothing.
    if (s === 0n) return this.fail(`memory reservation at 0x${a.toString(16)}: zero size`)
    if (a + s - 1n > U64_MAX) return this.fail(`memory reservation at 0x${a.toString(16)}: runs past 2^64`)
    for (const r of this.reservations) {
      if (a < r.address + r.size && r.address < a + s) return this.fail(`memory reservation at 0x${a.toString(16)} overlaps the one at 0x${r.address.toString(16)} (§5.3.2)`)
    }
    this.reservations.push({ address: a, size: s })
  }

  /** Opens a node: '' for the root (which must come first and alone), `node-name@unit-address` below it. */
  begin(name: string): void {
    if (this.error !== null) return
    const parent = this.open.at(-1)
    if (parent === undefined) {
      if (this.rootDone) return this.fail(`node "${name}" after the root node was closed`)
      if (name !== '') return this.fail(`the first node must be the root, named "" (got "${name}")`)
    } else {
      if (!NODE_NAME.test(name)) return this.fail(`bad node name "${name}" under ${this.path()} (§2.2.1)`)
      if (parent.children.has(name)) return this.fail(`duplicate node ${this.path(name)}`)
      parent.children.add(name)
      parent.hasChild = true
    }
    this.struct.u32(FdtToken.BeginNode)
    this.struct.bytes(enc.encode(name))
    this.struct.bytes(new Uint8Array(1))
    this.struct.align4()
    this.open.push({ name, props: new Set(), children: new Set(), hasChild: false })
  }

  end(): void {
    if (this.error !== null) return
    if (this.open.length === 0) return this.fail('end() without an open node')
    this.open.pop()
    if (this.open.length === 0) this.rootDone = true
    this.struct.u32(FdtToken.EndNode)
  }

  /** A `<string>` property. */
  prop(name: string, value: string): void {
    this.propStrings(name, [value])
  }

  /** A `<stringlist>` property: each string NUL-terminated, concatenated (§2.2.4.2). */
  propStrings(name: string, values: readonly string[]): void {
    const parts = values.map((v) => enc.encode(v))
    if (parts.some((p) => p.includes(0))) return this.fail(`property ${name}: a string contains NUL`)
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0))
    let o = 0
    for (const p of parts) {
      out.set(p, o)
      o += p.length + 1
    }
    this.emit(name, out)
  }

  /** A `<u32>` property. */
  propU32(name: string, v: number): void {
    this.propCells(name, [v])
  }

  /** A `<prop-encoded-array>` of u32 cells (reg, interrupts, ranges, …). */
  propCells(name: string, cells: readonly number[]): void {
    const out = new Uint8Array(cells.length * 4)
    const dv = new DataView(out.buffer)
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i]
      if (!Number.isInteger(c) || c < 0 || c > 0xffffffff) return this.fail(`property ${name}: cell ${i} (${c}) is not a u32`)
      dv.setUint32(i * 4, c)
    }
    this.emit(name, out)
  }

  /** A `<u64>` property. */
  propU64(name: string, v: bigint | number): void {
    this.propU64s(name, [v])
  }

  /** u64 values, each as two cells, most significant first (§2.2.4.2); `reg` with #address-cells = #size-cells = 2. */
  propU64s(name: string, values: ReadonlyArray<bigint | number>): void {
    const out = new Uint8Array(values.length * 8)
    const dv = new DataView(out.buffer)
    for (let i = 0; i < values.length; i++) {
      const v = toU64(values[i])
      if (v === null) return this.fail(`property ${name}: value ${i} (${String(values[i])}) is not a u64`)
      dv.setBigUint64(i * 8, v)
    }
    this.emit(name, out)
  }

  propBytes(name: string, bytes: Uint8Array): void {
    this.emit(name, bytes)
  }

  /** An empty property: true by its presence (interrupt-controller, dma-coherent, ranges). */
  propEmpty(name: string): void {
    this.emit(name, new Uint8Array(0))
  }

  /**
   * A phandle no node has yet. Reserve one before writing the node when an
   * earlier node must refer to it (the root's interrupt-parent names the GIC).
   */
  allocPhandle(): number {
    while (this.phandles.has(this.nextPhandle)) this.nextPhandle++
    this.phandles.add(this.nextPhandle)
    return this.nextPhandle++
  }

  /**
   * Gives the open node its `phandle` property (§2.3.3) and returns it:
   * `value` if given (from allocPhandle, or chosen), otherwise a new one.
   * 0 and 0xffffffff are not phandles (dtc and libfdt treat them as "none").
   */
  phandle(value?: number): number {
    const h = value ?? this.allocPhandle()
    if (!Number.isInteger(h) || h < 1 || h > 0xfffffffe) {
      this.fail(`phandle ${h} out of range 1..0xfffffffe`)
      return h
    }
    if (this.written.has(h)) {
      this.fail(`phandle ${h} given to two nodes`)
      return h
    }
    this.phandles.add(h)
    this.written.add(h)
    this.propU32('phandle', h)
    return h
  }

  /** Builds the blob. `bootCpuid` is boot_cpuid_phys, the reg of the boot CPU's node (§5.2). */
  finish(opts: { bootCpuid?: number } = {}): FdtResult {
    const bootCpuid = opts.bootCpuid ?? 0
    if (this.error !== null) return { ok: false, reason: this.error }
    if (!this.rootDone) return { ok: false, reason: this.open.length > 0 ? `node ${this.path()} is still open` : 'no root node' }
    if (!Number.isInteger(bootCpuid) || bootCpuid < 0 || bootCpuid > 0xffffffff) return { ok: false, reason: `boot CPU id ${bootCpuid} is not a u32` }
    const offRsv = FDT_HEADER_SIZE
    const rsvSize = (this.reservations.length + 1) * 16
    const offStruct = offRsv + rsvSize
    const sizeStruct = this.struct.length + 4
    const offStrings = offStruct + sizeStruct
    const total = offStrings + this.strings.length
    const out = new Uint8Array(total)
    const dv = new DataView(out.buffer)
    dv.setUint32(FdtHeader.Magic, FDT_MAGIC)
    dv.setUint32(FdtHeader.TotalSize, total)
    dv.setUint32(FdtHeader.OffDtStruct, offStruct)
    dv.setUint32(FdtHeader.OffDtStrings, offStrings)
    dv.setUint32(FdtHeader.OffMemRsvmap, offRsv)
    dv.setUint32(FdtHeader.Version, FDT_VERSION)
    dv.setUint32(FdtHeader.LastCompVersion, FDT_LAST_COMP_VERSION)
    dv.setUint32(FdtHeader.BootCpuidPhys, bootCpuid)
    dv.setUint32(FdtHeader.SizeDtStrings, this.strings.length)
    dv.setUint32(FdtHeader.SizeDtStruct, sizeStruct)
    this.reservations.forEach((r, i) => {
      dv.setBigUint64(offRsv + i * 16, r.address)
      dv.setBigUint64(offRsv + i * 16 + 8, r.size)
    })
    // The (0, 0) terminator is already zero.
    out.set(this.struct.view(), offStruct)
    dv.setUint32(offStruct + this.struct.length, FdtToken.End)
    out.set(this.strings.view(), offStrings)
    return { ok: true, blob: out }
  }

  private emit(name: string, value: Uint8Array): void {
    if (this.error !== null) return
    const node = this.open.at(-1)
    if (node === undefined) return this.fail(`property ${name} outside any node`)
    if (!PROP_NAME.test(name)) return this.fail(`bad property name "${name}" in ${this.path()} (§2.2.4.1)`)
    if (node.hasChild) return this.fail(`property ${name} of ${this.path()} after a child node (§5.4.2: properties precede subnodes)`)
    if (node.props.has(name)) return this.fail(`duplicate property ${name} in ${this.path()}`)
    node.props.add(name)
    this.struct.u32(FdtToken.Prop)
    this.struct.u32(value.length)
    this.struct.u32(this.stringOffset(name))
    this.struct.bytes(value)
    this.struct.align4()
  }

  /** The offset of `name` in the strings block, adding it the first time (§5.5). */
  private stringOffset(name: string): number {
    let off = this.stringOffsets.get(name)
    if (off === undefined) {
      off = this.strings.length
      this.strings.bytes(enc.encode(name))
      this.strings.bytes(new Uint8Array(1))
      this.stringOffsets.set(name, off)
    }
    return off
  }

  /** The path of the open node, or of its child `child`. */
  private path(child?: string): string {
    const names = this.open.slice(1).map((n) => n.name)
    if (child !== undefined) names.push(child)
    return '/' + names.join('/')
  }

  private fail(reason: string): void {
    if (this.error === null) this.error = reason
  }
}

function toU64(v: bigint | number): bigint | null {
  if (typeof v === 'bigint') return v >= 0n && v <= U64_MAX ? v : null
  return Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : null
}
