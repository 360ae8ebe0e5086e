/**
 * ELF64 little-endian executables (the System V gABI, "Program Header"):
 * the file header and the program headers a loader needs — PT_LOAD
 * segments, PT_INTERP (the requested program interpreter) and PT_PHDR.
 * A pure parser: malformed input is a reason, never an exception; what a
 * loader accepts (machine, static or dynamic) is the loader's decision.
 */

export const EM_X86_64 = 62
export const EM_AARCH64 = 183

/** Segment permission bits (p_flags). */
export const enum SegmentFlag {
  X = 1,
  W = 2,
  R = 4,
}

export interface Segment {
  vaddr: number
  memsz: number
  offset: number
  filesz: number
  /** SegmentFlag bits. */
  flags: number
}

export interface ElfImage {
  /** ET_EXEC (fixed addresses) or ET_DYN (position independent). */
  type: 'exec' | 'dyn'
  /** e_machine (EM_AARCH64, EM_X86_64 …). */
  machine: number
  entry: number
  phoff: number
  phnum: number
  /** The PT_LOAD segments, in file order. */
  segments: Segment[]
  /** Address of the program headers once loaded (before the bias of an ET_DYN image). */
  phdrVaddr: number
  /** The program interpreter PT_INTERP names (a dynamically linked program), or null. */
  interp: string | null
}

export type ElfResult = { ok: true; image: ElfImage } | { ok: false; reason: string }

/** e_type values that are not executables, for messages. */
const ELF_TYPES: Record<number, string> = { 0: 'ET_NONE', 1: 'ET_REL, an object file', 4: 'ET_CORE, a core dump' }

const PT_LOAD = 1
const PT_INTERP = 3
const PT_PHDR = 6
const PHENT_SIZE = 56
const MAX_PHNUM = 128
/** Segment addresses must stay below 2^47 (user space of both 64-bit architectures). */
const USER_LIMIT = 2 ** 47

/** The name of an e_machine value, for messages. */
export function machineName(machine: number): string {
  return machine === EM_AARCH64 ? 'aarch64' : machine === EM_X86_64 ? 'x86-64' : `machine ${machine}`
}

export function parseElf(b: Uint8Array, pageSize = 4096): ElfResult {
  const bad = (reason: string): ElfResult => ({ ok: false, reason })
  if (b.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return bad('not an ELF file')
  if (b.length < 64) return bad(`truncated ELF file (${b.length} bytes, shorter than the 64-byte ELF header)`)
  if (b[4] !== 2) return bad(b[4] === 1 ? 'a 32-bit ELF file (64-bit programs only)' : `not a 64-bit ELF file (class ${b[4]})`)
  if (b[5] !== 1) return bad('a big-endian ELF file (little-endian programs only)')
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const u16 = (o: number) => dv.getUint16(o, true)
  const u32 = (o: number) => dv.getUint32(o, true)
  const u64 = (o: number) => dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 4294967296
  const type = u16(16)
  if (type !== 2 && type !== 3) return bad(`not an executable (ELF type ${ELF_TYPES[type] ?? type})`)
  const machine = u16(18)
  const entry = u64(24)
  const phoff = u64(32)
  const phentsize = u16(54)
  const phnum = u16(56)
  if (phentsize !== PHENT_SIZE || phnum === 0 || phnum > MAX_PHNUM) return bad('bad program headers')
  if (phoff + phnum * PHENT_SIZE > b.length) return bad(`truncated ELF file (${b.length} bytes; its program headers end at byte ${phoff + phnum * PHENT_SIZE})`)
  const segments: Segment[] = []
  let phdrVaddr = -1
  let interp: string | null = null
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * PHENT_SIZE
    const pt = u32(o)
    const flags = u32(o + 4)
    const offset = u64(o + 8)
    const vaddr = u64(o + 16)
    const filesz = u64(o + 32)
    const memsz = u64(o + 40)
    if (pt === PT_INTERP) {
      if (offset + filesz > b.length) return bad(`truncated ELF file (${b.length} bytes; its PT_INTERP ends at byte ${offset + filesz})`)
      if (filesz === 0 || filesz > 4096) return bad('bad PT_INTERP segment')
      const name = b.subarray(offset, offset + filesz)
      const nul = name.indexOf(0)
      interp = new TextDecoder().decode(nul >= 0 ? name.subarray(0, nul) : name)
      continue
    }
    if (pt === PT_PHDR) phdrVaddr = vaddr
    if (pt !== PT_LOAD) continue
    if (offset + filesz > b.length) return bad(`truncated ELF file (${b.length} bytes; a PT_LOAD segment ends at byte ${offset + filesz})`)
    if (filesz > memsz || vaddr + memsz > USER_LIMIT) return bad('bad PT_LOAD segment')
    if ((vaddr - offset) % pageSize !== 0) return bad('misaligned PT_LOAD segment')
    segments.push({ vaddr, memsz, offset, filesz, flags })
  }
  if (segments.length === 0) return bad('no loadable segments')
  if (phdrVaddr < 0) {
    // Without PT_PHDR: the headers are wherever the segment holding them maps them.
    const s = segments.find((g) => g.offset <= phoff && phoff + phnum * PHENT_SIZE <= g.offset + g.filesz)
    phdrVaddr = s ? s.vaddr + (phoff - s.offset) : 0
  }
  return { ok: true, image: { type: type === 2 ? 'exec' : 'dyn', machine, entry, phoff, phnum, segments, phdrVaddr, interp } }
}
