/**
 * A flattened device tree (DTB) reader, after the Devicetree Specification
 * v0.4, chapter 5. uvmm accepts a user's DTB for its VM, so the input is
 * untrusted: every offset and length is checked against the blob before it
 * is used, a malformed blob is `{ ok: false, reason }` and never an
 * exception, and the walk over the structure block moves forward at least
 * one token (4 bytes) per step, so it ends.
 *
 * What is refused, beyond the header's own checks: blocks outside
 * `totalsize`; a memory reservation block without its (0, 0) terminator;
 * tokens that are unknown or out of place (a property outside a node or
 * after a child node, an FDT_END inside a node, a second root); names that
 * are unterminated or point outside the strings block; duplicate properties
 * or sibling names (a path could not tell them apart); nesting deeper than
 * `maxDepth`.
 */
import { FDT_HEADER_SIZE, FDT_MAGIC, FDT_VERSION, FdtHeader, FdtToken, FdtWriter, type FdtResult } from './fdt'

export interface DtNode {
  /** `node-name@unit-address`; '' for the root. */
  name: string
  props: Map<string, Uint8Array>
  children: DtNode[]
}

export interface MemReservation {
  address: bigint
  size: bigint
}

export interface Dtb {
  version: number
  lastCompVersion: number
  bootCpuid: number
  reservations: MemReservation[]
  root: DtNode
}

export type DtbResult = { ok: true; dtb: Dtb } | { ok: false; reason: string }

export interface DtbLimits {
  /** Largest `totalsize` accepted; arm64 Linux takes at most 2 MiB (booting.rst, "Setup the device tree"). */
  maxSize?: number
  /** Deepest nesting accepted, the root being depth 1; Linux's unflattener stops at 64 (drivers/of/fdt.c FDT_MAX_DEPTH). */
  maxDepth?: number
}

export const DTB_MAX_SIZE = 2 * 1024 * 1024
export const DTB_MAX_DEPTH = 64
/** Version 16 headers end before size_dt_struct (§5.2: "version 17 fields below" in libfdt's fdt.h). */
const V16_HEADER_SIZE = 36

const dec = new TextDecoder()

export function parseDtb(b: Uint8Array, limits: DtbLimits = {}): DtbResult {
  const maxSize = limits.maxSize ?? DTB_MAX_SIZE
  const maxDepth = limits.maxDepth ?? DTB_MAX_DEPTH
  const bad = (reason: string): DtbResult => ({ ok: false, reason })
  if (b.length < V16_HEADER_SIZE) return bad(`${b.length} bytes: too short for a DTB header`)
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const hdr = (f: FdtHeader): number => dv.getUint32(f)
  if (hdr(FdtHeader.Magic) !== FDT_MAGIC) return bad(`bad magic 0x${hdr(FdtHeader.Magic).toString(16)} (a DTB starts with 0xd00dfeed)`)

  // §5.1: readers accept any version backwards compatible with 17; we read 16 as well (no size_dt_struct).
  const version = hdr(FdtHeader.Version)
  const lastCompVersion = hdr(FdtHeader.LastCompVersion)
  if (version < 16) return bad(`DTB version ${version}: only versions 16 and later are supported`)
  if (lastCompVersion > FDT_VERSION) return bad(`DTB version ${version} is compatible back to ${lastCompVersion} only; this reader knows ${FDT_VERSION}`)
  if (lastCompVersion > version) return bad(`last_comp_version ${lastCompVersion} is newer than version ${version}`)
  const headerSize = version >= 17 ? FDT_HEADER_SIZE : V16_HEADER_SIZE
  if (b.length < headerSize) return bad(`${b.length} bytes: too short for a version ${version} header`)

  const total = hdr(FdtHeader.TotalSize)
  if (total < headerSize) return bad(`totalsize ${total} is smaller than the header`)
  if (total > b.length) return bad(`truncated: totalsize is ${total} but only ${b.length} bytes are present`)
  if (total > maxSize) return bad(`totalsize ${total} exceeds the limit of ${maxSize} bytes`)

  const offRsv = hdr(FdtHeader.OffMemRsvmap)
  const offStruct = hdr(FdtHeader.OffDtStruct)
  const offStrings = hdr(FdtHeader.OffDtStrings)
  const sizeStrings = hdr(FdtHeader.SizeDtStrings)
  // Version 16 does not say where the structure block ends: up to totalsize (whole tokens only).
  const sizeStruct = version >= 17 ? hdr(FdtHeader.SizeDtStruct) : (total - Math.min(offStruct, total)) & ~3
  // §5.6: the reservation block is 8-byte aligned, the structure block 4-byte aligned.
  if (offRsv % 8 !== 0) return bad(`off_mem_rsvmap 0x${offRsv.toString(16)} is not 8-byte aligned`)
  if (offStruct % 4 !== 0) return bad(`off_dt_struct 0x${offStruct.toString(16)} is not 4-byte aligned`)
  if (sizeStruct % 4 !== 0) return bad(`size_dt_struct ${sizeStruct} is not a multiple of 4`)
  // Offsets and sizes are below 2^32, so these sums are exact.
  if (offRsv < headerSize || offRsv >= total) return bad(`off_mem_rsvmap 0x${offRsv.toString(16)} is outside the blob`)
  if (offStruct < headerSize || offStruct + sizeStruct > total) return bad(`structure block [0x${offStruct.toString(16)}, +${sizeStruct}) is outside the blob`)
  if (offStrings < headerSize || offStrings + sizeStrings > total) return bad(`strings block [0x${offStrings.toString(16)}, +${sizeStrings}) is outside the blob`)

  // §5.3.2: (address, size) pairs of big-endian u64, ended by (0, 0).
  const reservations: MemReservation[] = []
  for (let pos = offRsv; ; pos += 16) {
    if (pos + 16 > total) return bad('memory reservation block has no (0, 0) terminator')
    const address = dv.getBigUint64(pos)
    const size = dv.getBigUint64(pos + 8)
    if (address === 0n && size === 0n) break
    reservations.push({ address, size })
  }

  const root = parseStruct(b, dv, offStruct, offStruct + sizeStruct, offStrings, sizeStrings, maxDepth)
  if (typeof root === 'string') return bad(root)
  return { ok: true, dtb: { version, lastCompVersion, bootCpuid: hdr(FdtHeader.BootCpuidPhys), reservations, root } }
}

/** Walks the structure block (§5.4); returns the root or the reason it cannot. */
function parseStruct(b: Uint8Array, dv: DataView, start: number, end: number, strings: number, stringsSize: number, maxDepth: number): DtNode | string {
  const stack: DtNode[] = []
  /** Names of the children of each open node, to refuse duplicates. */
  const siblings: Array<Set<string>> = []
  const propNames = new Map<number, string>()
  let root: DtNode | null = null
  let pos = start
  for (;;) {
    if (pos + 4 > end) return `structure block ends at 0x${end.toString(16)} without FDT_END`
    const at = pos
    const token = dv.getUint32(pos)
    pos += 4
    switch (token) {
      case FdtToken.BeginNode: {
        if (root !== null && stack.length === 0) return `a second root node at 0x${at.toString(16)}`
        if (stack.length >= maxDepth) return `nodes nested deeper than ${maxDepth} at 0x${at.toString(16)}`
        const nul = b.subarray(pos, end).indexOf(0)
        if (nul < 0) return `unterminated node name at 0x${at.toString(16)}`
        const name = dec.decode(b.subarray(pos, pos + nul))
        pos = align4(pos + nul + 1)
        const node: DtNode = { name, props: new Map(), children: [] }
        const parent = stack.at(-1)
        if (parent === undefined) {
          root = node
        } else {
          if (name === '' || name.includes('/')) return `bad node name "${name}" at 0x${at.toString(16)}`
          const names = siblings.at(-1)!
          if (names.has(name)) return `duplicate node "${name}" at 0x${at.toString(16)}`
          names.add(name)
          parent.children.push(node)
        }
        stack.push(node)
        siblings.push(new Set())
        break
      }
      case FdtToken.EndNode:
        if (stack.length === 0) return `FDT_END_NODE outside any node at 0x${at.toString(16)}`
        stack.pop()
        siblings.pop()
        break
      case FdtToken.Prop: {
        const node = stack.at(-1)
        if (node === undefined) return `property outside any node at 0x${at.toString(16)}`
        if (node.children.length > 0) return `property after a child node at 0x${at.toString(16)} (§5.4.2)`
        if (pos + 8 > end) return `truncated property at 0x${at.toString(16)}`
        const len = dv.getUint32(pos)
        const nameoff = dv.getUint32(pos + 4)
        pos += 8
        if (len > end - pos) return `property value of ${len} bytes at 0x${at.toString(16)} runs past the structure block`
        const name = propName(b, propNames, strings, stringsSize, nameoff)
        if (name === null) return `property name offset ${nameoff} at 0x${at.toString(16)} is not a string in the strings block`
        if (node.props.has(name)) return `duplicate property "${name}" at 0x${at.toString(16)}`
        node.props.set(name, b.slice(pos, pos + len))
        pos = align4(pos + len)
        break
      }
      case FdtToken.Nop:
        break
      case FdtToken.End:
        if (stack.length > 0) return `FDT_END at 0x${at.toString(16)} inside node "${stack.at(-1)!.name}"`
        if (root === null) return 'no root node'
        return root
      default:
        return `unknown token 0x${token.toString(16)} at 0x${at.toString(16)}`
    }
  }
}

/** The NUL-terminated, non-empty name at `off` in the strings block (§5.5), or null. */
function propName(b: Uint8Array, cache: Map<number, string>, strings: number, size: number, off: number): string | null {
  const known = cache.get(off)
  if (known !== undefined) return known
  if (off >= size) return null
  const nul = b.subarray(strings + off, strings + size).indexOf(0)
  if (nul <= 0) return null
  const name = dec.decode(b.subarray(strings + off, strings + off + nul))
  cache.set(off, name)
  return name
}

const align4 = (n: number): number => (n + 3) & ~3

// ---- Reading the tree -------------------------------------------------------

/**
 * The chain of nodes from the root to `path`, or null. A path is absolute
 * (`/cpus/cpu@0`, §2.2.3) or starts with an alias (`serial0/…`, resolved
 * through /aliases, §3.3). As libfdt does, a component without a unit
 * address matches a node whose name differs only by one (`/intc` finds
 * `intc@8000000`); the first match wins.
 */
function walk(root: DtNode, path: string): DtNode[] | null {
  if (!path.startsWith('/')) {
    const slash = path.indexOf('/')
    const alias = slash < 0 ? path : path.slice(0, slash)
    const aliases = root.children.find((c) => c.name === 'aliases')
    const target = aliases === undefined ? null : propString(aliases, alias)
    // An alias's value is a full path (§3.3), so this recursion goes one level deep.
    if (target === null || !target.startsWith('/')) return null
    return walk(root, target + (slash < 0 ? '' : path.slice(slash)))
  }
  const chain = [root]
  for (const part of path.split('/')) {
    if (part === '') continue
    const node = chain.at(-1)!
    const exact = node.children.find((c) => c.name === part)
    const next = exact ?? (part.includes('@') ? undefined : node.children.find((c) => c.name.startsWith(part + '@')))
    if (next === undefined) return null
    chain.push(next)
  }
  return chain
}

export function findNode(root: DtNode, path: string): DtNode | null {
  return walk(root, path)?.at(-1) ?? null
}

/** A `<u32>` property, or null when absent or not 4 bytes. */
export function propU32(node: DtNode, name: string): number | null {
  const v = node.props.get(name)
  return v === undefined || v.length !== 4 ? null : view(v).getUint32(0)
}

/** A property as u32 cells, or null when absent or not a multiple of 4 bytes. */
export function propCells(node: DtNode, name: string): number[] | null {
  const v = node.props.get(name)
  if (v === undefined || v.length % 4 !== 0) return null
  const dv = view(v)
  return Array.from({ length: v.length / 4 }, (_, i) => dv.getUint32(i * 4))
}

/** A `<u64>` property (two cells, most significant first), or null when absent or not 8 bytes. */
export function propU64(node: DtNode, name: string): bigint | null {
  const v = node.props.get(name)
  return v === undefined || v.length !== 8 ? null : view(v).getBigUint64(0)
}

/** A `<string>` property, or null when absent or not one NUL-terminated string. */
export function propString(node: DtNode, name: string): string | null {
  const list = propStrings(node, name)
  return list !== null && list.length === 1 ? list[0] : null
}

/**
 * A `<stringlist>` property, or null when absent or not strings: §2.2.4.2
 * strings are printable and NUL-terminated, so control characters, a
 * missing final NUL or an empty string inside a list (two NULs in a row,
 * as in most cell values) mean the value is something else.
 */
export function propStrings(node: DtNode, name: string): string[] | null {
  const v = node.props.get(name)
  if (v === undefined || v.length === 0 || v[v.length - 1] !== 0) return null
  if (v.length === 1) return [''] // bootargs = ""
  for (let i = 0; i < v.length; i++) {
    const c = v[i]
    if (c === 0 ? i === 0 || v[i - 1] === 0 : c < 0x20 || c === 0x7f) return null
  }
  return dec.decode(v.subarray(0, v.length - 1)).split('\0')
}

/** #address-cells and #size-cells of `node` for its children, with the defaults of §2.3.5 (2 and 1). */
export function cellCounts(node: DtNode): { addressCells: number; sizeCells: number } {
  return { addressCells: propU32(node, '#address-cells') ?? 2, sizeCells: propU32(node, '#size-cells') ?? 1 }
}

/**
 * The `reg` of the node at `path` as (address, size) pairs, decoded with its
 * parent's #address-cells and #size-cells (§2.3.6); null when the node or
 * its reg is missing or reg's length does not fit those counts.
 */
export function readReg(root: DtNode, path: string): MemReservation[] | null {
  const chain = walk(root, path)
  if (chain === null || chain.length < 2) return null
  const { addressCells, sizeCells } = cellCounts(chain[chain.length - 2])
  const cells = propCells(chain[chain.length - 1], 'reg')
  const per = addressCells + sizeCells
  if (cells === null || per === 0 || addressCells > 4 || sizeCells > 4 || cells.length % per !== 0) return null
  const join = (from: number, n: number): bigint => cells.slice(from, from + n).reduce((acc, c) => (acc << 32n) | BigInt(c), 0n)
  const out: MemReservation[] = []
  for (let i = 0; i < cells.length; i += per) out.push({ address: join(i, addressCells), size: join(i + addressCells, sizeCells) })
  return out
}

const view = (v: Uint8Array): DataView => new DataView(v.buffer, v.byteOffset, v.byteLength)

/**
 * Writes a tree back out (uvmm reads a user's DTB, edits /chosen, and hands
 * the guest the result). Properties and children keep their order.
 */
export function encodeDtb(dtb: Pick<Dtb, 'root' | 'reservations' | 'bootCpuid'>): FdtResult {
  const w = new FdtWriter()
  for (const r of dtb.reservations) w.reserve(r.address, r.size)
  const emit = (node: DtNode, isRoot: boolean): void => {
    w.begin(isRoot ? '' : node.name)
    for (const [name, value] of node.props) w.propBytes(name, value)
    for (const child of node.children) emit(child, false)
    w.end()
  }
  emit(dtb.root, true)
  return w.finish({ bootCpuid: dtb.bootCpuid })
}
